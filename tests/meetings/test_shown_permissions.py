"""The form page does no needless work per request: its fields rendered once for every fresh form alike, one
database query, no permission queries after the first page of a session."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import views
from meetings.forms import MeetingForm, MeetingFormOptions
from meetings.shown_permissions import MEMO

pytestmark = pytest.mark.django_db
FIELDS = "meetings/partials/form_body.html"
PER_REQUEST = re.compile(r'(name="(?:csrfmiddlewaretoken|idempotency_key)" value=)"[^"]*"')


def fields_rendered(response) -> bool:
    return FIELDS in [template.name for template in response.templates]


def without_tokens(response) -> str:
    """The page without what each request has of its own (CSRF token, idempotency key)."""
    return PER_REQUEST.sub(r'\1""', response.content.decode())


def test_a_fresh_form_renders_its_fields_once_and_then_shows_them_alike(rep_client, sandbox):
    first, second = rep_client.get(reverse("meeting_create")), rep_client.get(reverse("meeting_create"))

    assert fields_rendered(first) and not fields_rendered(second)
    assert without_tokens(first) == without_tokens(second)
    keys = re.findall(r'name="idempotency_key" value="([^"]+)"', first.content.decode() + second.content.decode())
    assert len(set(keys)) == 2  # each form still submits under a key of its own
    assert 'id="id_title"' in second.content.decode() and "Jonas Weiß" in second.content.decode()


def test_a_fresh_form_is_built_only_when_its_fields_are_rendered(rep_client, rep, sandbox, monkeypatch):
    built = []
    monkeypatch.setattr(views, "MeetingForm", lambda *args, **kwargs: built.append(1) or MeetingForm(*args, **kwargs))

    rep_client.get(reverse("meeting_create"))
    assert len(built) == 1
    page = rep_client.get(reverse("meeting_create")).content.decode()
    assert len(built) == 1

    # Its hidden fields, written out without it, are what the form itself renders.
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    form = MeetingForm(initial={"idempotency_key": key, "portal": rep.hubspot.hub_id}, options=MeetingFormOptions())
    assert str(form["idempotency_key"]) in page and str(form["portal"]) in page


def test_the_fields_are_rendered_again_when_what_they_show_changes(rep_client, sandbox):
    rep_client.get(reverse("meeting_create"))

    german = rep_client.get(reverse("meeting_create"), HTTP_ACCEPT_LANGUAGE="de")
    assert fields_rendered(german) and "Titel" in german.content.decode()

    sandbox.fault("/crm/owners/2026-03", count=20, method="GET")
    cache.clear()  # the option caches ran out; HubSpot's owners are unavailable now
    degraded = rep_client.get(reverse("meeting_create"))
    assert fields_rendered(degraded) and "Jonas Weiß" not in degraded.content.decode()


def test_a_form_holding_anything_of_the_reps_is_never_served_from_a_fresh_one(rep_client, sandbox, demo):
    rep_client.get(reverse("meeting_create"))

    typed = rep_client.post(reverse("meeting_create"), {"title": "Quartalsgespräch Müller", "outcome": "SCHEDULED"})
    assert fields_rendered(typed) and 'value="Quartalsgespräch Müller"' in typed.content.decode()

    contact = demo["contacts"][0]
    linked = rep_client.get(reverse("meeting_create"), {"contact": contact["id"]})
    assert fields_rendered(linked) and f'<option value="{contact["id"]}" selected>' in linked.content.decode()


def test_a_warm_form_page_asks_the_database_only_for_the_rep_and_their_connection(rep_client, sandbox):
    rep_client.get(reverse("meeting_create"))

    with CaptureQueriesContext(connection) as queries:
        assert rep_client.get(reverse("meeting_create")).status_code == 200

    assert len(queries) == 2 and "hubspot_login_hubspotconnection" in queries[1]["sql"]


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
