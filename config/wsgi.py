import gc
import os

from django.core.wsgi import get_wsgi_application

from config.production import warn_about_missing_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
warn_about_missing_settings()
application = get_wsgi_application()

# What is loaded by now lives as long as the process. Freezing it spares the cyclic garbage
# collector from rescanning ~100k objects on every full collection: those scans were 40-90 ms
# pauses in the p95 of the list endpoint (bench/registry_api.py).
gc.freeze()
