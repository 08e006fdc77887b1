"""Whether the admin links show is asked once per session and remembered a while; the permission itself always."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.shown_permissions import MEMO

pytestmark = pytest.mark.django_db


def permission_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return sum("auth_permission" in query["sql"] for query in queries), page


def test_the_permissions_are_asked_once_per_session_not_on_every_page(rep_client, sandbox):
    first, _ = permission_queries(rep_client, reverse("meeting_create"))
    second, page = permission_queries(rep_client, reverse("meeting_create"))

    assert first == 1 and second == 0  # the user's own permissions and their groups', in one query, once
    assert "Set-Cookie" not in rep_client.get(reverse("meeting_create"))  # the session is not written for it
    assert reverse("history_all") not in page and 'id="id_title"' in page


def test_a_granted_admin_gets_the_link_once_the_remembered_answer_is_due(rep_client, rep, sandbox):
    rep_client.get(reverse("home"))
    call_command("grant_meeting_admin", rep.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert reverse("history_all") not in rep_client.get(reverse("home")).content.decode()  # remembered

    key = (rep_client.session.session_key, rep.pk, "all_meetings")
    MEMO[key] = (0.0, MEMO[key][1])  # the five minutes are up

    assert reverse("history_all") in rep_client.get(reverse("home")).content.decode()


def test_a_revoked_admin_is_refused_at_once_though_the_link_still_shows(rep_client, rep, sandbox):
    call_command("grant_meeting_admin", rep.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert reverse("history_all") in rep_client.get(reverse("home")).content.decode()
    call_command("grant_meeting_admin", rep.email, "--revoke", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert reverse("history_all") in rep_client.get(reverse("home")).content.decode()
    assert rep_client.get(reverse("history_all")).status_code == 403
