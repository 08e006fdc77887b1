"""Settings for the test suite: production-like (DEBUG off), with speed tweaks only."""

import os
import tempfile
from pathlib import Path

# Production refuses to start without these; tests supply harmless values.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-for-the-test-suite-only-never-for-production")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parent.parent / 'db.sqlite3'}")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("HUBSPOT_CLIENT_ID", "sandbox-demo-client-id")
os.environ.setdefault("HUBSPOT_CLIENT_SECRET", "sandbox-demo-client-secret")
# Not the development key, which production (and so these production-like settings) refuses.
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "U0T-jvqkI6tqTtu9mWeQgcvdVeXwjAJ8fGxVdxtCVt0=")
os.environ.setdefault("AUDIT_CHAIN_KEY", "test-audit-chain-key-for-the-test-suite-only")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from config.mail import mailers_from_url  # noqa: E402
from config.settings import *  # noqa: E402,F403
from config.settings import EMAIL_URL, STORAGES  # noqa: E402

if not EMAIL_URL:
    # Emails are sent (Django's test runner collects them in `mail.outbox`); production sends none until set.
    EMAIL_URL = "consolemail://"
    MAILERS = mailers_from_url(EMAIL_URL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: serve files straight from static/.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
# whitenoise serves straight from the finders; there is no collected STATIC_ROOT in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests run many requests at once in one process (the live server, sixteen concurrent form loads);
# the bulkhead's own tests set a small limit.
HUBSPOT_WAITING_THREADS = 64
# The history's pages are drawn once per state of the records, as in production: the suite is one process,
# so its memory holds the records' version for every view and write.
HISTORY_PAGE_CACHE = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared-cache memory database: tests that write from several threads at once
    # need the busy timeout, which shared-cache table locks ignore ("database table is locked").
    # One file per test process, so two suites (two checkouts, or CI beside a developer) never share one.
    _test_db = Path(tempfile.gettempdir()) / f"meeting-booker-tests-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
else:
    import hashlib

    # One test database per checkout, so two suites on one PostgreSQL server never meet.
    _checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: F405, S324
    DATABASES["default"]["TEST"] = {"NAME": f"test_meeting_booker_{_checkout}"}  # noqa: F405

# Connections opened by test threads close when their request ends, so PostgreSQL can drop the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Export files of this test process, apart from a developer's var/exports and from other processes'.
EXPORT_DIR = Path(tempfile.gettempdir()) / f"meeting-booker-exports-{os.getpid()}"
