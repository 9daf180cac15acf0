# SPDX-License-Identifier: AGPL-3.0-or-later
"""One settings module, driven by environment variables (all listed in .env.example)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COOPFORMA_VAR_DIR", BASE_DIR / "var"))
if not VAR_DIR.exists():
    # The database, the secret key and the uploaded files: readable by the owner only (umask-proof chmod).
    VAR_DIR.mkdir(mode=0o700, parents=True)
    VAR_DIR.chmod(0o700)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """A missing secret key is generated once into var/, never hard-coded."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Created 0600 from the start: never readable by others, even for an instant.
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, for links that leave the browser (e-mails, PDFs, QR codes). No default in production:
# a link to 127.0.0.1 in an e-mail would be silently useless (coopforma.core.links refuses to build one).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django 5.2 fallback (Python 3.11): the backports of tasks and template partials, built into Django 6.
    *([] if django.VERSION >= (6, 0) else ["django_tasks", "template_partials"]),
    "django_tasks_db",
    "ninja",  # the API docs page (Swagger UI) from ninja's own static files, never from a CDN
    "coopforma.core",
    "coopforma.accounts",
    "coopforma.documents",
    "coopforma.people",
    "coopforma.catalogue",
    "coopforma.training_sessions",
    "coopforma.attendance",
    "coopforma.evaluations",
    "coopforma.billing",
    "coopforma.quality",
    "coopforma.reporting",
    "coopforma.privacy",
    "coopforma.webhooks",
    "coopforma.networks",
    "coopforma.registry",
    "coopforma.referentiel",
    "coopforma.enquiries",
    "coopforma.offers",
    "coopforma.tenders",
    "coopforma.exchanges",
    "coopforma.recognition",
    "coopforma.public",
    "coopforma.dashboard",
    "coopforma.help",
    "coopforma.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coopforma.core.middleware.RequestSizeLimitMiddleware",  # before anything reads a body
    # Content-Security-Policy: built into Django 6; none on the Django 5.2 fallback (see SECURE_CSP below).
    *(["django.middleware.csp.ContentSecurityPolicyMiddleware"] if django.VERSION >= (6, 0) else []),
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coopforma.core.middleware.OutOfRangeIdMiddleware",  # a URL's id beyond 64 bits: 404, never a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coopforma.accounts.context_processors.organisation",
                *(["django.template.context_processors.csp"] if django.VERSION >= (6, 0) else []),
            ],
        },
    },
]

if django.VERSION < (6, 0):  # pragma: no cover - Django 5.2: {% partialdef %} from django-template-partials
    TEMPLATES[0]["OPTIONS"]["builtins"] = ["template_partials.templatetags.partials"]

# SQLite by default (a file under var/, WAL mode); PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Connections are per thread (the server's gthread workers) and kept for CONN_MAX_AGE seconds between requests.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "coopforma.core.sqlite3",  # Django's, with the database file readable by its owner only
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "coopforma.sqlite3")),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            # Writers queue on one lock (IMMEDIATE: taken at BEGIN, so no deadlock on upgrade), waiting up to
            # `timeout` seconds (SQLite's busy timeout); WAL lets readers read while one writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it before the first collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("S3_BUCKET"):
    # Files in an S3-compatible store (django-storages must be installed: pip install django-storages[s3]).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: SMTP once EMAIL_HOST is set (Django 6.1's MAILERS; EMAIL_* on 5.2). Without it (development, the demo),
# the local catcher keeps each message as a file in var/mail/ (printed on the console too), readable in the app
# on the E-mails page of the demo organisation and by staff accounts (is_staff); MAIL_CATCHER=false turns it off
# (messages are then only printed). Never on when EMAIL_HOST is set (docs/signatures-and-portal.md).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAIL_CATCHER = not EMAIL_HOST and env_bool("MAIL_CATCHER", True)
MAIL_CATCHER_DIR = VAR_DIR / "mail"
_MAILER = (
    {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST,
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
    if EMAIL_HOST
    else {
        "BACKEND": "coopforma.core.mailcatcher.CatcherBackend"
        if MAIL_CATCHER
        else "django.core.mail.backends.console.EmailBackend"
    }
)
if django.VERSION >= (6, 1):
    MAILERS = {"default": _MAILER}
    del EMAIL_HOST
else:  # pragma: no cover - Django 5.2 on Python 3.11
    EMAIL_BACKEND = _MAILER["BACKEND"]
    for _key, _value in _MAILER.get("OPTIONS", {}).items():
        globals()[
            {"username": "EMAIL_HOST_USER", "password": "EMAIL_HOST_PASSWORD"}.get(_key, f"EMAIL_{_key.upper()}")
        ] = _value
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coopforma <no-reply@localhost>")

IMMEDIATE_TASKS_BACKEND = (
    "django.tasks.backends.immediate.ImmediateBackend"
    if django.VERSION >= (6, 0)
    else "django_tasks.backends.immediate.ImmediateBackend"
)
# Background work: the database backend by default; "immediate" runs tasks in-process.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND", "database") == "database"
            else IMMEDIATE_TASKS_BACKEND
        )
    }
}

