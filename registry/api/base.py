"""What every API view of every app shares: area scope and optimistic locking."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from ..scope import EDITOR_ROLES, area_prefixes, covers


class ScopedViewMixin:
    """Every object the view reads goes through visible_to(user): another area's object is a 404."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["editable_prefixes"] = area_prefixes(self.request.user, EDITOR_ROLES)
        return context

    def take_version(self, serializer) -> int:
        """The version the client started from; an edit without one could overwrite newer data."""
        version = serializer.validated_data.pop("version", None)
        if version is None:
            raise serializers.ValidationError(
                {"version": [_("修改时必须提供当前版本号 version。")]}
            )
        return version


class ScopedSerializerMixin:
    """Narrows related-object choices to what the user may see, and masks what they may not."""

    masked_fields: tuple[str, ...] = ()

    def shows_in_full(self, area_code: str) -> bool:
        return covers(self.context.get("editable_prefixes", []), area_code)
