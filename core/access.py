"""The access log (访问记录): every view, search by ID number and export of personal data.

A registry of the poor holds the most sensitive data a county has; who looked at whom must be
answerable afterwards (issue 9 item 7)."""

from django.conf import settings

from .models import AccessLog


def client_address(request) -> str | None:
    """The client's address, believing X-Forwarded-For only from the trusted proxies (the same
    rule as the login lockout and the API throttles: settings.TRUSTED_PROXY_COUNT)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if count and forwarded:
        addresses = [part.strip() for part in forwarded.split(",")]
        return addresses[-min(count, len(addresses))] or None
    return request.META.get("REMOTE_ADDR") or None


def log_access(request, kind: str, what: str, count: int = 1) -> AccessLog | None:
    return record(getattr(request, "user", None), kind, what, count, client_address(request))


def record(user, kind: str, what: str, count: int = 1, address=None) -> AccessLog | None:
    """Log an access by `user` (a service that has no request gives no address)."""
    if user is None or not user.is_authenticated:
        return None
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        kind=kind,
        what=what[:300],
        count=count,
        address=address,
    )
