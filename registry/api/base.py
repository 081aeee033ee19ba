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

    def read_input(self, instance=None, *, partial: bool = False) -> tuple[dict, int | None]:
        """The request's validated fields, and the version an edit started from.

        An edit without a version could overwrite newer data, so it is refused.
        """
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if instance is not None and version is None:
            raise serializers.ValidationError(
                {"version": [_("修改时必须提供当前版本号 version。")]}
            )
        return data, version


class ScopedSerializerMixin:
    """Narrows related-object choices to what the user may see, and masks what they may not."""

    def shows_in_full(self, area_code: str) -> bool:
        return covers(self.context.get("editable_prefixes", []), area_code)
