"""OAuth codes and states reach no log line, not even the access log line of a failed callback."""

import logging
import threading

import pytest
import requests
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

from config.logging import RedactOAuthParameters

CODE, STATE = "code-never-logged-4711", "state-never-logged-0815"


@pytest.fixture
def dev_server(transactional_db):
    """The app behind the dev server's own request handler, which writes the access log (`django.server`)."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, allow_reuse_address=False)
    server.set_app(get_internal_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_failed_callback_logs_neither_code_nor_state(dev_server, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.server")

    response = requests.get(
        f"{dev_server}/accounts/hubspot/login/callback/", params={"code": CODE, "state": STATE}, timeout=10
    )

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert response.status_code == 401  # no sign-in was started in this browser
    assert "GET /accounts/hubspot/login/callback/?code=[redacted]&state=[redacted] HTTP/1.1" in logged
    assert CODE not in logged and STATE not in logged


def test_the_filter_also_reads_gunicorns_access_log_records():
    # gunicorn formats its access line from a dict of atoms, not a tuple.
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', None, None
    )
    record.args = {"r": f"GET /accounts/hubspot/login/callback/?state={STATE}&code={CODE} HTTP/1.1", "s": "401"}

    assert RedactOAuthParameters().filter(record)
    assert record.getMessage() == '"GET /accounts/hubspot/login/callback/?state=[redacted]&code=[redacted] HTTP/1.1" 401'
