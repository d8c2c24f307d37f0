"""Push-In settings: every value comes from the environment.

Development gets safe defaults with nothing set. Production (PUSHIN_ENV=production)
refuses to start without a secret key and allowed hosts, and turns on every HTTPS
protection so that `manage.py check --deploy` is clean.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from pushin.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number 0 or more, not {value!r}")
    return int(value)


def _env_seconds(name: str, default: float, *, minimum: float) -> float:
    value = os.environ.get(name, "").strip() or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not minimum <= seconds < float("inf"):  # refuses nan too
        raise ImproperlyConfigured(f"{name} must be a number of seconds, at least {minimum:g}")
    return seconds


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PUSHIN_ENV = os.environ.get("PUSHIN_ENV", "development")
PRODUCTION = PUSHIN_ENV == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to 50+ random characters in production")
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = _env_bool("DEBUG", True)

CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
# The key of the public ids in URLs (pushin/ids.py); empty: derived from SECRET_KEY. Set it
# to keep URLs (bookmarks, notifications' links) working across a SECRET_KEY rotation.
PUSHIN_ID_KEY = os.environ.get("PUSHIN_ID_KEY", "")
if PRODUCTION and PUSHIN_ID_KEY and len(PUSHIN_ID_KEY) < 32:
    raise ImproperlyConfigured("PUSHIN_ID_KEY, when set, must be 32+ random characters")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pushin.accounts",
    "pushin.district",
    "pushin.caseload",
    "pushin.planning",
    "pushin.sessions",
    "pushin.collaboration",
    "pushin.workload",
    "pushin.progress",
    "pushin.lessons",
    "pushin.watchlist",
    "pushin.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pushin.core_middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pushin.core_middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pushin.accounts.middleware.SessionIdleTimeoutMiddleware",
    # A sign-in that owes its two-factor code opens nothing else (accounts/two_factor.py).
    "pushin.accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # In development runserver (and the test live server) serve static files themselves.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "pushin.urls"
WSGI_APPLICATION = "pushin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pushin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pushin.core_middleware.csp_nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'pushin.sqlite3'}",
        # Production keeps each process's connection open instead of connecting (and
        # authenticating) for every request; it is checked before reuse, so a restarted
        # database costs one failed check, not a failed request.
        conn_max_age=_env_count("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many requests and the task workers write one file at once (20 phones logging, a
    # double-clicked button). Write-ahead logging lets readers go on while one writes, and
    # every transaction takes the write lock when it begins (IMMEDIATE): it waits its turn
    # (up to `timeout` seconds) instead of failing with "database is locked" when a read
    # inside it turns into a write. (Commits stay synchronous=FULL, SQLite's default: a
    # signed record survives a power cut.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL"}
    )
    if PRODUCTION and not _env_bool("PUSHIN_ALLOW_SQLITE", False):
        raise ImproperlyConfigured(
            "Production needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite is one "
            "file on one machine, for one person trying Push-In). To run production on "
            "SQLite anyway, set PUSHIN_ALLOW_SQLITE=1."
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords, unless the person's district signs in with single sign-on only.
    "pushin.accounts.oidc.PasswordBackend",
    "pushin.accounts.oidc.SingleSignOnBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on with OpenID Connect (pushin/accounts/oidc.py, docs/deployment.md): on when
# all seven are set, refused when only some are. The provider's discovery document
# (ISSUER/.well-known/openid-configuration) lists the endpoints.
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "").strip()
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "").strip()
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "").strip()
_oidc_missing = [
    name
    for name in (
        "OIDC_OP_ISSUER",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
    )
    if not globals()[name]
]
if 0 < len(_oidc_missing) < 7:
    raise ImproperlyConfigured(
        "Single sign-on is half configured: also set " + ", ".join(_oidc_missing)
    )
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256").strip()
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "signin:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
# The sign-in button says "Sign in with PUSHIN_SSO_LABEL" (e.g. "Google", "Clever").
PUSHIN_SSO_LABEL = os.environ.get("PUSHIN_SSO_LABEL", "").strip() or "single sign-on"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner on every command is noise
# On top of that pair, one address is locked after this many failures across usernames
# within the cool-off period (spraying one password over the staff list).
PUSHIN_SIGNIN_ADDRESS_LIMIT = _env_count("PUSHIN_SIGNIN_ADDRESS_LIMIT", 20)
AXES_HANDLER = "pushin.accounts.signin_limits.SignInLimitHandler"
# The client's address: the connection's, or behind N reverse proxies that each append to
# X-Forwarded-For, the N-th entry from the right (what the outermost trusted proxy saw).
PUSHIN_PROXY_COUNT = _env_count("PUSHIN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "pushin.accounts.signin_limits.client_address"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # Solver runs (plans, makeups) have a queue of their own: `manage.py db_worker
        # --queue-name solver` works it, so e-mail never waits behind a plan.
        "QUEUES": ["default", "solver"],
    }
}

# The bounds of one solver run (docs/scenario-format.md, "Limits"): a larger scenario is
# refused before it is queued, and each solve runs in a child process with this much
# address space; past its time limit plus a margin it is stopped.
PUSHIN_PLAN_MAX_STUDENTS = int(os.environ.get("PUSHIN_PLAN_MAX_STUDENTS", "1500"))
PUSHIN_PLAN_MAX_CANDIDATES = int(os.environ.get("PUSHIN_PLAN_MAX_CANDIDATES", "300000"))
PUSHIN_SOLVER_MEMORY_MB = int(os.environ.get("PUSHIN_SOLVER_MEMORY_MB", "4096"))
# Minutes ledgers a web worker keeps, one per student and day (sessions/ledger_cache.py):
# a few kilobytes each; a worker recomputes only the students whose records changed.
PUSHIN_LEDGER_CACHE_ENTRIES = int(os.environ.get("PUSHIN_LEDGER_CACHE_ENTRIES", "20000"))
# Seconds for each point of a capacity what-if (docs/workload.md), solved one after the
# other on the solver queue; a plan's default, so today's point shows what a plan would.
PUSHIN_WHATIF_TIME_LIMIT = _env_seconds("PUSHIN_WHATIF_TIME_LIMIT", 10, minimum=1)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` (`manage.py serve` runs it) puts the files WhiteNoise serves.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "pushin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Development writes each e-mail to a file under var/mail (follow-ups carry names and
# notes: never to the console, where the worker's log would keep them); production sends
# it over SMTP with STARTTLS unless told otherwise (EMAIL_USE_TLS=0 for a local relay,
# EMAIL_USE_SSL=1 for implicit TLS).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", PRODUCTION and not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
EMAIL_PORT = int(
    os.environ.get("EMAIL_PORT", "465" if EMAIL_USE_SSL else "587" if EMAIL_USE_TLS else "25")
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Push-In <no-reply@localhost>")
# Seconds before an SMTP connection or command gives up (the follow-up task then retries).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Leases on claimed work (pushin/leases.py): a plan or makeup run with no heartbeat for
# PUSHIN_SOLVER_LEASE_SECONDS is "Stalled"; a follow-up still "sending" after
# PUSHIN_EMAIL_LEASE_SECONDS goes back to "not sent". Too short a lease would stall live
# work, so a solver lease holds at least three heartbeats and an e-mail lease at least
# three SMTP timeouts (connect, send, quit).
PUSHIN_HEARTBEAT_SECONDS = _env_seconds("PUSHIN_HEARTBEAT_SECONDS", 5, minimum=1)
PUSHIN_SOLVER_LEASE_SECONDS = _env_seconds(
    "PUSHIN_SOLVER_LEASE_SECONDS", 120, minimum=3 * PUSHIN_HEARTBEAT_SECONDS
)
PUSHIN_EMAIL_LEASE_SECONDS = _env_seconds(
    "PUSHIN_EMAIL_LEASE_SECONDS", 300, minimum=3 * EMAIL_TIMEOUT
)

SESSION_COOKIE_AGE = 60 * 60 * 10  # one school day
# A set-your-password link (invitation or reset, pushin/accounts/passwords.py) works for a day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files (htmx is
# django-htmx's copy, served with them) or with this request's nonce; never inline, never
# eval (htmx's allowEval is off in base.html). Style elements likewise; style *attributes*
# are allowed (style-src-attr) because the week grids place blocks with top/height in
# pixels, and an attribute cannot run script or load anything img-src does not allow.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the app never uses (pushin/core_middleware.py sends the header).
PERMISSIONS_POLICY = dict.fromkeys(
    (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    ),
    "()",
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check may ask over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto only when it is
# said to set the header itself (overwriting any a client sent); otherwise anyone could
# claim https.
if _env_bool("PUSHIN_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard output, as JSON lines in production (pushin/ops/logs.py; the same
# for gunicorn and the task workers), plain lines in development; LOG_FORMAT=json|text
# chooses. They never carry student names: records are referred to by opaque ids.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = logging_config(level=os.environ.get("LOG_LEVEL", "INFO").upper(), fmt=LOG_FORMAT)
