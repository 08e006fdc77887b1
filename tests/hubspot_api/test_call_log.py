"""One log line per HubSpot call: DEBUG when it worked, INFO for every other answer, WARNING when none came.

A picker searches on each keystroke, so a call that worked is routine; an answer that refused, failed
or is retried stays in the log at the default level. No line carries a token.
"""

import logging

import pytest

from hubspot_api.client import HubSpotClient, StaticToken
from hubspot_api.errors import HubSpotUnavailable
from tests.api_version import API_VERSION

OWNERS = f"/crm/owners/{API_VERSION}"


@pytest.fixture
def owners_client(sandbox, demo):
    token = sandbox.issue_token(demo["users"][0]["user_id"], scopes=["oauth", "crm.objects.owners.read"])
    return HubSpotClient(tokens=StaticToken(token["access_token"]), sleep=lambda seconds: None), token


def call_lines(caplog) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "hubspot_api"]


def test_a_call_that_worked_is_logged_at_debug(owners_client, caplog):
    client, token = owners_client
    caplog.set_level(logging.DEBUG, logger="hubspot_api")

    client.list_owners()

    [(level, line)] = call_lines(caplog)
    assert level == logging.DEBUG
    assert line.startswith(f"HubSpot GET {OWNERS} -> 200 in ")
    assert token["access_token"] not in line


def test_a_failed_answer_is_logged_at_info_and_the_retry_that_worked_at_debug(owners_client, sandbox, caplog):
    client, token = owners_client
    sandbox.fault(OWNERS, status=503, method="GET")
    caplog.set_level(logging.INFO, logger="hubspot_api")

    client.list_owners()

    [(level, line)] = call_lines(caplog)  # at INFO, the 200 that followed is not there
    assert level == logging.INFO and line.startswith(f"HubSpot GET {OWNERS} -> 503 in ")
    assert "correlationId=-" not in line  # HubSpot's id for the failure, to quote to its support
    assert len(sandbox.requests(path=OWNERS)) == 2  # the read was resent
    assert token["access_token"] not in line


def test_a_refusal_is_logged_at_info(owners_client, caplog):
    client, _ = owners_client
    caplog.set_level(logging.INFO, logger="hubspot_api")

    assert client.owner_for_user(999_999_999) is None  # HubSpot's 404: no owner for this user

    [(level, line)] = call_lines(caplog)
    assert level == logging.INFO and line.startswith(f"HubSpot GET {OWNERS}/999999999 -> 404 in ")


def test_no_answer_is_logged_as_a_warning(settings, caplog):
    from hubspot_sandbox.testing import free_port

    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 0  # one attempt: nothing listens there
    client = HubSpotClient(tokens=StaticToken("never-logged"), base_url=f"http://127.0.0.1:{free_port()}")
    caplog.set_level(logging.INFO, logger="hubspot_api")

    with pytest.raises(HubSpotUnavailable):
        client.list_owners()

    [(level, line)] = call_lines(caplog)
    assert level == logging.WARNING and line.startswith(f"HubSpot GET {OWNERS} -> ConnectionError after ")
    assert "never-logged" not in line