# Webhooks go to public HTTPS addresses only; a development server (DEBUG) or the tests may also call
# http://127.0.0.1 (coopforma/webhooks/transport.py). Not read from the environment: never on in production.
WEBHOOKS_ALLOW_LOCAL = False
# Federation and imports by URL (offers/federation.py): http://localhost feeds only in development or tests.
FEDERATION_ALLOW_LOCAL = False

# Documents: templates are rendered and compiled in worker processes with hard limits (docs/documents.md).
DOCUMENTS_RENDER_WORKERS = int(os.environ.get("RENDER_WORKERS", "2"))  # per web or task process
DOCUMENTS_RENDER_TIMEOUT = int(os.environ.get("RENDER_TIMEOUT", "10"))  # seconds of wall time per step
DOCUMENTS_RENDER_CPU_SECONDS = int(os.environ.get("RENDER_CPU_SECONDS", "10"))  # CPU time per step (Linux)
DOCUMENTS_RENDER_MEMORY_MB = int(os.environ.get("RENDER_MEMORY_MB", "1024"))  # address space of a worker (Linux)
DOCUMENTS_RENDER_JOBS_PER_WORKER = 1000  # then the worker is replaced
DOCUMENTS_MAX_PAGES = int(os.environ.get("DOCUMENTS_MAX_PAGES", "500"))

# --- Security -------------------------------------------------------------------------------------
# Safe by default in production. HTTPS features follow SITE_URL (https:// → on; unset with DEBUG off → on);
# each can be switched by its own variable (.env.example). `coopforma check --deploy` reports what is missing.
_HTTPS = SITE_URL.startswith("https://") if SITE_URL else not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the orchestrator's probe speaks plain HTTP to the process
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in browsers for months: the domain owner's decision, off by default
# (Django's deploy check then warns, silenced below unless preloading is on).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# The network map's background tiles (issue 16): none by default (the département outlines shipped in static/ are
# drawn alone); MAP_TILE_URL is a Leaflet URL template (https://{s}.tile.example.org/{z}/{x}/{y}.png) and
# MAP_TILE_ATTRIBUTION the credit its provider requires. Its host is added to the CSP's img-src below.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()


