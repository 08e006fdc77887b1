"""Shared fixtures: a real Chromium for browser tests, PostgreSQL gating, factories."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def skip_or_fail(reason: str, required_by: str) -> None:
    """Skip with a visible reason, unless the environment says this must run."""
    if _flag(required_by):
        pytest.fail(f"{reason} ({required_by}=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        skip_or_fail("No Chromium found at /usr/bin/chromium (install Debian's 'chromium' package)", "REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # that live_server and our fixtures make here are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def postgres_db(db):
    """The test database, which must be PostgreSQL (CI runs the suite against it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("Needs PostgreSQL: set DATABASE_URL=postgres://…", "REQUIRE_POSTGRES")
    return connection


@pytest.fixture(autouse=True)
def _default_language():
    """A test that speaks German leaves no German behind for the next test in the same process."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The local-memory caches live as long as the test process; each test starts without them."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(scope="session")
def sandbox_server():
    """One HubSpot sandbox process per test worker, on a free port, over real HTTP."""
    from hubspot_sandbox.testing import SandboxServer

    server = SandboxServer.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, settings):
    """The sandbox in its demo state, with the app pointed at it (API and consent page)."""
    from django.utils.csp import CSP

    sandbox_server.reset()
    settings.HUBSPOT_API_BASE = sandbox_server.url
    settings.HUBSPOT_APP_BASE = sandbox_server.url
    # As settings.py does for HUBSPOT_APP_BASE: the sign-in form redirects to the consent page.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, sandbox_server.url]}
    return sandbox_server


@pytest.fixture
def browser_login(live_server):
    """Sign a user into the browser context by handing it a real session cookie."""
    from django.conf import settings
    from django.test import Client

    def login(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return login


# --- a signed-in rep with a real HubSpot connection to the sandbox ---------------------------------
REP_SCOPES = [
    "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
    "crm.objects.deals.read", "tickets", "crm.objects.owners.read", "files",
]


@pytest.fixture
def demo(sandbox):
    return sandbox.demo()


def connect(sandbox, user, demo_user: dict, scopes=REP_SCOPES):
    from hubspot_login.models import HubSpotConnection

    token = sandbox.issue_token(demo_user["user_id"], scopes=scopes)
    return HubSpotConnection.objects.create(
        user=user,
        hub_id=token["hub_id"],
        hub_domain=demo_user.get("hub_domain", ""),
        hubspot_user_id=demo_user["user_id"],
        owner_id=str(demo_user.get("owner_id") or ""),
        email=demo_user["email"],
        scopes=token.get("scopes", scopes),
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=token["expires_in"]),
    )


@pytest.fixture
def rep(sandbox, demo, django_user_model):
    """Lena Müller: an active user and owner of the demo portal, signed in to the app."""
    lena = demo_user(demo, "lena")
    user = django_user_model.objects.create_user(
        username=lena["email"], email=lena["email"], first_name="Lena", last_name="Müller"
    )
    connect(sandbox, user, lena)
    return user


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def demo_user(demo: dict, email_start: str) -> dict:
    return next(u for u in demo["users"] if u["email"].startswith(email_start))


def demo_records(demo: dict, kind: str) -> list[dict]:
    return demo[kind]


def meeting_post(**overrides) -> dict:
    """A valid form submission: an hour on a weekday a week or more ahead, with a one-hour reminder."""
    from tests.clock import form_value, meeting_start

    start = meeting_start(10, days_ahead=7)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "title": "Kick-off bei Müller GmbH",
        "time_zone": "Europe/Berlin",
        "start": form_value(start),
        "end": form_value(start + timedelta(hours=1)),
        "duration": "",
        "outcome": "SCHEDULED",
        "reminders-TOTAL_FORMS": "1",
        "reminders-INITIAL_FORMS": "0",
        "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "3",
        "reminders-0-number": "1",
        "reminders-0-unit": "HOURS",
    }
    data.update(overrides)
    return data


@pytest.fixture(scope="session", autouse=True)
def _no_stray_postgresql_sessions(django_db_setup, django_db_blocker):
    """Before the test databases are dropped, end sessions that server threads left behind.

    Threads of the live server (browser tests) may still hold a connection when the session ends;
    PostgreSQL refuses to drop a database with sessions, and would keep one per CI run.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def run_due_tasks(settings, monkeypatch):
    """Run the background tasks that are due, here and now: the worker's own loop, until nothing is due.

    Reconciliation checks HubSpot at once (`RECONCILE_AFTER_SECONDS = [0]`, no horizon for a search's "not
    made") unless a test sets a schedule.
    The worker closes idle database connections between tasks; inside a test's transaction that would
    close the test's own, so here it does not (tests/meetings/test_worker.py runs the real process).
    """
    from django.core.management import call_command

    settings.RECONCILE_AFTER_SECONDS = [0]
    settings.RECONCILE_SEARCH_HORIZON_SECONDS = 0  # a test of the search's horizon sets its own
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run() -> None:
        call_command("worker", "--batch", "--interval", "0", verbosity=0)

    return run


@pytest.fixture
def latest_schema_afterwards():
    """For tests that migrate the schema back: afterwards every app is at its latest migration again.

    The test database is the worker's for the whole session: a schema left at an old migration breaks
    every later test in that worker that needs a newer table.
    """
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
