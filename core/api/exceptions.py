"""One handler turns the project's errors into API responses.

Validation errors come back per field, with nested fields as dotted keys ("members.1.id_number"),
whether DRF or a service found them; a stale edit is a 409 with the newer data.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import ConflictError, is_nul_error


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten(item, f"{prefix}{index}."))
        return flat
    key = prefix.rstrip(".") or api_settings.NON_FIELD_ERRORS_KEY
    items = detail if isinstance(detail, list) else [detail]
    return {key: [str(item) for item in items]} if items else {}


def _django_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        view = context.get("view")
        current = None
        if view is not None:
            present = getattr(view, "conflict_data", None)
            current = present(exc.current) if present else view.get_serializer(exc.current).data
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
    if is_nul_error(exc):
        # A NUL in a URL or an id: PostgreSQL refuses it before any row is read.
        exc = ParseError(_("请求中含有不允许的字符（NUL）。"))
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "detail": _("请求体过大，上限为 %(kb)d KB。")
                % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        # A form body with more fields (or files) than Django reads: refused, not a 500.
        exc = ParseError(_("请求中的字段或文件过多。"))
    if isinstance(exc, Http404):
        # The same words whether the record does not exist or lies in another area.
        exc = NotFound(_("记录不存在，或不在您负责的地区内。"))
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_django_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = flatten(response.data)
    return response
