import os

from django.core.asgi import get_asgi_application

from config.production import warn_about_missing_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
warn_about_missing_settings()
application = get_asgi_application()
