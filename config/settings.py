"""Settings for the Meeting Booker.

Everything an operator may change comes from the environment (see `.env.example`
and the README's configuration table). Development has safe defaults: SQLite,
a local-memory cache, a dev secret and the local HubSpot sandbox. With
DJANGO_DEBUG off there are no defaults for secrets: the app refuses to start and
names what is missing.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.mail import mailers_from_url
from hubspot_api import versions as hubspot_versions

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SANDBOX_BASE = "http://localhost:8001"


def _required_in_production(name: str, dev_default):
    """Return the variable, its dev default when debugging, or stop with its name."""
    value = env(name, default=None)
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} must be set when DJANGO_DEBUG is off (see .env.example)."
    )


DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"
# A key that passes the length rule can still be guessable: one character or a short run repeated, or a
# handful of characters. Estimated from the key itself: the bits its own character counts carry (Shannon),
# which a random key of the lengths asked for here exceeds by far (token_urlsafe(32): ~190; 32 hex digits: ~115 on
# average, and no lower than 92 in 100,000 draws — 96 refused about one such key in 8,000).
SECRET_MIN_BITS = 80
SECRET_MIN_DISTINCT = 8


def _low_in_entropy(key: str) -> bool:
    """Repeats itself (41 × "a", "ab" × 30, "abcdefgh" × 5, nearly), or holds too few different characters or bits."""
    repeats = any(sum(a == b for a, b in zip(key, key[period:], strict=False)) >= 0.8 * (len(key) - period)
                  for period in range(1, len(key) // 2 + 1))
    counts = [key.count(char) for char in set(key)]
    bits = -sum(count * math.log2(count / len(key)) for count in counts) if key else 0.0
    return repeats or len(counts) < SECRET_MIN_DISTINCT or bits < SECRET_MIN_BITS


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, refused in production when Django's own deploy check would call it weak, or it repeats."""
    key = _required_in_production("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
    weak = (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or key == DEV_SECRET_KEY
        or _low_in_entropy(key)
    )
    if weak and not DEBUG:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG off: use at least {SECRET_KEY_MIN_LENGTH} random "
            "characters (not repeated ones), not the development key (make one with: python -c "
            "'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())')."
        )
    return key


SECRET_KEY = _secret_key()


def _allowed_hosts() -> list[str]:
    """DJANGO_ALLOWED_HOSTS; in production never a wildcard, which believes any Host header a client sends.

    The Host header makes the sign-in's redirect address and the links in HubSpot; `.example.com` (a domain and
    its subdomains) stays allowed, as Django defines it.
    """
    raw = _required_in_production("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    if not DEBUG and any("*" in host for host in hosts):
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name the hosts the app answers as when DJANGO_DEBUG is off, not a wildcard "
            "(e.g. meetings.example.com)."
        )
    return hosts


ALLOWED_HOSTS = _allowed_hosts()
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's own widget templates, found by FORM_RENDERER below beside the project's
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django_tasks_db",
    # The admin sign-in's lockout (config/lockout.py).
    "axes",
    "meetings",
    # Our subclass of allauth's HubSpot provider (allauth's own is deliberately not installed).
    "hubspot_login",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreWhenSignedInMiddleware",
    "config.middleware.ViewerTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: turns its refusal of a locked-out sign-in into the lockout page.
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meetings.core.context_processors.meetings_needing_you",
            ],
        },
    },
]

