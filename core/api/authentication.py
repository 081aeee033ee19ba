from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, valid for settings.API_TOKEN_HOURS after it was issued; a
    password change or a deactivation revokes it (core.apps)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        age = timezone.now() - token.created
        if age.total_seconds() > settings.API_TOKEN_HOURS * 3600:
            token.delete()
            raise AuthenticationFailed(_("令牌已过期，请重新获取。"))
        return user, token
