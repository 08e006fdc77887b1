"""The meeting form's widgets written out in Python are exactly what Django's own widget templates write."""

import pytest
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from hubspot_api.types import AssociationLabel, Owner, PropertyOption
from meetings.forms import MeetingForm, MeetingFormOptions
from meetings.templatetags.form_fields import control
from meetings.widget_html import InlineWidgetRenderer
from tests.clock import form_value, meeting_start, now
from tests.conftest import meeting_post

HOSTILE = '"><script>alert(1)</script>&amp;'
OPTIONS = MeetingFormOptions(
    outcomes=[PropertyOption("SCHEDULED", "Scheduled"), PropertyOption('X"&<', HOSTILE)],
    activity_types=[PropertyOption("Erstgespräch", "Erstgespräch"), PropertyOption(HOSTILE, HOSTILE)],
    owners=[Owner("9002", "jonas@example.de", "Jonas", "Weiß", 12), Owner("9003", "", HOSTILE, "", 13)],
    labels={"contacts": [AssociationLabel("USER_DEFINED", 1001, HOSTILE)]},
    files_allowed=True,
)


def forms_in_every_state():
    start = meeting_start(10)
    yield MeetingForm(initial={"idempotency_key": "9b1d6f4e-6a43-4c44-9d3e-2f1e5d7c8b9a", "portal": 1},
                      options=OPTIONS, owner_id="9001", now=now())
    yield MeetingForm({"reminders-TOTAL_FORMS": "0", "reminders-INITIAL_FORMS": "0"}, options=OPTIONS, now=now())
    yield MeetingForm(meeting_post(
        title=HOSTILE, start=form_value(start), duration="30", outcome='X"&<', activity_type=HOSTILE,
        attendees=["9002", "9003"], contacts=["101", "x"], contacts_label="1001", location=HOSTILE,
        body=f"first line\n{HOSTILE}", internal_notes="", include_description_in_reminders="on",
    ), options=OPTIONS, owner_id="9001", now=now())


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_field_renders_as_djangos_templates_render_it(language):
    django_renderer = DjangoTemplates()
    compared = 0
    with translation.override(language):
        for form in forms_in_every_state():
            form.is_valid()
            for field in form:
                inline = field.as_widget(attrs={"class": "form-control"})
                form.renderer = django_renderer
                templated = field.as_widget(attrs={"class": "form-control"})
                form.renderer = MeetingForm.default_renderer
                assert inline == templated, field.name
                assert control(field) != "" and "<script>" not in inline
                compared += 1
    assert compared > 60


def test_a_widget_it_does_not_know_goes_to_djangos_templates():
    form = MeetingForm(options=OPTIONS, now=now())

    assert "django/forms/widgets/clearable_file_input.html" not in InlineWidgetRenderer.WRITERS
    assert 'type="file"' in str(form["attachments"]) and "multiple" in str(form["attachments"])


def test_grouped_choices_render_as_djangos_templates_render_them():
    from django import forms

    select = forms.SelectMultiple(choices=[("Berlin", [("a", "A&B"), ("b", HOSTILE)]), ("c", "C")])
    for value in ([], ["a", "c"]):
        inline = select.render("where", value, {"id": "id_where"}, renderer=MeetingForm.default_renderer)
        assert inline == select.render("where", value, {"id": "id_where"}, renderer=DjangoTemplates())
        assert '<optgroup label="Berlin">' in inline