def _tile_origin(url: str) -> str:
    """« https://{s}.tile.example.org/{z}/… » → « https://*.tile.example.org » (a CSP source)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "subdomain"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.replace("subdomain.", "*.")
    return f"{parts.scheme}://{host}"


# Content-Security-Policy (Django 6's, not on the 5.2 fallback): no inline script or style of ours (they are in
# static/), nothing from another origin. CSP=enforce (default), report-only (default with DEBUG) or off;
# CSP_REPORT_URI receives the violations' reports.
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP as _CSP

    _CSP_MODE = os.environ.get("CSP", "report-only" if DEBUG else "enforce").strip().lower()
    _CSP_POLICY: dict[str, list[str] | str] = {
        "default-src": [_CSP.SELF],
        # The nonce is for Django's admin (its few inline blocks carry it); our own templates need none.
        "script-src": [_CSP.SELF, _CSP.NONCE],
        "style-src": [_CSP.SELF, _CSP.NONCE],
        # data: the favicon and the template previews' pages; the map's tile server when one is configured
        "img-src": [_CSP.SELF, "data:", *([_tile_origin(MAP_TILE_URL)] if _tile_origin(MAP_TILE_URL) else [])],
        "base-uri": [_CSP.SELF],
        "form-action": [_CSP.SELF],
    }
    if os.environ.get("CSP_REPORT_URI"):
        _CSP_POLICY["report-uri"] = os.environ["CSP_REPORT_URI"]
    # Anything but "report-only" or "off" (a typo included) enforces the policy.
    SECURE_CSP = {} if _CSP_MODE in {"report-only", "off"} else _CSP_POLICY
    SECURE_CSP_REPORT_ONLY = _CSP_POLICY if _CSP_MODE == "report-only" else {}

# Request sizes, refused (413) before the body is read by coopforma.core.middleware.RequestSizeLimitMiddleware:
# multipart bodies (files) up to MAX_UPLOAD_BYTES (the largest file accepted is 20 MB), any other up to
# MAX_REQUEST_BYTES. The reverse proxy should refuse them too (nginx: client_max_body_size 25m).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 2_621_440)  # 2.5 MiB
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 26_214_400)  # 25 MiB
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES  # a body's fields other than files
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads are spooled to a temporary file, not kept in memory
FILE_UPLOAD_PERMISSIONS = 0o600  # var/media, like the rest of var/, is the owner's only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Accounts: sessions, throttling, the shared cache (issue 10) ----------------------------------------------
# Kept in one block so that it reads (and merges) on its own. See docs/accounts.md.

# Behind a TLS-terminating proxy: the client's address is then the last one of X-Forwarded-For (the address our
# proxy saw); otherwise REMOTE_ADDR, and X-Forwarded-For is ignored (a client could write anything in it).
BEHIND_PROXY = env_bool("BEHIND_PROXY")


def _cache(url: str) -> dict[str, object]:
    """CACHE_URL: unset = the database (a table created by `coopforma migrate`); redis://… (pip install redis);
    locmem:// for a single process only (each process would count its own attempts)."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "coopforma"}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "coopforma_cache"}


# Shared by every web process (the web tier is stateless): the throttling counters live here.
CACHES = {"default": _cache(os.environ.get("CACHE_URL", ""))}

INSTALLED_APPS += ["axes", "django_ratelimit"]
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE += ["django_ratelimit.middleware.RatelimitMiddleware", "axes.middleware.AxesMiddleware"]

# Failed logins (the login page and /admin/ alike), counted per account and, separately, per client address.
AXES_ENABLED = env_bool("LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "coopforma.accounts.views.login_username"
AXES_CLIENT_IP_CALLABLE = "coopforma.core.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "coopforma.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not a log of every login
AXES_VERBOSE = False

# Other limits (django-ratelimit, coopforma/core/throttle.py): "count/period" per page and per key kind;
# THROTTLE_<NAME>_<KIND>=… overrides one (e.g. THROTTLE_PORTAL_LINK_EMAIL=3/h), an empty value removes it.
RATELIMIT_ENABLE = env_bool("THROTTLE", True)
RATELIMIT_IP_META_KEY = "coopforma.core.throttle.client_ip"
RATELIMIT_VIEW = "coopforma.core.throttle.too_many_requests"
_THROTTLE_DEFAULTS = {
    "password_reset:email": "3/h",  # reset e-mails to one address
    "password_reset:ip": "20/h",
    "portal_link:email": "3/h",  # portal links e-mailed to one address (client or trainee)
    "portal_link:ip": "20/h",
    "signature_code:token": "10/h",  # codes e-mailed for one signing link (documents.signing caps it at 5 in all)
    "signature_code:ip": "20/h",
    "signature_sign:token": "10/h",  # codes typed on one signing link (each code also allows 5 tries only)
    "signature_sign:ip": "30/h",
    "public_request:email": "5/h",  # requests from the public catalogue (enquiries) for one address
    "public_request:ip": "10/h",
}
THROTTLE_RATES = {
    name: os.environ.get("THROTTLE_" + name.replace(":", "_").upper(), default)
    for name, default in _THROTTLE_DEFAULTS.items()
}
# django-ratelimit names memcached and django-redis only: Django's own RedisCache is as good (W001). The database
# cache's increment is not atomic (E003): two requests at the same instant may count once, so a limit may let a
# request or two more through under load. Acceptable here; set CACHE_URL to Redis for exact counts.
_SILENCED = ["django_ratelimit.W001"]
if CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    _SILENCED.append("django_ratelimit.E003")
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), *_SILENCED]

# « Mot de passe oublié » links are valid one day (and once: the token changes with the password).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
