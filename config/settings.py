"""Settings, read from the environment (see .env.example)."""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "simple_history",
    "config.apps.AxesConfig",  # django-axes, with a Vietnamese name in admin
    "django_tasks_db",  # the background task queue in the database (worker: manage.py db_worker)
    "django_otp",  # two-factor sign-in (party/accounts/two_factor.py): TOTP app and recovery codes
    "party.accounts.two_factor_apps.TOTPConfig",  # django_otp.plugins.otp_totp, Vietnamese in admin
    "party.accounts.two_factor_apps.StaticConfig",  # django_otp.plugins.otp_static, Vietnamese in admin
    "party",
    "pledges",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "party.accounts.sessions.limits",  # idle and absolute session lifetimes, before the login check
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "party.accounts.initial_passwords.InitialPasswordMiddleware",  # a new password first after an initial one
    "party.accounts.two_factor.TwoFactorMiddleware",  # the second factor before any page, admin included
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Pages hold personal data: never kept by the browser's or a proxy's cache.
    "config.middleware.no_store",
    "party.privacy.middleware.RefusalLogMiddleware",  # 403/404 for signed-in users → the access log
    # Last, so its lockout page still passes through the CSP and security middleware.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "party.context_processors.navigation",
            ],
        },
    },
]

# The default is a SQLite file beside manage.py, whatever the current directory.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets a reader and a writer work at once (web + management commands).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes a threshold,
    # which the review report's grouped queries do on a large province, and the compiling took
    # longer than it saved (docs/decisions.md). An `options` given in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Keep connections between requests (a new one per request costs 2-6x the throughput here) and
# check them before reuse, so the requests after a PostgreSQL restart reconnect by themselves.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id (config/passwords.py); older PBKDF2 hashes still verify and are upgraded at login.
PASSWORD_HASHERS = [
    "config.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes, see docs/decisions.md). The axes backend comes first: it refuses a
# locked-out login before the password is checked. It needs the request, so the test client's
# `login()` cannot be used (tests post to the login form).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
# One username from one address: an office sharing one address is not locked by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A timedelta: a bare number would be read as hours.
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# Tries during the lockout do not restart the 15 minutes, so the page's promise holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A session ends after 30 minutes without a request and 8 hours after login (party/accounts/sessions.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # each session's account in party.UserSession
SESSION_COOKIE_AGE = 30 * 60
SESSION_MAX_AGE_FROM_LOGIN = 8 * 3600
# Two-factor sign-in (django-otp, see party/accounts/two_factor.py and docs/operations.md): required for
# superusers, admin-site staff and committee staff unless OTP_REQUIRED_FOR_STAFF=false (a small
# install); optional for everyone else. Wrong codes double the wait (1, 2, 4 ... seconds).
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = "Học tập và làm theo Bác"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # admin resets devices; it never shows their secrets

# Initial passwords (party/accounts/initial_passwords.py): a password set in admin must be replaced at the
# first login, and no longer signs in after this many days unused.
INITIAL_PASSWORD_MAX_AGE_DAYS = env.int("INITIAL_PASSWORD_MAX_AGE_DAYS", default=7)
if INITIAL_PASSWORD_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured("INITIAL_PASSWORD_MAX_AGE_DAYS must be at least 1.")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# Our Vietnamese for packages that ship none (django-simple-history). Compiled .mo is committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's stock "vi" formats have no grouping and read dd/mm ambiguously: see config/formats/vi.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Attached files of documents: outside the static tree, never served by the web server directly
# (the download view checks scope first). Back this folder up with the database.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)

# Background tasks (Django's task framework) are queued in the database and run by
# `manage.py db_worker` (see docs/operations.md). Enqueue after the transaction commits.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A report export with fewer list rows (estimated) than this is written in the request itself;
# a larger one runs as a background task (finished files live in MEDIA_ROOT/exports/).
REPORT_EXPORT_IMMEDIATE_ROWS = env.int("REPORT_EXPORT_IMMEDIATE_ROWS", default=20_000)

# Uploaded workbooks are read from memory up to this size; larger files are refused.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# A strict policy from day one: no inline script or style anywhere, admin included.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads the token: forms carry it
# HTTPS wherever DEBUG is off (SECURE_COOKIES=false only for a plain-HTTP test box): cookies sent
# over HTTPS only, under the __Host- prefix (the browser then refuses them without Secure, with a
# Domain, or on another path), HTTP redirected to HTTPS, and a year of HSTS.
HTTPS = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env.bool("SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the monitor on the server itself may ask over HTTP
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
BEHIND_PROXY = env.bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# The client address axes records and locks: REMOTE_ADDR, or behind the proxy the address the
# proxy appended to X-Forwarded-For (see config/client_ip.py and docs/operations.md).
AXES_CLIENT_IP_CALLABLE = "config.client_ip.forwarded_client_ip" if BEHIND_PROXY else None

# The access log (party.AccessEvent) keeps this many days; `manage.py purge_access_log` deletes older.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=730)
# Uploaded import workbooks are blanked after this many days by `manage.py nightly_cleanup`.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# In development and tests, serve static files from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Static files answer before Django's CSP middleware: give them a policy of their own. A style sheet
# or script loads nothing; an SVG or a file opened directly runs nothing and sits in no frame.
STATIC_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _static_headers(headers, path: str, url: str) -> None:
    headers["Content-Security-Policy"] = STATIC_CSP


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers
