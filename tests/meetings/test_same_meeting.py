"""The same meeting twice asks first: same rep, title and start in the last day, whatever the pickers kept.

Back and Create again (the browser restored the text, not the picker's contact), and two tabs submitting
at the same moment, each end with one meeting in HubSpot and a question on the page.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse

from meetings.booking.services import SameMeetingBooked, meeting_create
from meetings.core.payload import Association, MeetingInput
from meetings.models import MeetingRecord
from tests.clock import form_value, meeting_start
from tests.conftest import meeting_post

TRIES = 20


def post_for(title: str, **overrides) -> dict:
    start = meeting_start(10)
    return meeting_post(title=title, start=form_value(start), end=form_value(start + timedelta(hours=1)), **overrides)


@pytest.mark.django_db
def test_back_and_create_again_without_the_pickers_contact_asks_and_names_what_differs(rep_client, sandbox, demo):
    contact = demo["contacts"][0]
    rep_client.get(reverse("picker_search", args=["contacts"]), {"q": contact["lastname"]})  # the rep picks her
    rep_client.post(reverse("meeting_create"), post_for("Produktdemo", contacts=[contact["id"]]))

    asked = rep_client.post(reverse("meeting_create"), post_for("Produktdemo"))  # Back: the contact is gone

    content = asked.content.decode()
    assert asked.status_code == 200 and "You booked this meeting already" in content
    assert f"This time without: {contact['firstname']} {contact['lastname']}" in content
    assert MeetingRecord.objects.count() == 1 and sum(len(m) for m in sandbox.meetings().values()) == 1


@pytest.mark.django_db
def test_another_title_or_start_is_another_meeting(rep_client, sandbox):
    rep_client.post(reverse("meeting_create"), post_for("Produktdemo"))
    later = meeting_start(14)

    rep_client.post(reverse("meeting_create"), post_for("Produktdemo Teil 2"))
    rep_client.post(reverse("meeting_create"), meeting_post(
        title="Produktdemo", start=form_value(later), end=form_value(later + timedelta(hours=1))))

    assert MeetingRecord.objects.count() == 3


def submit_in_two_tabs(rep, title: str, contact: str) -> list[object]:
    """Two submits of one meeting (different keys, different pickers) released at the same moment."""
    start = meeting_start(10)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def tab(associations) -> None:
        data = MeetingInput(title=title, start=start, end=start + timedelta(hours=1), time_zone="Europe/Berlin",
                            associations=associations)
        try:
            barrier.wait()
            outcomes.append(meeting_create(user=rep, data=data, idempotency_key=uuid.uuid4()).record.status)
        except SameMeetingBooked as asked:
            outcomes.append(asked)
        except BaseException as error:  # noqa: BLE001 - the test reports it
            outcomes.append(error)
        finally:
            connections.close_all()

    tabs = [threading.Thread(target=tab, args=(associations,))
            for associations in ((), (Association("contacts", contact, "Kontakt"),))]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_tabs_at_the_same_moment_make_one_meeting(rep, sandbox, demo):
    contact = demo["contacts"][0]["id"]
    for attempt in range(TRIES):
        outcomes = submit_in_two_tabs(rep, f"Zwei Tabs {attempt}", contact)

        kinds = sorted("asked" if isinstance(outcome, SameMeetingBooked) else str(outcome) for outcome in outcomes)
        assert kinds == ["asked", "created"], outcomes
        assert MeetingRecord.objects.filter(title=f"Zwei Tabs {attempt}").count() == 1
    assert sum(len(m) for m in sandbox.meetings().values()) == TRIES