# Widgets render through the project's template engine, so a widget may use a template under templates/
# (the record pickers: templates/meetings/widgets/). The meeting form's fields are laid out by crispy-forms.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Database: SQLite in development, whatever DATABASE_URL names in production (where it
# must be set: a forgotten variable must not mean a fresh SQLite file on one server).
# ATOMIC_REQUESTS stays off on purpose: a transaction held open across a HubSpot
# call blocks SQLite writers and could roll back the audit row of a meeting that
# HubSpot really created (see docs/architecture.md).
DATABASES = {
    "default": env.db_url_config(_required_in_production("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one request writes; a generous timeout
    # makes concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"



def _code_release() -> str:
    """A digest of the product's Python files and pinned requirements: the same on every host of one release.

    Read from the files rather than from git, so an unpacked release archive has one too.
    """
    digest = hashlib.sha256()
    for package in ("config", "meetings", "hubspot_login", "hubspot_api"):
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes())
    requirements = BASE_DIR / "requirements.txt"
    if requirements.exists():
        digest.update(requirements.read_bytes())
    return digest.hexdigest()[:12]


# Names the running code. The shared cache holds pickled objects of this code's classes: the cache's VERSION
# is the release, so a new release never unpickles the previous one's objects (it starts with an empty cache,
# sessions then come from the database). Set APP_RELEASE (a tag, a commit) to choose the name yourself.
APP_RELEASE = env("APP_RELEASE", default="") or _code_release()
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # config/redis_cache.py: Redis down is a miss, not an error.
    CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": REDIS_URL, "VERSION": APP_RELEASE,
                          # Apart when one Redis serves several installations (staging beside production, test runs).
                          "KEY_PREFIX": env("REDIS_KEY_PREFIX", default="")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# `{% cache %}` fragments (an untouched meeting form's fields, meetings/booking/caches.py): each process its
# own, no round trip to Redis, and a deploy starts without them. Keys name what a fragment is drawn from, so
# processes never disagree; a fragment is some 30 KB, and at most 300 are kept.
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                "LOCATION": "template-fragments", "OPTIONS": {"MAX_ENTRIES": 300}}
# The history's drawn pages (meetings/history/pages.py): each process its own, under a version of the records
# every process shares through Redis. Without Redis (development) the worker's writes would not reach the
# app's memory, so every view draws its page. Some 25 KB each, at most 200 kept.
HISTORY_PAGE_CACHE = bool(REDIS_URL)
# While Redis is down the version cannot be read, and the pages are drawn for every view (config/redis_cache.py).
CACHES["history_pages"] = {"BACKEND": "config.redis_cache.LocalWhileRedisAnswers",
                           "LOCATION": "history-pages", "OPTIONS": {"MAX_ENTRIES": 200}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTHENTICATION_BACKENDS = [
    # First: refuses to check a password while its username and address are locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    # Django's and allauth's, fetching the user with their HubSpot connection (hubspot_login/backends.py).
    "hubspot_login.backends.ModelBackend",
    "hubspot_login.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How many proxies in front of the app append to X-Forwarded-For (nginx: 1). 0: the header is not believed and
# a client's address is the connection's. hubspot_login/addresses.py
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# The admin's password sign-in (django-axes, config/lockout.py) is refused for DJANGO_ADMIN_LOGIN_LOCKOUT_SECONDS
# after this many failures for one username from one client address; a right password clears them. Counted in
# the database, so the lockout holds with Redis down. (DJANGO_ADMIN_LOGIN_FAILURES_PER_USERNAME: its old name.)
AXES_FAILURE_LIMIT = env.int("DJANGO_ADMIN_LOGIN_FAILURES",
                             default=env.int("DJANGO_ADMIN_LOGIN_FAILURES_PER_USERNAME", default=5))
AXES_COOLOFF_TIME = timedelta(seconds=env.int("DJANGO_ADMIN_LOGIN_LOCKOUT_SECONDS", default=15 * 60))
# The pair, not either alone: one address guessing does not lock out an admin elsewhere, and the many people
# behind one proxy are not one address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "hubspot_login.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "config.lockout.admin_locked_out"
# Reps never sign in with a password; only the admin's form is watched.
AXES_ONLY_ADMIN_SITE = True
# No banner on every start (it would be the first line of each manage.py command); failures and lockouts are
# still logged, with the lockout's parameters.
AXES_VERBOSE = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: the UI speaks German and English.
LANGUAGE_CODE = "en"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # HTTPS only: plain HTTP is redirected, browsers are told to stay on HTTPS, cookies never travel in clear.
    SECURE_SSL_REDIRECT = True
    # A load balancer's health probe speaks plain HTTP to the app and must get an answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Preloading HSTS is decided for the whole parent domain and takes months to undo: the
# domain's owner submits it, not this app, so Django's reminder (W021) is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Any client can send X-Forwarded-Proto. Believe it only when the operator says a proxy that
# terminates TLS sets it (and strips the client's): otherwise plain HTTP could pass for HTTPS.
if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- HubSpot -----------------------------------------------------------------
# With only these set, the app runs against the real HubSpot, the sandbox, or
# any other faithful emulator.
HUBSPOT_API_BASE = env("HUBSPOT_API_BASE", default=SANDBOX_BASE if DEBUG else "https://api.hubapi.com").rstrip("/")
HUBSPOT_APP_BASE = env("HUBSPOT_APP_BASE", default=SANDBOX_BASE if DEBUG else "https://app.hubspot.com").rstrip("/")
# HubSpot's dated API version for every call (hubspot_api/versions.py); anything else stops the start.
HUBSPOT_API_VERSION = env("HUBSPOT_API_VERSION", default=hubspot_versions.DEFAULT).strip()
if (_refusal := hubspot_versions.refusal(HUBSPOT_API_VERSION)) is not None:
    raise ImproperlyConfigured(_refusal)
HUBSPOT_CLIENT_ID = _required_in_production("HUBSPOT_CLIENT_ID", "sandbox-demo-client-id")
HUBSPOT_CLIENT_SECRET = _required_in_production("HUBSPOT_CLIENT_SECRET", "sandbox-demo-client-secret")
# HubSpot tokens are encrypted in the database (hubspot_login.fields.SealedTextField) with these
# comma-separated Fernet keys: the first encrypts, all decrypt. To rotate, put a new key first,
# run `manage.py reencrypt_tokens`, then drop the old one.
DEV_TOKEN_ENCRYPTION_KEY = "LL4edKYlEPrWI1Np0UEgjnMQobvaSjJoQb15maNes0Y="  # public: development only


def _token_encryption_keys() -> list[str]:
    """TOKEN_ENCRYPTION_KEYS as a list, each checked to be a Fernet key; the public dev key only when debugging."""
    raw = _required_in_production("TOKEN_ENCRYPTION_KEYS", DEV_TOKEN_ENCRYPTION_KEY)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS names no key (comma-separated Fernet keys).")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"TOKEN_ENCRYPTION_KEYS: key {position} is not a Fernet key (make one with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
            ) from None
    if DEV_TOKEN_ENCRYPTION_KEY in keys and not DEBUG:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS must not contain the development key when DJANGO_DEBUG is off."
        )
    return keys


TOKEN_ENCRYPTION_KEYS = _token_encryption_keys()

# The audit trail's hash chain (meetings/audit/chain.py, docs/audit.md) is keyed with these comma-separated
# secrets: the first signs new links, every one verifies. To rotate, put a new key first (`new,old`):
# the next record starts a segment signed by both. Keep old keys listed for as long as their records
# should be verifiable; they never sign again.
DEV_AUDIT_CHAIN_KEY = "dev-audit-chain-key-public-development-only"  # public: development only
AUDIT_CHAIN_KEY_MIN_LENGTH = 32


def _audit_chain_keys() -> list[str]:
    """AUDIT_CHAIN_KEY as a list of long enough secrets; the public dev key only when debugging."""
    raw = _required_in_production("AUDIT_CHAIN_KEY", DEV_AUDIT_CHAIN_KEY)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY names no key (comma-separated secrets, the signing key first).")
    for position, key in enumerate(keys, start=1):
        if len(key) < AUDIT_CHAIN_KEY_MIN_LENGTH and key != DEV_AUDIT_CHAIN_KEY:
            raise ImproperlyConfigured(
                f"AUDIT_CHAIN_KEY: key {position} is shorter than {AUDIT_CHAIN_KEY_MIN_LENGTH} characters (make one "
                "with: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
    if DEV_AUDIT_CHAIN_KEY in keys and not DEBUG:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY must not contain the development key when DJANGO_DEBUG is off.")
    for position, key in enumerate(keys, start=1):
        if not DEBUG and _low_in_entropy(key):
            raise ImproperlyConfigured(
                f"AUDIT_CHAIN_KEY: key {position} is too weak for DJANGO_DEBUG off: repeated or too few different "
                "characters (make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
    return keys


AUDIT_CHAIN_KEYS = _audit_chain_keys()
HUBSPOT_TIMEOUT_SECONDS = env.float("HUBSPOT_TIMEOUT_SECONDS", default=10.0)
# The longest a rep waits for retries of one HubSpot call (429 / 5xx / unreachable).
HUBSPOT_RETRY_BUDGET_SECONDS = env.float("HUBSPOT_RETRY_BUDGET_SECONDS", default=4.0)
# How many records a picker shows per search.
PICKER_RESULTS = 20
# HubSpot's limits per portal (API notes §8): 110 calls per 10 s, searches excluded, and 5 searches
# per second. Every process takes slots from the same windows (in Redis with REDIS_URL) and stays under
# these, a little below HubSpot's own numbers: other apps and HubSpot's clock share the margin.
HUBSPOT_CALLS_PER_TEN_SECONDS = env.int("HUBSPOT_CALLS_PER_TEN_SECONDS", default=100)
HUBSPOT_SEARCHES_PER_SECOND = env.int("HUBSPOT_SEARCHES_PER_SECOND", default=4)
# How many requests of one process may wait on HubSpot at once (meetings/core/bulkhead.py): the rest of
# its GUNICORN_THREADS stay free for pages that do not call HubSpot when HubSpot is slow.
HUBSPOT_WAITING_THREADS = env.int("HUBSPOT_WAITING_THREADS",
                                  default=max(1, env.int("GUNICORN_THREADS", default=4) // 2))
# With Redis down each process keeps the windows itself, with this share of each limit: how many processes
# call HubSpot, all hosts together (gunicorn's WEB_CONCURRENCY plus the worker, per host). hubspot_api/budget.py
HUBSPOT_BUDGET_PROCESSES = env.int("HUBSPOT_BUDGET_PROCESSES",
                                   default=max(2, env.int("WEB_CONCURRENCY", default=2)) + 1)
# Keys of the rate windows in Redis: two deployments sharing one Redis need different prefixes.
HUBSPOT_BUDGET_KEY_PREFIX = env("HUBSPOT_BUDGET_KEY_PREFIX", default="") or env("REDIS_KEY_PREFIX", default="") or (
    "meeting-booker")

# --- Background tasks: Django's task framework, stored in the app's own database -----------
# `make worker` (manage.py worker) runs them; see meetings/*/tasks.py and docs/exactly-once.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# When a create's outcome is unknown, HubSpot is asked this many seconds after the submission: through the
# meeting's first associated record (read by id, consistent), or by its search when it has none.
RECONCILE_AFTER_SECONDS = sorted(env.list("RECONCILE_AFTER_SECONDS", cast=float, default=[10, 30, 60, 120]))
# HubSpot's search lags behind its writes by seconds, sometimes minutes: a meeting found only by searching is
# called not made no sooner than this after the submission (checks go on every minute until then).
RECONCILE_SEARCH_HORIZON_SECONDS = env.int("RECONCILE_SEARCH_HORIZON_SECONDS", default=600)
# A record still pending after this long was left by a process that died mid-create.
STALE_PENDING_SECONDS = env.int("STALE_PENDING_SECONDS", default=180)
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=30)
# The history's chart and per-rep counts are computed at most once per this many seconds per scope and
# filters (meetings/history/selectors.py, meeting_record_summary); the list of records itself is always current
# (a drawn page is kept at most this long, and drawn anew after any write: meetings/history/pages.py).
HISTORY_SUMMARY_SECONDS = env.int("HISTORY_SUMMARY_SECONDS", default=60)
# How often the worker verifies the audit chain, and redacts bodies older than the admin's retention.
AUDIT_VERIFY_INTERVAL_SECONDS = env.int("AUDIT_VERIFY_INTERVAL_SECONDS", default=24 * 3600)
AUDIT_RETENTION_INTERVAL_SECONDS = env.int("AUDIT_RETENTION_INTERVAL_SECONDS", default=24 * 3600)
# Where each verification that holds also writes the chain's end ("time seq:link"), beyond the log: a file the
# database's users cannot write (another host's mount, an append-only file), and addresses mailed through
# EMAIL_URL (below). `verify_audit` checks the chain against the file's last line. docs/audit.md, "Anchors".
AUDIT_ANCHOR_FILE = env("AUDIT_ANCHOR_FILE", default="")
AUDIT_ANCHOR_EMAILS = env.list("AUDIT_ANCHOR_EMAILS", default=[])
# Exports: up to this many rows stream straight from the request; more are written by the worker, with a
# progress page. The files lie in EXPORT_DIR (private: not static, not media) and are deleted after
# EXPORT_KEEP_SECONDS, by a periodic task that runs every EXPORT_CLEANUP_INTERVAL_SECONDS.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=10_000)
EXPORT_DIR = Path(env("EXPORT_DIR", default=str(BASE_DIR / "var" / "exports")))
EXPORT_KEEP_SECONDS = env.int("EXPORT_KEEP_SECONDS", default=24 * 3600)
EXPORT_CLEANUP_INTERVAL_SECONDS = env.int("EXPORT_CLEANUP_INTERVAL_SECONDS", default=3600)
# A running export whose worker has shown no sign of life (it does after every batch) for this long was left by
# a worker that died: it ends failed, saying so, and the admin starts it again.
EXPORT_ABANDONED_SECONDS = env.int("EXPORT_ABANDONED_SECONDS", default=120)
# A task row still "running" this long after it started was left by a worker that was killed: it is marked
# failed. Finished task rows are kept TASK_RESULTS_KEEP_DAYS. Both are looked at every TASK_UPKEEP_INTERVAL_SECONDS.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=3600)
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)
TASK_UPKEEP_INTERVAL_SECONDS = env.int("TASK_UPKEEP_INTERVAL_SECONDS", default=600)

# --- Email: the rep is told when a meeting ends "not created" or failed after they left its page --------------
# EMAIL_URL in django-environ's form: smtp://user:password@host:587 (smtp+tls://, smtps://), consolemail://,
# filemail:///path/to/dir. Development prints emails to the console; production sends none until it is set
# (and then defines no mailer at all: Django's deploy check refuses a development-only one).
EMAIL_URL = env("EMAIL_URL", default="consolemail://" if DEBUG else "")
if EMAIL_URL:
    MAILERS = mailers_from_url(EMAIL_URL)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Meeting Booker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails start here: the address reps open the app at.
APP_BASE_URL = env("APP_BASE_URL",
                   default="http://localhost:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}").rstrip("/")
# An outcome still unseen this long after it settled is emailed (the rep's open page shows it within seconds).
NOTICE_EMAIL_AFTER_SECONDS = env.int("NOTICE_EMAIL_AFTER_SECONDS", default=20)
NOTICE_EMAIL_RETRY_SECONDS = env.int("NOTICE_EMAIL_RETRY_SECONDS", default=600)

# Strict Content Security Policy: scripts and styles from our own origin only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The sign-in form redirects to HubSpot's consent page; browsers apply
    # form-action to that redirect too.
    "form-action": [CSP.SELF, HUBSPOT_APP_BASE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Sign-in: HubSpot OAuth through allauth, no local accounts for reps ---------------------------
# Least privilege: each scope is what one endpoint we call accepts (README, "Scopes").
HUBSPOT_SCOPES = env.list("HUBSPOT_SCOPES", default=[
    "oauth",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.deals.read",
    "tickets",
    "crm.objects.owners.read",
])
# Asked for but not required: attachments work only where it is granted.
HUBSPOT_OPTIONAL_SCOPES = env.list("HUBSPOT_OPTIONAL_SCOPES", default=["files"])
SOCIALACCOUNT_PROVIDERS = {
    "hubspot": {
        "APPS": [{"client_id": HUBSPOT_CLIENT_ID, "secret": HUBSPOT_CLIENT_SECRET}],
        "AUTH_PARAMS": {"optional_scope": " ".join(HUBSPOT_OPTIONAL_SCOPES)} if HUBSPOT_OPTIONAL_SCOPES else {},
        "OAUTH_PKCE_ENABLED": env.bool("HUBSPOT_PKCE_ENABLED", default=True),
    }
}
SOCIALACCOUNT_ONLY = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False  # tokens live in hubspot_login.HubSpotConnection, refreshed there
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ADAPTER = "hubspot_login.adapter.SocialAccountAdapter"
ACCOUNT_ADAPTER = "hubspot_login.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "hubspot_login.adapter.user_display"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# A signed-in rep whose HubSpot authorisation is gone is sent to the sign-in page
# (hubspot_login.flows.reauthenticate); allauth must show it rather than bounce them
# back to the page that sent them, which would loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False

# OAuth codes and states never reach a log line: redacted on the loggers that write request
# lines (so every handler of theirs gets the clean record) and on the console as a backstop.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_oauth": {"()": "config.logging.RedactOAuthParameters"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_oauth"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING", "filters": ["redact_oauth"]},
        "django.request": {"filters": ["redact_oauth"]},
        # django-axes logs every sign-in and every reset of its counters at INFO; a lockout is a WARNING.
        "axes": {"level": "WARNING"},
    },
}
