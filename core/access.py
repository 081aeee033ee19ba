"""The access log (访问记录): every view, search by ID number and export of personal data.

A registry of the poor holds the most sensitive data a county has; who looked at whom must be
answerable afterwards (issue 9 item 7)."""

from contextvars import ContextVar

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


# Accesses made by a request that is then refused: its transaction rolls back, so they wait here
# until the request ends (AccessLogMiddleware). None outside a request.
_deferred: ContextVar[list | None] = ContextVar("access_log_deferred", default=None)


def record_surviving_refusal(user, kind: str, what: str, count: int = 1) -> None:
    """Log an access from inside a transaction that may roll back (a registration refused
    because an ID number is registered elsewhere still told the user so): written when the
    request ends, whatever became of its transaction; at once outside a request."""
    pending = _deferred.get()
    if pending is None:
        record(user, kind, what, count)
    else:
        pending.append((user, kind, what, count))


class AccessLogMiddleware:
    """Writes the accesses a request deferred (record_surviving_refusal), after its
    transactions have ended."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _deferred.set([])
        try:
            return self.get_response(request)
        finally:
            pending = _deferred.get()
            _deferred.reset(token)
            address = client_address(request)
            for user, kind, what, count in pending:
                record(user, kind, what, count, address)


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
