"""config/gunicorn.conf.py: threaded workers, never fewer than two, and HTTPS left for Django to decide."""

from __future__ import annotations

import runpy
import subprocess
import sys
import uuid
from contextlib import closing

import pytest
import requests

from tests.production.conftest import PRODUCTION, ROOT, App, eventually, production_env

CONFIG = ROOT / "config" / "gunicorn.conf.py"


def load(monkeypatch, **variables: str) -> dict:
    for name in ("APP_HOST", "APP_PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_threaded_workers_on_loopback_port_8000_by_default(monkeypatch):
    config = load(monkeypatch)

    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 4)
    assert config["bind"] == "127.0.0.1:8000"


def test_the_operator_sets_address_processes_and_threads_but_never_fewer_than_two_processes(monkeypatch):
    assert load(monkeypatch, WEB_CONCURRENCY="1")["workers"] == 2
    config = load(monkeypatch, APP_HOST="0.0.0.0", APP_PORT="9000", WEB_CONCURRENCY="3", GUNICORN_THREADS="8")
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:9000", 3, 8)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn alone with this configuration, production settings, not told to trust X-Forwarded-Proto.

    No Redis or PostgreSQL needed: the answers here come from middleware or the view of a failed sign-in.
    """
    from hubspot_sandbox.testing import free_port

    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = production_env(**PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", APP_PORT=str(port))
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG)], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    with closing(App(process, port, log)) as app:
        assert eventually(lambda: _answers(app), 30), app.output()
        yield app


def _answers(app: App) -> bool:
    try:
        return requests.get(f"{app.url}/healthz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return app.process.poll() is not None


def test_gunicorn_does_not_believe_x_forwarded_proto_that_django_was_not_told_to_trust(gunicorn):
    # gunicorn's default trusts the header from loopback; then a local client would pass for HTTPS.
    answer = requests.get(f"{gunicorn.url}/", headers={"X-Forwarded-Proto": "https"}, allow_redirects=False, timeout=5)

    assert answer.status_code == 301 and answer.headers["Location"] == f"https://127.0.0.1:{gunicorn.port}/"


def test_its_access_log_never_shows_an_oauth_code_or_state(gunicorn):
    code, state = f"code-{uuid.uuid4().hex}", f"state-{uuid.uuid4().hex}"
    callback = f"/accounts/hubspot/login/callback/?code={code}&state={state}"

    # The request line, and the Referer of the page after the callback.
    requests.get(f"{gunicorn.url}{callback}", headers={"Referer": f"https://localhost{callback}"},
                 allow_redirects=False, timeout=5)

    redacted = "/accounts/hubspot/login/callback/?code=[redacted]&state=[redacted]"
    assert eventually(lambda: gunicorn.output().count(redacted) == 2), gunicorn.output()[-2000:]
    assert code not in gunicorn.output() and state not in gunicorn.output()
