"""Each field of the meeting form says what it is, what is wrong with it and how to fill it, to eyes and screen readers."""

from django.utils import translation

from meetings.forms import MeetingForm
from meetings.templatetags.form_fields import empty_reminder_row, form_field
from tests.clock import BERLIN, next_clock_change, now
from tests.conftest import meeting_post
from tests.meetings.test_widget_html import HOSTILE, OPTIONS


def bound(**overrides) -> MeetingForm:
    form = MeetingForm(meeting_post(**overrides), options=OPTIONS, owner_id="9001", now=now())
    form.is_valid()
    return form


def test_a_field_with_an_error_is_invalid_and_described_by_the_error_then_its_help():
    html = form_field(bound(duration="", end="")["end"])

    assert 'class="form-control is-invalid" aria-describedby="id_end_error id_end_helptext" aria-invalid="true"' in html
    assert '<div id="id_end_error" class="invalid-feedback d-block"><p id="error_1_id_end" class="mb-0">' in html
    assert "<strong>Enter an end or choose a duration.</strong>" in html
    assert '<div id="id_end_helptext" class="form-text">With a duration chosen, the end follows from it.</div>' in html


def test_a_required_field_is_marked_and_its_label_names_the_control():
    html = form_field(bound()["title"])

    assert html.startswith('<div id="div_id_title" class="mb-3"><label for="id_title" class="form-label requiredField">'
                           'Title<span class="asteriskField">*</span></label>')
    assert 'aria-invalid' not in html and "required" in html


def test_the_fields_speak_german_and_escape_what_hubspot_sends():
    with translation.override("de"):
        html = form_field(bound(activity_type=HOSTILE)["activity_type"]) + form_field(bound()["body"])

    assert "Aktivitätstyp" in html and "Der Einladungstext, den die Teilnehmenden erhalten." in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_which_of_two_times_is_a_group_of_radio_buttons_under_a_legend():
    repeated = next_clock_change(BERLIN, forward=False).middle_of_changed_hour()
    form = bound(start=f"{repeated:%Y-%m-%dT%H:%M}", end="", duration="30", start_occurrence="second")

    html = form_field(form["start_occurrence"])

    assert html.startswith('<fieldset id="div_id_start_occurrence" class="mb-3"><legend class="form-label fs-6">')
    assert 'value="first" id="id_start_occurrence_0">' in html
    assert 'value="second" id="id_start_occurrence_1" checked><label for="id_start_occurrence_1"' in html


def test_a_checkbox_comes_before_its_label():
    html = form_field(bound(include_description_in_reminders="on")["include_description_in_reminders"])

    assert 'class="mb-3 form-check"><input type="checkbox" name="include_description_in_reminders"' in html
    assert "checked" in html and 'class="form-check-label">Include the description in reminders</label>' in html


def test_the_row_that_add_reminder_copies_is_in_the_pages_language():
    reminders = MeetingForm(options=OPTIONS, now=now()).reminders
    with translation.override("de"):
        german = empty_reminder_row(reminders)
    english = empty_reminder_row(reminders)

    assert 'id="id_reminders-__prefix__-number"' in german and "Erinnern" in german and "Remind" not in german
    assert "Remind" in english and "Stunden vorher" not in english
