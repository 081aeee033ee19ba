"""Lean list pages: a list endpoint's rows built from `values()` with the full serializer's own
fields, without a model instance per row or DRF's walk of each attribute.

Why: a page of 50 households with their members was about 315 model instances and 23 ms of
CPU in `to_representation`, while the database answered in 2 ms (issue 14). The output stays
exactly what the serializer gives: each field's own `to_representation` turns the value into
JSON, the reader's presenter masks the row (core.presenter), and a field that does not read a
column (a nested list, a property) must be given by the caller, or building the plan fails:
a field added to the serializer cannot silently go missing from the list
(tests/registry/test_lean_lists.py compares the two outputs).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from rest_framework import relations, serializers

Given = Callable[[dict], object]  # values row -> the field's JSON value


@dataclass(frozen=True)
class Column:
    name: str  # in the output
    key: str  # in the values() row
    to_json: Callable | None  # None: the value is already JSON (a related row's key)


def _column_key(model, source_attrs: list[str]) -> str | None:
    """The values() key of a field's source, or None when it is not a column (a property)."""
    path = []
    for position, attr in enumerate(source_attrs):
        try:
            field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        last = position == len(source_attrs) - 1
        if field.many_to_many or field.one_to_many or (not last and not field.is_relation):
            return None
        if last:
            path.append(field.attname if field.is_relation and not path else field.name)
        else:
            path.append(field.name)
            model = field.related_model
    return "__".join(path)


class LeanRows:
    """How the rows of one serializer are built from values(): `keys` to ask values() for, and
    `build(row)` giving what the serializer's to_representation would, before masking."""

    def __init__(
        self,
        serializer: serializers.ModelSerializer,
        given: dict[str, Given] | None = None,
        also: tuple[str, ...] = (),
    ):
        """`given`: the fields that read no column, each from the row; `also`: the columns
        they need beyond the serializer's own."""
        given = given or {}
        model = serializer.Meta.model
        self.columns: list[Column] = []
        self.given = {}
        self.order = []
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            self.order.append(name)
            if name in given:
                self.given[name] = given[name]
                continue
            key = None
            if not isinstance(field, serializers.BaseSerializer | relations.ManyRelatedField):
                key = _column_key(model, field.source_attrs)
            if key is None:
                raise TypeError(
                    f"{type(serializer).__name__}.{name} reads no column: give it to LeanRows."
                )
            plain = isinstance(field, relations.PrimaryKeyRelatedField)
            self.columns.append(Column(name, key, None if plain else field.to_representation))
        self.keys = sorted({column.key for column in self.columns} | set(also))

    def build(self, row: dict) -> dict:
        data = {}
        for column in self.columns:
            value = row[column.key]
            data[column.name] = (
                value if value is None or column.to_json is None else column.to_json(value)
            )
        for name, give in self.given.items():
            data[name] = give(row)
        return {name: data[name] for name in self.order}
