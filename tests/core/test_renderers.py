"""The API's JSON is DRF's compact JSON, byte for byte, however it is encoded."""

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.api.renderers import FastJSONRenderer


def both(data):
    return FastJSONRenderer().render(data), JSONRenderer().render(data)


def test_values_of_every_kind_render_as_drf_renders_them():
    data = {
        "text": "张建国 “引号” \\ / \n\t",
        "separators": "a\u2028b\u2029c",
        "numbers": [0, -1, 2**53, 1.5, 0.1],
        "flags": [True, False, None],
        "money": Decimal("4000.50"),
        "day": dt.date(2026, 12, 1),
        "moment": timezone.now(),
        "naive": dt.datetime(2026, 12, 1, 8, 30, 15, 123456),
        "time": dt.time(8, 30, 15, 250000),
        "span": dt.timedelta(days=2, seconds=5),
        "label": gettext_lazy("贫困户"),
        "key": uuid.uuid4(),
        "nested": {"list": [{"a": [1, {"b": "乙"}]}], "empty": {}, "none": []},
        "by_year": {2016: 1, 2017: [2], True: "yes", None: "none"},
    }
    fast, drf = both(data)
    assert fast == drf


def test_an_api_page_renders_as_drf_renders_it(api, households, township_office):
    response = api(township_office).get("/api/households/")
    fast, drf = both(response.data)
    assert fast == drf == response.content
