"""Input no one means, answered with a message, never a 500: dates at the edges of what a date holds, durations and
reminders by the billion, HubSpot names with NUL bytes or right-to-left overrides (issue #25)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from hubspot_api.types import AssociationLabel, BusyMeeting, Owner, PropertyOption, SearchHit
from meetings.booking.forms import OUTSIDE_WINDOW, meeting_window
from meetings.models import MeetingRecord
from meetings.portal.caches import RECORDS_SEEN
from tests.clock import form_value, meeting_start
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db
# Wall-clock times at the edges of what a date holds, in zones that push them past it.
EDGES = [("0001-01-01T00:30", "America/New_York"), ("0001-01-01T00:00", "Pacific/Kiritimati"),
         ("9999-12-31T23:30", "Pacific/Kiritimati"), ("9999-12-31T23:59", "America/Adak")]


def outside_window_message() -> str:
    first, last = meeting_window()
    from django.utils import formats

    return str(OUTSIDE_WINDOW) % {"first": formats.date_format(first), "last": formats.date_format(last)}


@pytest.mark.parametrize(("start", "zone"), EDGES)
def test_the_preview_names_the_window_for_a_start_at_the_edges(rep_client, start, zone):
    answer = rep_client.get(reverse("meeting_preview"), {"start": start, "time_zone": zone, "duration": "120",
                                                         "reminder": ["99:WEEKS"]})

    assert answer.status_code == 200
    assert answer.json() == {"ready": False, "warnings": [outside_window_message()]}


@pytest.mark.parametrize("params", [
    {"duration": "9" * 12}, {"duration": "0" * 10 + "20000000"}, {"duration": "²"},
    {"reminder": ["999999999:WEEKS"]}, {"reminder": ["9" * 5000 + ":MINUTES"]}, {"reminder": ["²:HOURS"]},
    {"reminder": ["1:HOURS"] * 50},
])
def test_the_preview_leaves_out_a_duration_or_reminders_no_form_accepts(rep_client, params):
    start = form_value(meeting_start(10))

    answer = rep_client.get(reverse("meeting_preview"), {"start": start, "time_zone": "Europe/Berlin", **params})

    assert answer.status_code == 200 and answer.json()["ready"]
    assert len(answer.json()["reminders"]) <= 3 and answer.json()["end_value"] == ""


@pytest.mark.parametrize(("start", "zone"), EDGES)
def test_the_conflict_check_refuses_a_start_at_the_edges_with_a_message(rep_client, start, zone):
    answer = rep_client.get(reverse("meeting_conflicts"), {"start": start, "time_zone": zone, "duration": "60"})

    assert answer.status_code == 400
    assert answer.json()["errors"]["start"][0]["message"] == outside_window_message()


@pytest.mark.parametrize("duration", ["9" * 12, "-5", "x"])
def test_the_conflict_check_refuses_a_duration_beyond_a_week(rep_client, duration):
    answer = rep_client.get(reverse("meeting_conflicts"), {"start": form_value(meeting_start(10)),
                                                           "time_zone": "Europe/Berlin", "duration": duration})

    assert answer.status_code == 400 and "duration" in answer.json()["errors"]


@pytest.mark.parametrize(("start", "zone"), EDGES)
def test_the_form_answers_a_start_at_the_edges_with_the_window_and_sends_nothing(rep_client, sandbox, start, zone):
    answer = rep_client.post(reverse("meeting_create"), meeting_post(start=start, end="", duration="120",
                                                                     time_zone=zone))

    assert answer.status_code == 200
    assert answer.context["form"].errors["start"] == [outside_window_message()]
    assert not MeetingRecord.objects.exists()


@pytest.mark.parametrize("overrides", [
    {"reminders-0-number": "9" * 30}, {"reminders-0-number": "99999999999", "reminders-0-unit": "WEEKS"},
    {"reminders-TOTAL_FORMS": "1000000000"}, {"end": "9999-12-31T23:59"}, {"duration": "9" * 12},
])
def test_the_form_answers_huge_numbers_with_a_message(rep_client, sandbox, overrides):
    answer = rep_client.post(reverse("meeting_create"), meeting_post(**overrides))

    assert answer.status_code == 200 and not MeetingRecord.objects.exists()
    form = answer.context["form"]
    assert form.errors or form.reminders.non_form_errors() or any(f.errors for f in form.reminders.forms)


def test_a_contact_whose_name_holds_a_nul_byte_can_be_booked(rep, rep_client, sandbox, demo):
    contact = demo["contacts"][0]
    # What the rep's search answered: HubSpot's JSON with a NUL byte and an escape in the name (PostgreSQL refuses
    # NUL in text and JSON), read at the boundary as every answer is.
    hit = SearchHit.from_api("contacts", {"id": contact["id"], "properties": {
        "firstname": "An\x00na", "lastname": "Schr\x1b[31möder", "email": "anna\x00@example.de"}})
    RECORDS_SEEN.set_many(rep.hubspot, {("contacts", hit.id): hit})

    answer = rep_client.post(reverse("meeting_create"), meeting_post(contacts=[contact["id"]]))

    record = MeetingRecord.objects.get()
    assert answer.status_code == 302 and record.is_created
    assert record.associations[0]["label"] == "Anna Schr[31möder"
    assert "\x00" not in str(record.associations) + record.search_text
    assert all("\x00" not in value for _name, value in hit.facts)


def test_every_name_hubspot_sends_loses_its_control_characters_at_the_boundary():
    owner = Owner.from_api({"id": "1", "email": "jo\x00nas@example.de", "firstName": "Jo\x00nas", "lastName": "W\x07eiß"})
    busy = BusyMeeting.from_api({"id": "9", "properties": {"hs_meeting_title": "Quartals\x00gespräch\nGlobex",
                                                            "hs_meeting_start_time": "1767261600000",
                                                            "hs_meeting_end_time": "1767265200000"}})

    assert (owner.name, owner.email) == ("Jonas Weiß", "jonas@example.de")
    assert busy.title == "Quartalsgespräch Globex"
    assert PropertyOption("X", "Ab\x00ge\x9bsagt").label == "Abgesagt"
    assert AssociationLabel("USER_DEFINED", 7, "Ent\x00scheider").label == "Entscheider"
    assert AssociationLabel("HUBSPOT_DEFINED", 200, None).label is None


class _Isolated(HTMLParser):
    """Collects text that holds a bidirectional control outside any <bdi> element."""

    def __init__(self):
        super().__init__()
        self.open_bdi = 0
        self.loose: list[str] = []

    def handle_starttag(self, tag, attrs):
        # An <option> is drawn on its own line: an override in one reorders nothing beside it.
        self.open_bdi += tag in ("bdi", "option")

    def handle_endtag(self, tag):
        self.open_bdi -= tag in ("bdi", "option")

    def handle_data(self, data):
        if not self.open_bdi and any(char in data for char in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"):
            self.loose.append(data)


def test_a_right_to_left_override_in_a_name_cannot_reorder_its_row_in_all_meetings(
        client, admin_user, make_user, record_factory):
    rep = make_user("rtl@example.de", first_name="Anna", last_name="\u202eredörhcS")
    record_factory(user=rep, title="Angebot \u202eGmbH", hub_domain="\u202eportal.example", associations=[
        {"type": "contacts", "id": "1", "label": "Anna \u202eredörhcS"}, {"type": "companies", "id": "2", "label": "Acme"}])
    client.force_login(admin_user)

    page = client.get(reverse("history_all")).content.decode()
    found = _Isolated()
    found.feed(page)

    assert "redörhcS" in page and found.loose == []


@pytest.fixture
def make_user(django_user_model):
    def make(email: str, **names):
        return django_user_model.objects.create_user(username=email, email=email, **names)

    return make


@pytest.fixture
def admin_user(make_user):
    user = make_user("chefin@example.de", first_name="Petra", last_name="Chefin")
    call_command("grant_meeting_admin", user.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return user


@pytest.fixture
def record_factory():
    from tests.history.conftest import record_factory as history_records

    return history_records.__wrapped__()
