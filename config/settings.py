"""One settings module, driven by the environment.

Development needs nothing: without DATABASE_URL the demo runs on SQLite and Celery tasks run
eagerly in the web process. Production and CI set DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DEBUG only when asked for (`make run` asks). Without SECRET_KEY a random key is made per
# process: nothing can be forged with it, but sessions end at each restart, so production sets it
# (a production server warns: config/production.py; management commands run by hand do not).
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "config.apps.AxesConfig",
    "core",
    "registry",
    "identification",
    "verification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.BadCharactersMiddleware",
    "core.access.AccessLogMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, per user name and address, so a guessed password list stops.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many reverse proxies (nginx …) stand in front of the application. Only their
# X-Forwarded-For entries are believed, for the login lockout and the API's throttles alike:
# with none, a client's own header is ignored (it could name a new address on every try);
# behind one, every client would otherwise share the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.user_actions",
            ],
        },
    },
]

# Connections stay open: reconnecting per request capped a simple page at ~250 req/s here,
# a kept connection served ~2,500 req/s (DESIGN.md).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Each language named in itself (a reader looks for their own), so not translated.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names once `collectstatic` has written its manifest (production);
# plain names before that (development, tests).
_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _COLLECTED and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Limits of the ledger import (bytes, rows).
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(50 * 1024 * 1024)))
# Photos and scans of signed forms kept with a step of the 12345 procedure.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "600000"))
# Uploaded ledgers hold ID numbers and bank accounts: kept this many days for the preview, the
# marked copy and the confirmation, then deleted (purge_import_files, daily).
IMPORT_KEEP_DAYS = int(os.environ.get("IMPORT_KEEP_DAYS", "30"))
# A file of at least this many rows is validated on two cores (core.imports.parallel).
IMPORT_PARALLEL_FROM = int(os.environ.get("IMPORT_PARALLEL_FROM", "4000"))
# A household list longer than this is exported as a background job with a download link.
EXPORT_SYNC_MAX_HOUSEHOLDS = int(os.environ.get("EXPORT_SYNC_MAX_HOUSEHOLDS", "2000"))
# How long an API token lasts after it is issued; a password change or deactivation ends it.
API_TOKEN_HOURS = float(os.environ.get("API_TOKEN_HOURS", "12"))
# Households one user may register an hour (pages and API alike).
REGISTRATIONS_PER_HOUR = int(os.environ.get("REGISTRATIONS_PER_HOUR", "200"))
# Days a new finding has before it is overdue (整改期限).
FINDING_DEADLINE_DAYS = int(os.environ.get("FINDING_DEADLINE_DAYS", "30"))
# Searches by a whole ID number an hour, for a reader who sees numbers masked.
ID_SEARCHES_PER_HOUR = int(os.environ.get("ID_SEARCHES_PER_HOUR", "30"))
# The most live members a household may have (a registration, an addition, an import).
HOUSEHOLD_MAX_MEMBERS = int(os.environ.get("HOUSEHOLD_MAX_MEMBERS", "30"))
# What /imports/new/ imports when no kind is named (core.imports.kinds).
IMPORT_DEFAULT_KIND = "registry.households"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # The token first: a request without valid credentials is then a 401 naming the scheme
    # (WWW-Authenticate: Token), not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only in production: the browsable API's pages are English developer screens; the
    # documented interface is /api/docs/. DEBUG (make run) keeps them for developers.
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.FastJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"auth": "30/min"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.RegistryAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "建档立卡管理系统 API",
    "DESCRIPTION": "精准扶贫建档立卡：行政区划、贫困户、家庭成员、年度收入、扶贫标准；"
    "“12345”识别程序、公示公告与异议、信访举报。"
    "按用户岗位的地区范围读写，每一步须由岗位有相应权限的人员办理；"
    "修改和办理须提供 version，过期的返回 409。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "MemberLeaveReasonEnum": "registry.choices.MemberLeaveReason",
        "RemovalReasonEnum": "registry.choices.RemovalReason",
        "MemberJoinReasonEnum": "registry.choices.MemberJoinReason",
        "MonitoringCategoryEnum": "registry.choices.MonitoringCategory",
        "ApplicationKindEnum": "identification.choices.ApplicationKind",
        "StepEnum": "identification.choices.Step",
        "OutcomeEnum": "identification.choices.Outcome",
        "DecisionEnum": "identification.api.serializers.DECISIONS",
        "ConditionEnum": "identification.choices.Condition",
        "NoticeLevelEnum": "identification.choices.NoticeLevel",
        "ExitLevelEnum": "verification.choices.ExitLevel",
        "AssessmentStateEnum": "verification.choices.AssessmentState",
        "ComplaintStateEnum": "identification.choices.ComplaintState",
        "ObjectionStateEnum": "identification.choices.ObjectionState",
        "NoticeStateEnum": "identification.choices.NoticeState",
    },
}

# Celery: a real broker when REDIS_URL is set; otherwise tasks run in-process (demo only).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or os.environ.get("CELERY_BROKER_URL"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "purge-import-files": {
        "task": "core.tasks.purge_import_files",
        "schedule": crontab(hour=3, minute=0),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions read from the shared cache, written through to the database: one query less on
    # every page, and nobody is logged out when the cache is flushed.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
