"""The OpenAPI schema tells the errors too, in the shapes core.api.exceptions gives them.

Every operation documents what it can answer besides success: 400 (errors per field, or one
`detail` for a request that cannot be read), 401 with `WWW-Authenticate` (no or a bad token),
403 (the post does not grant the action), 404 (another area's records read as missing), 409 on
an edit of a record someone changed since (with the record as it is now), 413 for a body over the
limit, 415 for a body of a type no parser reads (or of no declared type) and 429 where a
throttle applies.
"""

import functools

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from ..presenter import MASKERS
from .base import ScopedSerializerMixin

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Errors per field, nested fields as dotted keys ("members.1.id_number"); a body that cannot be
# read at all has one `detail` instead.
FIELD_ERRORS = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


@functools.cache
def _edit_of(serializer_class):
    """An edit's request: the record's fields, and the version the edit started from, which
    core.locking requires even in a PATCH."""
    name = serializer_class.__name__.removesuffix("Serializer") + "EditSerializer"
    attributes = {"names_its_version": True, "__doc__": serializer_class.__doc__}
    return type(name, (serializer_class,), attributes)


def _masked_for_some(field) -> bool:
    return field.field_name in MASKERS and isinstance(field.parent, ScopedSerializerMixin)


def _blank_allowed(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not isinstance(field, serializers.ChoiceField):
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


# What a role without the edit action over the area reads instead (core.presenter).
MASKED = {
    "type": "string",
    "pattern": r"\*",
    "description": _("打码显示：无修改权限的岗位看不到完整的证件号码、账号和出生日期"),
}


class RegistryAutoSchema(AutoSchema):
    def get_description(self):
        """The API's readers get what extend_schema says in their language, not the views'
        docstrings, which are notes for developers."""
        return ""

    def get_request_serializer(self):
        serializer = super().get_request_serializer()
        if (
            self.method in ("PUT", "PATCH")
            and is_serializer(serializer)
            and "version" in force_instance(serializer).fields
        ):
            return _edit_of(type(force_instance(serializer)))()
        return serializer

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "names_its_version", False):
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return bodies

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A value masked for some readers (core.presenter) may come masked; a read-only
        choice that may be empty in the model ("" for a member still on the roll) says so, as
        DRF drops allow_blank from read-only fields."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response" and _masked_for_some(field):
            schema = {"anyOf": [schema, MASKED]}
        if field.read_only and "" not in schema.get("enum", [""]) and _blank_allowed(field):
            schema["enum"] = [*schema["enum"], ""]
        return schema

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "401":
            headers["WWW-Authenticate"] = {
                "schema": {"type": "string"},
                "description": _("认证方式：Token"),
            }
        return headers

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {"400": OpenApiResponse(FIELD_ERRORS, _("请求有误：按字段列出的错误"))}
        if self._needs_authentication():
            errors["401"] = OpenApiResponse(DETAIL, _("未登录，或令牌无效、已过期"))
            errors["403"] = OpenApiResponse(DETAIL, _("您的岗位无权在该地区进行此操作"))
        if "{" in self.path:
            errors["404"] = OpenApiResponse(DETAIL, _("记录不存在，或不在您负责的地区内"))
        elif self._is_list_view():
            errors["404"] = OpenApiResponse(DETAIL, _("页码超出范围"))
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = OpenApiResponse(DETAIL, _("请求体过大"))
            errors["415"] = OpenApiResponse(DETAIL, _("请求体的类型不受支持"))
        if self._edits_a_record():
            errors["409"] = OpenApiResponse(self._conflict(), _("记录已被他人修改：附当前记录"))
        if getattr(self.view, "throttle_classes", None):
            errors["429"] = OpenApiResponse(DETAIL, _("请求过于频繁"))
        return errors

    def _needs_authentication(self) -> bool:
        return any(
            not isinstance(permission, AllowAny) for permission in self.view.get_permissions()
        )

    def _edits_a_record(self) -> bool:
        return "{" in self.path and self.method in ("PUT", "PATCH", "POST")

    def _conflict(self) -> dict:
        """409: the record as it is now, in the operation's own response shape, or (for a
        household edit naming a stale member) the member."""
        shapes = [self._response_ref(self._get_serializer())]
        for serializer in getattr(self.view, "conflict_serializers", ()):
            shapes.append(self._response_ref(serializer))
        current = shapes[0] if len(shapes) == 1 else {"oneOf": shapes}
        return {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "current": current},
            "required": ["detail", "current"],
        }

    def _response_ref(self, serializer) -> dict:
        return self.resolve_serializer(serializer, "response").ref


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme, described for the API's readers in their language."""

    target_class = "core.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "令牌认证：先 POST /api/auth/token/ 取得令牌，再在请求头中发送"
                "“Authorization: Token <令牌>”。令牌过期或修改密码后须重新获取。"
            ),
        }
