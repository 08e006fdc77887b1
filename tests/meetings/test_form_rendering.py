"""The meeting form is drawn by django-crispy-forms (Bootstrap 5) from Django's own widgets: each field labelled,
described by its help and its error, its values kept after an error, and each new form under a key of its own."""

import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hubspot_api.types import AssociationLabel, Owner, PropertyOption
from meetings.booking.forms import MeetingForm
from meetings.portal.options import MeetingFormOptions
from tests.clock import BERLIN, next_clock_change, now
from tests.conftest import meeting_post

HOSTILE = '"><script>alert(1)</script>&amp;'
OPTIONS = MeetingFormOptions(
    outcomes=[PropertyOption("SCHEDULED", "Scheduled"), PropertyOption('X"&<', HOSTILE)],
    activity_types=[PropertyOption("Erstgespräch", "Erstgespräch"), PropertyOption(HOSTILE, HOSTILE)],
    owners=[Owner("9002", "jonas@example.de", "Jonas", "Weiß", 12), Owner("9003", "", HOSTILE, "", 13)],
    labels={"contacts": [AssociationLabel("USER_DEFINED", 1001, HOSTILE)]},
    files_allowed=True,
)
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def bound(**overrides) -> MeetingForm:
    form = MeetingForm(meeting_post(**overrides), options=OPTIONS, owner_id="9001", now=now())
    form.is_valid()
    return form


