"""One settings module for every mode; everything comes from the environment (see .env.example).

Unset DATABASE_URL / REDIS_URL give the embedded default (SQLite, in-memory channel layer,
local-memory cache, file-system Celery broker), so a fresh clone runs with no servers installed.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("CAD_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A stable key across restarts keeps sessions valid in development.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "sequences",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.discord",
    "django_htmx",
    "csp",
    "cad.core",
    "cad.realtime",
    "characters",
    "records",
    "calls",
    "dispatch",
    "bolos",
    "announcements",
    "lookups",
    "postals",
    "maps",
    "accounts",
    "administration",
    "web",
    "mdt",
    "board",
]

MIDDLEWARE = [
    "cad.core.middleware.ApiErrorMiddleware",  # first: it answers JSON for the errors of every other one
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cad.urls"
# Seed paths have no trailing slash, and a redirect must never answer a POST/PUT/PATCH/DELETE.
APPEND_SLASH = False

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
                "web.context.shell",
                "characters.context.character_switcher",
            ],
        },
    },
]

WSGI_APPLICATION = None
ASGI_APPLICATION = "cad.asgi.application"

# --- Database -------------------------------------------------------------------------------------
# Every SQLite database gets these options, the embedded default or a DATABASE_URL=sqlite:///...: WAL lets
# readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy
# timeout instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = env("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # An unreachable server (restart, failover) fails the request with a 503 in seconds, never a hang.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
        if env.bool("DB_POOL", default=False):
            # A psycopg pool per process: Django's way to reuse connections under ASGI, where
            # persistent per-thread connections (CONN_MAX_AGE) would pile up across executor threads.
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": env.int("DB_POOL_MIN", default=2), "max_size": env.int("DB_POOL_MAX", default=10),
                "timeout": env.int("DB_POOL_TIMEOUT", default=10),  # waiting for a connection; then 503
            }
            DATABASES["default"]["CONN_MAX_AGE"] = 0
        else:
            DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "cad.sqlite3"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "cad.sqlite3"  # Django's, keeping connections across requests
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # A file (not :memory:) so tests can write from several threads; one per test process so parallel runs
    # never share it.
    DATABASES["default"].setdefault("TEST", {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")})
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery -----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cad"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env("CHANNEL_PREFIX", default="cad"),
                # Sized for the live map: 300 units every 2 s is far below this per-channel backlog.
                "capacity": 5000,
                "expiry": 30,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cad-default",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}}
    # Kombu's filesystem transport: a broker that is only folders, shared by web, worker and beat.
    _broker_dir = VAR_DIR / "celery-broker"
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control in the working dir
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Discord sign-in (django-allauth) --------------------------------------------------------------
# Password sign-in always works; "Sign in with Discord" appears when a Discord application is set.
DISCORD_CLIENT_ID = env("DISCORD_CLIENT_ID", default="")
DISCORD_CLIENT_SECRET = env("DISCORD_CLIENT_SECRET", default="")
DISCORD_API_URL = env("DISCORD_API_URL", default="https://discord.com/api")
# Ask Discord for guild membership (scopes guilds, guilds.members.read) to apply role mappings.
DISCORD_GUILD_ROLES = env.bool("DISCORD_GUILD_ROLES", default=False)
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "discord": {
        "provider_class": "accounts.discord.provider.DiscordProvider",
        "APPS": [{"client_id": DISCORD_CLIENT_ID, "secret": DISCORD_CLIENT_SECRET}] if DISCORD_CLIENT_ID else [],
        "OAUTH_PKCE_ENABLED": True,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cad.core.api.authentication.ApiTokenAuthentication",
        "cad.core.api.authentication.JWTAuthentication",
        "cad.core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["djangorestframework_camel_case.render.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "cad.core.api.parsers.CamelCaseJSONParser",
        "djangorestframework_camel_case.parser.CamelCaseFormParser",
        "djangorestframework_camel_case.parser.CamelCaseMultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Every list is bounded (cad.core.api.pagination): `limit`/`offset` or 001's `take`/`skip`.
    "DEFAULT_PAGINATION_CLASS": "cad.core.api.pagination.DialectPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cad.core.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}
JSON_CAMEL_CASE = {
    # `_id` (000's Mongo-style id) stays as it is; free-form objects keep the caller's own keys.
    # `call911Approval` ↔ `call911_approval`: the renderer writes no underscore before a digit, so the parser
    # must not add one (it made `call_911_approval`, which no serializer knows).
    "JSON_UNDERSCOREIZE": {"ignore_fields": ("meta_data", "report_data", "metadata"), "ignore_keys": ("_id",),
                           "no_underscore_before_number": True},
    "RENDERER_CLASS": "rest_framework.renderers.JSONRenderer",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CAD/MDT API",
    "DESCRIPTION": "Dispatch, MDT and game-server API (CDE, SnailyCAD, Sonoran and FiveM CAD dialects).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from this server's static files (drf-spectacular-sidecar): /api/docs works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["cad.core.api.schema.without_mirrors"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cad.core.api.schema.add_routes_outside_drf",
        "cad.core.api.schema.camelize_api",
        "cad.core.api.schema.document_errors",
    ],
    # Several apps have a `status` or `type` field with its own choices: name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "calls.choices.CallStatus",
        "CallPriorityWordEnum": ["high", "normal", "low"],
        "AnnouncementPriorityEnum": "announcements.choices.AnnouncementPriority",
        "CallStatusInputEnum": ["pending", "assigned", "enroute", "on-scene", "closed", "cancelled", "active"],
        "AssignmentStateEnum": "calls.choices.AssignmentState",
        "UnitStateEnum": "dispatch.choices.UnitState",
        "ToneTypeEnum": "dispatch.choices.ToneType",
        "CharacterTypeEnum": "characters.choices.CharacterType",
        "LicenseStatusEnum": "characters.choices.LicenseStatus",
        "ApplicationStatusEnum": "characters.choices.ApplicationStatus",
        "RegistrationStatusEnum": "characters.choices.RegistrationStatus",
        "InsuranceStatusEnum": "characters.choices.InsuranceStatus",
        "BoloTypeEnum": "bolos.choices.BoloType",
        "ReportTypeEnum": "records.choices.ReportKind",
        "ReportStatusEnum": "records.choices.ReportStatus",
        "WarrantStatusEnum": "records.choices.WarrantStatus",
        "SuspectStatusEnum": "records.choices.SuspectStatus",
        "LookupTypeEnum": "lookups.choices.LookupType",
        "DepartmentTypeEnum": "cad.core.choices.DepartmentType",
    },
}

API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)  # rows in a list page unless the route says otherwise
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)

LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", default="10/m")
FIVEM_RATE_LIMIT = env("FIVEM_RATE_LIMIT", default="3000/m")  # 004, per API token

# --- HTTP / security ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For / -Proto are believed (cad.asgi);
# anyone else's are ignored, so a client cannot pick the address the per-address limits count.
FORWARDED_ALLOW_IPS = [h for h in env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"]) if h.strip()]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The web UI loads everything from this server and runs no inline script or style (web/README in docs/web.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # CSP3: 'self' covers ws:/wss: to this host
        "media-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if DISCORD_CLIENT_ID:
    # "Sign in with Discord" posts here and is redirected to Discord's consent page; browsers apply
    # form-action to that redirect too.
    from urllib.parse import urlsplit as _urlsplit

    _discord = _urlsplit(DISCORD_API_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_discord.scheme}://{_discord.netloc}")
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=["security.W021"])

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

import xstatic.pkg.leaflet as _xstatic_leaflet  # noqa: E402  Leaflet from PyPI, served as /static/leaflet/

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing root before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", _xstatic_leaflet.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Outgoing webhooks: https to public addresses only, unless a self-hosted deployment says otherwise.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# Product knobs
UNIT_POSITION_TTL_SECONDS = 30
UNIT_AUTO_OFFLINE_HOURS = 4
