"""HubSpot 2026-09 enforces the portal admin's property rules on API writes: its 400 lands on the field it names.

The sandbox answers as HubSpot's changelog shows ("Property values were not valid: [{…, "name": …}]", no
`errors[]`); the rep sees the admin's message on the form field, in English and in German, and loses nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.conftest import meeting_post

PREFIX = {"en": "HubSpot rejected this: ", "de": "HubSpot hat diesen Wert abgelehnt: "}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_an_admins_required_property_lands_on_its_field(rep_client, sandbox, settings, language):
    settings.HUBSPOT_API_VERSION = "2026-09"
    sandbox.property_rules({"property": "hs_meeting_location", "message": "Location is required for customer visits"})
    post = meeting_post()

    response = rep_client.post(reverse("meeting_create"), post, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["location"] == [PREFIX[language] + "Location is required for customer visits"]
    assert not form.non_field_errors()
    assert PREFIX[language] in response.content.decode()
    assert f'value="{post["title"]}"' in response.content.decode()  # nothing typed is lost
    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED and record.error_category == "VALIDATION_ERROR"


@pytest.mark.django_db
def test_a_conditionally_required_property_lands_on_its_field_only_under_its_condition(rep_client, sandbox, settings):
    settings.HUBSPOT_API_VERSION = "2026-09"
    sandbox.property_rules({"property": "hs_meeting_body", "message": "Describe what was agreed",
                            "when": {"hs_meeting_outcome": "COMPLETED"}})

    completed = rep_client.post(reverse("meeting_create"), meeting_post(outcome="COMPLETED"))
    scheduled = rep_client.post(reverse("meeting_create"), meeting_post())

    assert completed.context["form"].errors["body"] == [PREFIX["en"] + "Describe what was agreed"]
    assert scheduled.status_code == 302


@pytest.mark.django_db
def test_on_2026_03_the_same_rule_is_not_enforced(rep_client, sandbox, settings):
    settings.HUBSPOT_API_VERSION = "2026-03"
    sandbox.property_rules({"property": "hs_meeting_location", "message": "Location is required for customer visits"})

    response = rep_client.post(reverse("meeting_create"), meeting_post())

    assert response.status_code == 302
    assert MeetingRecord.objects.get().status == MeetingRecord.Status.CREATED