def drawn(form: MeetingForm) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def attribute(html: str, element_id: str, name: str) -> str | None:
    """An attribute of the element with that id (None when it has none)."""
    tag = re.search(rf'<[a-z]+ [^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert tag, element_id
    value = re.search(rf'\b{name}="([^"]*)"', tag[0])
    return value[1] if value else None


def test_the_form_is_laid_out_by_its_crispy_helper_in_sections(rep_client, sandbox):
    response = rep_client.get(reverse("meeting_create"))

    used = [template.name for template in response.templates]
    assert {"bootstrap5/field.html", "meetings/layout/section.html", "meetings/layout/fold.html"} <= set(used)
    page = response.content.decode()
    legends = re.findall(r'<legend class="form-section-legend">([^<]+)</legend>', page)
    assert legends == ["What and when", "Who and what it belongs to", "Email reminders"]
    assert page.index('id="id_title"') < page.index('id="id_time_zone"') < page.index('id="id_contacts"')
    # What few meetings need is folded away, closed on an untouched form: the end and the details.
    folds = re.findall(r'<details class="fold mb-3" id="([a-z-]+)"( open)?>', page)
    assert folds == [("end-fold", ""), ("more-fold", "")]
    more = page[page.index('id="more-fold"'):]
    for name in ("outcome", "location", "body", "internal_notes", "attachments"):
        assert f'id="id_{name}"' in more, name
    assert 'id="id_end"' in page[page.index('id="end-fold"'):page.index('id="more-fold"')]


def test_a_fold_opens_by_itself_for_an_error_or_a_value_the_rep_gave():
    assert re.search(r'id="more-fold" open', drawn(bound(location="Raum 4")))
    assert re.search(r'id="end-fold" open', drawn(bound(duration="", end="")))  # the end is missing
    assert not re.search(r'id="more-fold" open', drawn(bound()))
    untouched = drawn(MeetingForm(options=OPTIONS, now=now()))
    assert not re.search(r'id="(end|more)-fold" open', untouched)
    assert re.search(r'<option value="30" selected>30 minutes</option>', untouched)  # the end follows it


def test_every_control_has_a_label_naming_it_and_what_describes_it_is_on_the_page():
    form = bound(duration="", end="", contacts=["101", "x"])
    html = drawn(form)

    for field in form.visible_fields():
        if field.name.endswith("_occurrence"):
            continue  # asked only for a time that happens twice (below)
        assert f'for="{field.id_for_label}"' in html, field.name
        for described_by in (attribute(html, field.id_for_label, "aria-describedby") or "").split():
            assert f'id="{described_by}"' in html, (field.name, described_by)
    assert attribute(html, "id_end", "aria-invalid") == "true"
    assert attribute(html, "id_end", "aria-describedby") == "id_end_helptext id_end_error"
    assert "Enter an end or choose a duration." in html and 'id="id_end_error"' in html
    assert attribute(html, "id_title", "aria-invalid") is None  # valid fields are not marked
    assert 'class="form-label requiredField"' in html and '<span class="asteriskField">*</span>' in html


def test_the_pickers_keep_what_the_pages_script_reads():
    html = drawn(bound(contacts=["101", "x"]))

    assert re.search(r'<div\s+class="picker"\s+data-kind="contacts">', html)
    assert attribute(html, "id_contacts", "data-picker-url") == reverse("picker_search", args=["contacts"])
    assert attribute(html, "id_contacts", "data-placeholder") == "Type a name or email…"
    assert attribute(html, "id_contacts", "aria-describedby") == "picker-help id_contacts_status id_contacts_error"
    assert 'id="id_contacts_status"' in html and 'id="picker-help"' in html
    assert '<option value="101" selected>#101</option>' in html
    assert re.search(r'<select name="time_zone" data-zone-picker [^>]*id="id_time_zone"', html)
    assert '<option value="Europe/Berlin" selected>Europe/Berlin</option>' in html


def test_the_fields_speak_german_and_escape_what_hubspot_sends():
    with translation.override("de"):
        html = drawn(bound(activity_type=HOSTILE))

    assert "Aktivitätstyp" in html and "Der Einladungstext, den die Teilnehmenden erhalten." in html
    assert '<legend class="form-section-legend">Was und wann</legend>' in html
    assert '<option value="HOURS" selected data-one="Stunde vorher" data-other="Stunden vorher">Stunde vorher' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_which_of_two_times_is_a_group_of_radio_buttons_under_a_legend():
    repeated = next_clock_change(BERLIN, forward=False).middle_of_changed_hour()
    html = drawn(bound(start=f"{repeated:%Y-%m-%dT%H:%M}", end="", duration="30", start_occurrence="second"))

    assert re.search(r'<legend\s+class="form-label fs-6">\s*Which start\?', html)
    assert re.search(r'value="second"[^>]*id="id_start_occurrence_1"[^>]*checked', html)
    assert 'for="id_start_occurrence_1"' in html and "id_end_occurrence" not in html


def test_a_reminder_rows_own_error_marks_and_describes_both_its_controls():
    html = drawn(bound(**{"reminders-TOTAL_FORMS": "2", "reminders-1-number": "60", "reminders-1-unit": "MINUTES"}))

    for control in ("id_reminders-1-number", "id_reminders-1-unit"):
        assert attribute(html, control, "aria-invalid") == "true"
        assert attribute(html, control, "aria-describedby") == "reminders-1-error"
    assert attribute(html, "id_reminders-0-number", "aria-invalid") is None
    assert re.search(r'id="reminders-1-error">\s*<div [^>]*role="alert">This reminder is the same', html)


def test_the_row_that_add_reminder_copies_is_empty_and_in_the_pages_language():
    with translation.override("de"):
        html = drawn(MeetingForm(options=OPTIONS, now=now()))

    copied = re.search(r'<template id="reminder-template">(.*?)</template>', html, re.S)[1]
    assert 'id="id_reminders-__prefix__-number"' in copied and "Erinnern" in copied and "Remind" not in copied


def test_the_template_name_is_described_by_what_a_template_keeps(rep_client, sandbox):
    page = rep_client.get(reverse("meeting_create")).content.decode()

    assert attribute(page, "id_template-name", "aria-describedby") == "id_template-name_helptext"
    assert re.search(r'id="id_template-name_helptext"[^>]*>Keeps the title', page)


def test_each_fresh_form_submits_under_a_key_of_its_own(rep_client, rep, sandbox):
    first = rep_client.get(reverse("meeting_create")).content.decode()
    second = rep_client.get(reverse("meeting_create")).content.decode()

    keys = KEY.findall(first) + KEY.findall(second)
    assert len(keys) == 2 and len(set(keys)) == 2
    assert f'name="portal" value="{rep.hubspot.hub_id}"' in second


def test_a_typed_form_with_an_error_comes_back_as_typed(rep_client, sandbox):
    typed = meeting_post(title="Quartalsgespräch Müller", end="", duration="", location="Raum 4",
                         body="Agenda:\nZahlen", attendees=["71234500102"],
                         **{"reminders-TOTAL_FORMS": "2", "reminders-1-number": "2", "reminders-1-unit": "DAYS"})

    page = rep_client.post(reverse("meeting_create"), typed).content.decode()

    assert 'id="form-errors"' in page and 'id="id_end_error"' in page
    assert attribute(page, "id_title", "value") == "Quartalsgespräch Müller"
    assert attribute(page, "id_location", "value") == "Raum 4"
    assert re.search(r'<textarea [^>]*id="id_body">\s*Agenda:\nZahlen</textarea>', page)
    assert re.search(r'<option value="71234500102" selected>', page)
    assert attribute(page, "id_reminders-1-number", "value") == "2"
    assert '<option value="DAYS" selected data-one="day before" data-other="days before">days before</option>' in page
    assert KEY.search(page)[1] != typed["idempotency_key"]  # the next submit is a new attempt


@pytest.mark.django_db
def test_a_warm_form_page_asks_the_database_for_the_rep_their_rights_templates_and_zones(rep_client, sandbox):
    rep_client.get(reverse("meeting_create"))

    with CaptureQueriesContext(connection) as queries:
        assert rep_client.get(reverse("meeting_create")).status_code == 200

    asked = [query["sql"] for query in queries]
    assert len(asked) == 6
    assert sum("meetings_meetingrecord" in sql for sql in asked) == 1  # the rep's recent zones, for the picker
    assert "hubspot_login_hubspotconnection" in asked[1]
    assert sum("meetings_outcomenotice" in sql for sql in asked) == 1  # the nav's count of meetings needing them
    # The rep's permissions, asked for each page (no remembered answer outlives a revoked right).
    assert sum("auth_permission" in sql for sql in asked) == 1
    assert sum("meetings_meetingtemplate" in sql for sql in asked) == 1


@pytest.mark.django_db
def test_an_untouched_forms_fields_are_drawn_once_and_anything_of_the_reps_every_time(
        rep_client, sandbox, demo, monkeypatch):
    drawings = []  # the forms whose layout crispy drew, kept alive so that no two share an id()
    helper = MeetingForm.helper
    monkeypatch.setattr(MeetingForm, "helper", property(lambda form: drawings.append(form) or helper.fget(form)))

    first = rep_client.get(reverse("meeting_create")).content.decode()
    second = rep_client.get(reverse("meeting_create")).content.decode()
    german = rep_client.get(reverse("meeting_create"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert len({id(form) for form in drawings}) == 2  # English once, German once
    assert second.count('id="id_title"') == 1 and KEY.findall(first) != KEY.findall(second)
    assert 'for="id_title"' in second and '<legend class="form-section-legend">Was und wann</legend>' in german

    linked = rep_client.get(reverse("meeting_create"), {"contact": demo["contacts"][0]["id"]}).content.decode()
    typed = rep_client.post(reverse("meeting_create"), meeting_post(title="", idempotency_key="x")).content.decode()

    assert len({id(form) for form in drawings}) == 4
    assert f'value="{demo["contacts"][0]["id"]}" selected' in linked and "is-invalid" in typed
