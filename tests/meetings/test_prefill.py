"""A form opened from a link in HubSpot (`/meetings/new/?contact=…&deal=…`) starts with those records chosen.

Ids are read from the rep's own HubSpot (the sandbox, over HTTP); what it does not show them is named
and left out, never a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.conftest import connect, demo_user
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db
BATCH_READ = f"/crm/objects/{API_VERSION}/{{kind}}/batch/read"


def chosen(content: str, record_id: str, label: str) -> bool:
    return f'<option value="{record_id}" selected>{label}</option>' in content


def test_a_link_with_a_contact_and_a_deal_opens_the_form_with_both_chosen(rep_client, sandbox, demo):
    contact, deal = demo["contacts"][0], demo["deals"][0]

    response = rep_client.get(reverse("meeting_create"), {"contact": contact["id"], "deal": deal["id"]})

    content = response.content.decode()
    assert response.status_code == 200
    assert chosen(content, contact["id"], f'{contact["firstname"]} {contact["lastname"]}')
    assert chosen(content, deal["id"], deal["dealname"])
    assert "Left out" not in content
    # One read by id per kind, no search: a record made a moment ago in HubSpot is found too.
    paths = [r["path"] for r in sandbox.requests() if "/crm/objects/" in r["path"]]
    assert sorted(paths) == sorted([BATCH_READ.format(kind="contacts"), BATCH_READ.format(kind="deals")])


def test_the_chosen_records_are_sent_with_the_meeting(rep_client, sandbox, demo):
    contact = demo["contacts"][1]
    rep_client.get(reverse("meeting_create"), {"contact": contact["id"]})
    rep_client.post(reverse("meeting_create"), meeting_post(contacts=[contact["id"]]))

    # The name read for the link is what the audit record keeps: no second lookup.
    assert MeetingRecord.objects.get().associations == [
        {"type": "contacts", "id": contact["id"], "label": f'{contact["firstname"]} {contact["lastname"]}'}]


def test_unknown_and_malformed_ids_are_dropped_with_a_message(rep_client, sandbox, demo):
    contact = demo["contacts"][0]

    response = rep_client.get(reverse("meeting_create") + f"?contact={contact['id']}&contact=99999999"
                              "&company=abc&ticket=%3Cscript%3E")

    content = response.content.decode()
    assert response.status_code == 200
    assert chosen(content, contact["id"], f'{contact["firstname"]} {contact["lastname"]}')
    assert "Left out because your HubSpot does not show them to you: contact 99999999, company abc, " \
           "ticket &lt;script&gt;." in content
    assert 'value="99999999"' not in content


def test_records_of_a_kind_the_rep_has_no_scope_for_are_dropped(client, sandbox, demo, django_user_model):
    deal = demo["deals"][0]
    user = django_user_model.objects.create_user("ohne-deals", "ohne@example.de")
    connect(sandbox, user, demo_user(demo, "lena"), scopes=[
        "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.owners.read"])
    client.force_login(user)

    response = client.get(reverse("meeting_create"), {"deal": deal["id"]})

    assert response.status_code == 200
    assert f"Left out because your HubSpot does not show them to you: deal {deal['id']}." in response.content.decode()


def test_hubspot_down_leaves_the_records_out_and_says_so(rep_client, sandbox, demo):
    contact = demo["contacts"][0]
    rep_client.get(reverse("meeting_create"))  # the option sets are cached; only the lookup meets the fault
    sandbox.fault(BATCH_READ.format(kind="contacts"), count=10, status=503)

    response = rep_client.get(reverse("meeting_create"), {"contact": contact["id"]})

    content = response.content.decode()
    assert response.status_code == 200
    assert f"could not be asked about these linked records just now, so they were left out: contact {contact['id']}" \
        in content


def test_the_link_speaks_german(rep_client, sandbox, demo):
    response = rep_client.get(reverse("meeting_create"), {"contact": "99999999"}, HTTP_ACCEPT_LANGUAGE="de")
    assert "Kontakt 99999999" in response.content.decode()
