from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from ..paging import COUNT_SECONDS, LARGE_COUNT, Paginator


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers with a capped page size: a client cannot ask for a province in one page.
    A large result's count is kept for a minute (core.paging)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = Paginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = _(
            "符合条件的总条数。超过 %(large)s 条时，为 %(seconds)s 秒内统计的数，期间新增或删除的记录可能尚未计入。"
        ) % {"large": f"{LARGE_COUNT:,}", "seconds": COUNT_SECONDS}
        return response
