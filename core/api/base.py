"""What every API view of every app shares: area scope and what a reader may see."""

from rest_framework import mixins, viewsets
from rest_framework.parsers import MultiPartParser

from ..choices import Action
from ..paging import ValuesPage
from ..presenter import Presenter
from .parsers import SafeJSONParser

# Forms, photos and evidence come as multipart; everything else as JSON.
UPLOADS = [SafeJSONParser, MultiPartParser]


def validated(serializer_class, data, **context) -> dict:
    """A request typed by a serializer (400 at the field when it is not)."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScopedViewMixin:
    """Every object the view reads goes through the user's scope (core.scope.restrict):
    another area's object is a 404. Writes are checked again by the services, for the action
    they need (an edit over the area), and refused with a 403."""

    read_action = Action.VIEW

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.read_action)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["presenter"] = Presenter(self.request.user)
        return context

    def conflict_data(self, current) -> dict:
        """The record someone else changed, for a 409's `current`."""
        return self.get_serializer(current).data

    def read_input(self, instance=None, *, partial: bool = False) -> tuple[dict, int | None]:
        """The request's validated fields, and the version an edit started from (the services
        refuse an edit without one: core.locking)."""
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return data, data.pop("version", None)


class LeanListMixin:
    """A list endpoint whose page is read as values rows and built by `lean_data` with the
    serializer's own fields (core.api.lean): the same JSON, no model instance per row."""

    lean_keys: staticmethod  # () -> the values() keys the rows need
    lean_data: staticmethod  # (rows, presenter=) -> the page's data

    def lean_queryset(self):
        return self.get_queryset()

    def list(self, request, *args, **kwargs):
        rows = ValuesPage(self.filter_queryset(self.lean_queryset()), self.lean_keys())
        page = self.paginate_queryset(rows)
        presenter = self.get_serializer_context()["presenter"]
        return self.get_paginated_response(self.lean_data(page, presenter=presenter))


class ScopedSerializerMixin:
    """Masks what the reader may not see in full (core.presenter)."""

    def present(self, data: dict, area_code: str) -> dict:
        presenter = self.context.get("presenter")
        if presenter is None:
            request = self.context.get("request")
            presenter = Presenter(getattr(request, "user", None))
        return presenter.data(data, area_code)


class ReadAndActViewSet(
    ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Records read in the user's scope and moved by POSTs to the services (a procedure's
    steps, not edits of fields)."""

    def validated(self, serializer_class) -> dict:
        return validated(serializer_class, self.request.data, **self.get_serializer_context())
