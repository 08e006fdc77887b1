"""Two app processes behind one address are one app: a rep signs in, books and reads history across both.

Each process is the whole `make serve` (gunicorn and the background worker) with production settings; they
share nothing but the database and Redis. The requests play the proxy: one public origin, either process
behind it, TLS terminated in front (`X-Forwarded-Proto: https` with DJANGO_TRUST_X_FORWARDED_PROTO=1).
"""

from __future__ import annotations

import uuid
from urllib.parse import quote, urlsplit

import pytest
from django.urls import reverse

from tests.conftest import meeting_post
from tests.login.conftest import callback_path, consent
from tests.production.conftest import PUBLIC_ORIGIN, Browser, eventually


@pytest.fixture(scope="module")
def hubspot(two_apps):
    return two_apps[0]


@pytest.fixture(scope="module")
def a(two_apps):
    return two_apps[1]


@pytest.fixture(scope="module")
def b(two_apps):
    return two_apps[2]


def sign_in(browser: Browser, *, start_on, finish_on) -> None:
    """Press "Sign in with HubSpot" on one process, consent as Lena at the sandbox, come back to the other."""
    login = reverse("hubspot_login")
    assert browser.get(start_on, login).status_code == 200  # the page and its CSRF cookie
    start = browser.post(start_on, login, {})
    assert start.status_code == 302, start.text[:500]
    assert f"redirect_uri={quote(PUBLIC_ORIGIN, safe='')}%2F" in start.headers["Location"]  # the public address
    answer = browser.get(finish_on, callback_path(consent(start.headers["Location"])))
    assert answer.status_code == 302 and answer.headers["Location"] == "/", answer.text[:500]


def signed_in_as_lena(browser: Browser, app) -> bool:
    page = browser.get(app, reverse("meeting_create"))
    return page.status_code == 200 and "You book as Lena Müller" in page.text


def booked_titles(hubspot) -> list[str]:
    return [m["properties"]["hs_meeting_title"] for portal in hubspot.meetings().values() for m in portal.values()]


def test_make_serve_runs_gunicorn_with_two_workers_and_the_background_worker(a, b):
    for app in (a, b):
        assert eventually(lambda app=app: len(app.gunicorn_workers()) >= 2), app.output()
        assert len(app.background_workers()) == 1, app.output()
        assert "Using worker: gthread" in app.output()


def test_a_sign_in_begun_on_one_process_ends_on_the_other(a, b):
    browser = Browser()

    sign_in(browser, start_on=a, finish_on=b)  # the OAuth state, kept in the session, crossed processes

    assert signed_in_as_lena(browser, a) and signed_in_as_lena(browser, b)


def test_the_session_cookie_of_one_process_signs_in_on_the_other_and_signing_out_ends_it_on_both(a, b):
    browser = Browser()
    sign_in(browser, start_on=a, finish_on=a)
    session = browser.cookies["sessionid"]

    assert signed_in_as_lena(browser, b)
    assert browser.post(b, reverse("account_logout"), {}).status_code == 302

    # A process that kept the session in its own memory would still let the old cookie in.
    stale = Browser()
    stale.cookies = {"sessionid": session}
    answer = stale.get(a, reverse("meeting_create"))
    assert answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == reverse("account_login")


def test_a_meeting_booked_through_one_process_is_in_the_history_the_other_serves(a, b, hubspot):
    browser = Browser()
    sign_in(browser, start_on=a, finish_on=a)
    title = f"Zwei Prozesse {uuid.uuid4().hex[:8]}"
    assert browser.get(a, reverse("meeting_create")).status_code == 200
    # b's processes draw the history page and keep it (meetings/history/pages.py): the write through a must
    # reach them through the records' version in Redis.
    for _ in range(4):
        assert title not in browser.get(b, reverse("history_mine")).text

    booked = browser.post(a, reverse("meeting_create"), meeting_post(title=title))

    assert booked.status_code == 302 and "/done/" in booked.headers["Location"], booked.text[:500]
    assert title in booked_titles(hubspot)
    history = browser.get(b, reverse("history_mine"))
    assert history.status_code == 200 and title in history.text
    done = browser.get(b, booked.headers["Location"])
    assert done.status_code == 200 and title in done.text
