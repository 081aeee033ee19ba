"""What a production server (WSGI or ASGI) checks as it starts, and a command run by hand does
not: a missing SECRET_KEY is fine for `manage.py shell`, but a server without one ends every
session at each restart."""

import os
import warnings


def warn_about_missing_settings() -> None:
    """Called by config/wsgi.py and config/asgi.py; `make run`'s development server (DEBUG)
    makes a key per process on purpose and is not warned."""
    from django.conf import settings

    if "SECRET_KEY" not in os.environ and not settings.DEBUG:
        warnings.warn("SECRET_KEY is not set: sessions will not survive a restart.", stacklevel=2)
