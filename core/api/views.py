from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle


@extend_schema(tags=["登录"])
class TokenView(ObtainAuthToken):
    """POST username and password, get {"token": ...} for the Authorization: Token header;
    a token past settings.API_TOKEN_HOURS is replaced by a new one."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if (timezone.now() - token.created).total_seconds() > settings.API_TOKEN_HOURS * 3600:
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})


def not_found(request, exception=None):
    """An address under /api/ that names nothing answers in JSON, like every other API error
    (the schema promises it); elsewhere, the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("接口地址不存在。")}, status=404)
    return defaults.page_not_found(request, exception)
