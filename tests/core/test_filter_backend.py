"""A list asked for with only its page skips the filter form (core.api.filters): every API
filterset must then leave the rows as they are, which this checks for each of them."""

import pytest
from django.http import QueryDict
from django.urls import get_resolver

from core.api.filters import PAGING


def api_viewsets():
    seen = {}
    for pattern in get_resolver().url_patterns:
        stack = [pattern]
        while stack:
            item = stack.pop()
            stack.extend(getattr(item, "url_patterns", []))
            view = getattr(getattr(item, "callback", None), "cls", None)
            if view is not None and getattr(view, "filterset_class", None):
                seen[view.__name__] = view
    return sorted(seen.values(), key=lambda view: view.__name__)


def test_every_api_list_with_a_filterset_is_checked():
    names = {view.__name__ for view in api_viewsets()}
    assert {"HouseholdViewSet", "MemberViewSet", "IncomeViewSet"} <= names


@pytest.mark.parametrize("view", api_viewsets(), ids=lambda view: view.__name__)
def test_an_empty_filter_leaves_the_rows_as_they_are(db, view):
    filterset_class = view.filterset_class
    rows = filterset_class._meta.model.objects.all()
    filtered = filterset_class(data=QueryDict(""), queryset=rows).qs
    assert str(filtered.query) == str(rows.query)


def test_paging_parameters_are_not_filters():
    for view in api_viewsets():
        assert not PAGING & set(view.filterset_class.base_filters), view.__name__


def test_a_filtered_list_still_filters(api, households, county_office, monkeypatch):
    from registry.filtersets import HouseholdFilterSet

    built = []
    original = HouseholdFilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(HouseholdFilterSet, "__init__", counting)
    client = api(county_office)
    assert client.get("/api/households/", page=1).json()["count"] == 3
    assert built == []
    assert client.get("/api/households/", area="620623101").json()["count"] == 1
    assert built == [1]
