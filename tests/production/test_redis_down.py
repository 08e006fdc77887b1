"""Redis cut under `make serve`: every page answers, a create and a sign-in work, /healthz says so; it comes back alone.

One `make serve` (gunicorn's two processes and the worker) reaches Redis through a proxy in this test
(tests/redis_proxy.py) that the test cuts and restores; the machine's Redis itself is never stopped.
"""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack, closing

import pytest
import requests
from django.urls import reverse

from tests.conftest import meeting_post
from tests.production.conftest import (
    PRODUCTION,
    PUBLIC_ORIGIN,
    REDIS_URL,
    Browser,
    eventually,
    production_env,
    shared_database,
    shared_redis,
    start_app,
)
from tests.production.test_two_processes import booked_titles, sign_in, signed_in_as_lena
from tests.redis_proxy import RedisProxy


@pytest.fixture(scope="module")
def app_behind_a_cuttable_redis(tmp_path_factory):
    from hubspot_sandbox.testing import SandboxServer

    prefix = f"production-redis-down-{uuid.uuid4().hex[:8]}"
    tmp_path = tmp_path_factory.mktemp("redis-down")
    with ExitStack() as stack:
        direct = stack.enter_context(shared_redis(prefix))
        proxy = RedisProxy(REDIS_URL)
        stack.callback(proxy.close)
        database_url = stack.enter_context(shared_database(tmp_path))
        sandbox = stack.enter_context(SandboxServer.start())
        env = production_env(
            **PRODUCTION, DATABASE_URL=database_url, REDIS_URL=proxy.url, REDIS_KEY_PREFIX=prefix,
            DJANGO_TRUST_X_FORWARDED_PROTO="1", HUBSPOT_API_BASE=sandbox.url, HUBSPOT_APP_BASE=sandbox.url,
            WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
        )
        app = stack.enter_context(closing(start_app(env, tmp_path / "app.log")))
        sandbox.configure(redirect_uris=[f"{PUBLIC_ORIGIN}/accounts/hubspot/login/callback/"])
        yield app, proxy, sandbox, direct, prefix


def health(app) -> tuple[int, dict]:
    answer = requests.get(f"{app.url}/healthz", timeout=5)
    return answer.status_code, answer.json()


def test_with_redis_cut_everything_answers_and_after_it_returns_everything_works(app_behind_a_cuttable_redis):
    app, proxy, hubspot, direct, prefix = app_behind_a_cuttable_redis
    rep = Browser()
    sign_in(rep, start_on=app, finish_on=app)
    assert signed_in_as_lena(rep, app)
    assert health(app) == (200, {"status": "ok", "database": "ok", "cache": "ok"})

    proxy.cut()
    started = time.monotonic()
    for _ in range(3):  # each gunicorn process, more than once
        for path in (reverse("home"), reverse("meeting_create"), reverse("history_mine")):
            answer = rep.get(app, path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        assert signed_in_as_lena(rep, app)  # the session, from PostgreSQL
    title = f"Ohne Redis {uuid.uuid4().hex[:8]}"
    booked = rep.post(app, reverse("meeting_create"), meeting_post(title=title))
    assert booked.status_code == 302 and "/done/" in booked.headers["Location"], booked.text[:500]
    assert rep.get(app, booked.headers["Location"]).status_code == 200
    assert title in rep.get(app, reverse("history_mine")).text
    assert booked_titles(hubspot).count(title) == 1
    newcomer = Browser()
    sign_in(newcomer, start_on=app, finish_on=app)
    assert signed_in_as_lena(newcomer, app)
    assert health(app) == (200, {"status": "degraded", "database": "ok", "cache": "down"})
    assert time.monotonic() - started < 30  # nobody waited out a lock nobody could see
    assert "Redis cache unavailable (ConnectionError)" in app.output()

    proxy.restore()

    assert eventually(lambda: health(app)[1]["status"] == "ok", seconds=10), health(app)
    # The cache takes writes again (after its pause of a few seconds after a failure), in every process.
    assert eventually(lambda: rep.get(app, reverse("meeting_create")).status_code == 200
                      and any(direct.scan_iter(match=f"{prefix}:*:*session*")), seconds=15)
    for browser in (rep, newcomer):
        for path in (reverse("home"), reverse("meeting_create"), reverse("history_mine")):
            assert browser.get(app, path).status_code == 200
        assert signed_in_as_lena(browser, app)
    # A create: the rate windows are back in Redis too once their pause after a failure is over. Until then a
    # process counts its own share, which the uncached form loads above spent (a refusal sends nothing).
    def booked_again() -> bool:
        again = f"Wieder mit Redis {uuid.uuid4().hex[:8]}"
        booked = rep.post(app, reverse("meeting_create"), meeting_post(title=again))
        assert booked.status_code < 500
        return booked.status_code == 302 and again in booked_titles(hubspot) and again in rep.get(
            app, reverse("history_mine")).text

    assert eventually(booked_again, seconds=20)
