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

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import relations, serializers

Given = Callable[[dict], object]  # values row -> the field's JSON value


def _column(model, source_attrs: list[str]) -> tuple[str, models.Field] | None:
    """The values() key of a field's source and the model field it reads, or None when it is
    not a column (a property)."""
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
    return "__".join(path), field


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
        keys = set(also)
        # One entry per output field, in the serializer's order: (name, key, function, kind),
        # kind 0 a column's value copied, 1 a column's value converted by function, 2 the
        # function of the whole row (a given field).
        self._plan = []
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if name in given:
                self._plan.append((name, None, given[name], 2))
                continue
            column = None
            if not isinstance(field, serializers.BaseSerializer | relations.ManyRelatedField):
                column = _column(model, field.source_attrs)
            if column is None:
                raise TypeError(
                    f"{type(serializer).__name__}.{name} reads no column: give it to LeanRows."
                )
            key, model_field = column
            to_json = _to_json(field, model_field)
            self._plan.append((name, key, to_json, 0 if to_json is None else 1))
            keys.add(key)
        self.keys = sorted(keys)

    def build(self, row: dict) -> dict:
        return {
            name: row[key]
            if kind == 0
            else (
                function(row)
                if kind == 2
                else (None if (value := row[key]) is None else function(value))
            )
            for name, key, function, kind in self._plan
        }


# Where a field's to_representation gives back the column's value unchanged, the value is
# copied: text through a CharField is str(text), a whole number through an IntegerField
# int(number), a flag through a BooleanField the flag, a text choice through a ChoiceField its
# own value. Everything else keeps the field's own to_representation (dates and times in the
# field's format, decimals as DRF writes them).
UNCHANGED = [
    (serializers.ChoiceField, models.CharField),
    (serializers.CharField, (models.CharField, models.TextField)),
    (serializers.IntegerField, (models.IntegerField, models.AutoField)),
    (serializers.BooleanField, models.BooleanField),
]


def _to_json(field, model_field) -> Callable | None:
    if isinstance(field, relations.PrimaryKeyRelatedField):
        return None  # the row holds the key, as the field would give it
    for serializer_type, column_types in UNCHANGED:
        if type(field) is serializer_type:
            if not isinstance(model_field, column_types):
                break
            if serializer_type is serializers.ChoiceField and not all(
                isinstance(value, str) for value in field.choice_strings_to_values.values()
            ):
                break
            return None
    return field.to_representation
