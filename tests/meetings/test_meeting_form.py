"""Every validation rule of the meeting form, without HubSpot."""

from datetime import UTC, timedelta

import pytest
from django.utils import translation

from hubspot_api.types import AssociationLabel, Owner, PropertyOption
from meetings.booking import forms as meeting_forms
from meetings.booking.forms import MeetingForm
from meetings.portal.options import MeetingFormOptions
from tests.clock import BERLIN, form_value, meeting_start, next_clock_change, now
from tests.conftest import meeting_post

START = meeting_start(10)  # a Tuesday, 10:00 Berlin, a month or more ahead
OPTIONS = MeetingFormOptions(
    activity_types=[PropertyOption("Erstgespräch", "Erstgespräch")],
    owners=[Owner("9001", "lena@example.de", "Lena", "Müller", 11), Owner("9002", "jonas@example.de", "Jonas", "", 12)],
    labels={"contacts": [AssociationLabel("USER_DEFINED", 1001, "Entscheider")]},
)


def form_data(**overrides):
    """The shared valid submission: START to an hour later."""
    data = meeting_post(start=form_value(START), end=form_value(START + timedelta(hours=1)),
                        title="Kick-off bei Müller GmbH")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def bind(**overrides):
    form = MeetingForm(form_data(**overrides), options=OPTIONS, owner_id="9001", now=now())
    form.is_valid()
    return form


def test_a_complete_form_is_valid_and_in_utc():
    form = bind(contacts=["101", "102"], attendees=["9002"], activity_type="Erstgespräch", contacts_label="1001")

    assert form.is_valid(), (form.errors, form.reminders.errors)
    data = form.to_input(labels=lambda kind, ids: {i: f"name {i}" for i in ids})
    assert data.start == START.astimezone(UTC) and data.start.tzinfo == UTC
    assert data.end == START.astimezone(UTC) + timedelta(hours=1)
    assert [a.id for a in data.associations] == ["101", "102"]
    assert data.associations[0].extra_types == (("USER_DEFINED", 1001),)
    assert data.associations[0].label == "name 101"
    assert data.attendee_owner_ids == ("9002",)
    assert [(r.number, r.unit) for r in data.reminders] == [(1, "HOURS")]


def test_title_is_required():
    assert "title" in bind(title="").errors


def test_unknown_time_zone_is_rejected():
    form = bind(time_zone="Mars/Olympus")

    assert form.errors["time_zone"] == [str(meeting_forms.UNKNOWN_ZONE)]


def test_a_start_in_the_spring_gap_gets_a_clear_error():
    gap = next_clock_change(BERLIN, forward=True).middle_of_changed_hour()  # 02:30 on the next spring night
    form = bind(start=f"{gap:%Y-%m-%dT%H:%M}", end=f"{gap.replace(hour=4):%Y-%m-%dT%H:%M}",
                **{"reminders-TOTAL_FORMS": "0"})

    assert "does not exist in Europe/Berlin" in form.errors["start"][0]


def test_an_ambiguous_start_is_asked_not_guessed():
    change = next_clock_change(BERLIN, forward=False)
    repeated = change.middle_of_changed_hour()  # 02:30 on the next autumn night, which comes twice
    times = {"start": f"{repeated:%Y-%m-%dT%H:%M}", "end": "", "duration": "30", "reminders-TOTAL_FORMS": "0"}

    asked = bind(**times)

    assert f"{repeated.year}, 2:30 a.m. happens twice in Europe/Berlin" in asked.errors["start"][0]
    assert [label for _, label in asked.fields["start_occurrence"].choices] == [
        "the first, 2:30 a.m. CEST (UTC+02:00)", "the second, 2:30 a.m. CET (UTC+01:00)"]


