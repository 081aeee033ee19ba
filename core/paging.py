"""Pages of long lists: a large result is counted once a minute, not on every page.

Why: a county's household list is 125,000 rows, and counting them was most of what PostgreSQL
did for a list request (issue 14). A result of fewer than LARGE_COUNT rows, such as a village's
households, is counted on every request, so what a cadre has just added shows at once; a
larger one is counted again after COUNT_SECONDS, keyed by its SQL (the reader's scope and
filters are part of it). The API documents it at `count` (core.api.pagination).
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

LARGE_COUNT = 10_000
COUNT_SECONDS = 60


def count_rows(queryset: QuerySet) -> int:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that selects nothing: Django counts it without a query
        return queryset.count()
    key = "count:" + hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    counted = cache.get(key)
    if counted is None:
        counted = queryset.count()
        if counted >= LARGE_COUNT:
            cache.set(key, counted, COUNT_SECONDS)
    return counted


class Paginator(DjangoPaginator):
    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return super().count


class ValuesPage:
    """A queryset paged as values rows of `keys`: the joins those keys need (a village's name)
    are made for the page's rows only, never for the count."""

    def __init__(self, queryset: QuerySet, keys):
        self.queryset = queryset
        self.keys = keys

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered

    def count(self) -> int:
        return count_rows(self.queryset)

    def __getitem__(self, index):
        return list(self.queryset.values(*self.keys)[index])