@pytest.mark.parametrize("occurrence, minutes_before_the_change", [("first", 30), ("second", -30)])
def test_the_chosen_occurrence_and_a_duration_give_real_minutes(occurrence, minutes_before_the_change):
    change = next_clock_change(BERLIN, forward=False)
    repeated = change.middle_of_changed_hour()
    form = bind(start=f"{repeated:%Y-%m-%dT%H:%M}", end=f"{repeated.replace(hour=3):%Y-%m-%dT%H:%M}", duration="30",
                start_occurrence=occurrence, **{"reminders-TOTAL_FORMS": "0"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_utc"] == change.instant - timedelta(minutes=minutes_before_the_change)
    # 30 minutes, however the wall clock reads: the End field (filled in by the page) is not read.
    assert form.cleaned_data["end_utc"] - form.cleaned_data["start_utc"] == timedelta(minutes=30)


def test_end_must_be_after_start():
    form = bind(end=form_value(START - timedelta(hours=1)))

    assert form.errors["end"] == [str(meeting_forms.END_BEFORE_START)]


def test_end_or_duration_is_required():
    form = bind(end="")

    assert form.errors["end"] == [str(meeting_forms.END_OR_DURATION)]


def test_duration_computes_the_end_in_real_minutes():
    form = bind(end="", duration="45")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_utc"] == START.astimezone(UTC) + timedelta(minutes=45)


def test_duplicate_reminders_are_rejected():
    form = bind(**{
        "reminders-TOTAL_FORMS": "2", "reminders-1-number": "60", "reminders-1-unit": "MINUTES",
    })

    assert not form.is_valid()
    assert str(meeting_forms.REMINDER_DUPLICATE) in form.reminders.forms[1].non_field_errors()


def test_a_reminder_in_the_past_is_rejected():
    soon = now() + timedelta(minutes=90)
    form = bind(start=form_value(soon), end=form_value(soon + timedelta(minutes=30)), **{"reminders-0-number": "2"})

    assert not form.is_valid()
    assert "would go out in the past" in form.reminders.forms[0].non_field_errors()[0]


def test_at_most_three_reminders():
    extra = {}
    for i in range(4):
        extra.update({f"reminders-{i}-number": str(i + 1), f"reminders-{i}-unit": "DAYS"})
    form = bind(**{"reminders-TOTAL_FORMS": "4", **extra})

    assert not form.is_valid()
    assert form.reminders.non_form_errors() == ["HubSpot allows at most 3 reminders."]


def test_no_reminders_is_fine():
    assert bind(**{"reminders-TOTAL_FORMS": "0"}).is_valid()


def test_record_ids_must_be_numeric():
    form = bind(contacts=["101", "<script>"])

    assert "contacts" in form.errors


def test_the_rep_is_not_offered_as_attendee():
    form = MeetingForm(options=OPTIONS, owner_id="9001", initial={})

    assert [value for value, _ in form.fields["attendees"].choices] == ["9002"]


def test_attendee_must_be_a_portal_owner():
    assert "attendees" in bind(attendees=["12345"]).errors


def test_location_type_is_one_of_hubspots():
    assert "location_type" in bind(location_type="MOON").errors
    assert bind(location_type="PHONE", location="+49 30 1234567").is_valid()


def test_attachments_are_offered_only_with_the_files_scope():
    assert "attachments" not in MeetingForm(options=OPTIONS, initial={}).fields
    assert "attachments" in MeetingForm(options=MeetingFormOptions(files_allowed=True), initial={}).fields


def test_messages_are_german_for_german_reps():
    with translation.override("de"):
        form = bind(end=form_value(START - timedelta(hours=1)), title="")
        assert form.errors["end"] == ["Das Ende muss nach dem Beginn liegen."]
        assert form.errors["title"] == ["Dieses Feld ist zwingend erforderlich."]


@pytest.mark.parametrize("spelling", ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
def test_other_datetime_spellings_are_accepted(spelling):
    form = bind(start=START.strftime(spelling))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_utc"] == START.astimezone(UTC)
