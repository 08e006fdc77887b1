"""Meeting templates over HTTP, against the sandbox: saved from the form without losing a thing, filling a new form."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from meetings.models import MeetingRecord, MeetingTemplate
from meetings.presets.forms import MAY_NOT_PUBLISH, NAME_TAKEN
from meetings.presets.services import meeting_template_save
from tests.conftest import connect, demo_user, meeting_post

pytestmark = pytest.mark.django_db
PORTAL = 24681357
JONAS_OWNER = "71234500102"
TYPED = {
    "title": "Produktdemo bei Müller", "duration": "45", "outcome": "COMPLETED", "activity_type": "Produktdemo",
    "location_type": "PHONE", "location": "+49 30 1234567", "body": "Wir zeigen die neue Version.",
    "internal_notes": "Entscheider ist dabei", "attendees": [JONAS_OWNER], "include_description_in_reminders": "on",
    "reminders-TOTAL_FORMS": "2", "reminders-1-number": "2", "reminders-1-unit": "DAYS",
}
SAVED = {
    "title": "Produktdemo bei Müller", "duration": 45, "outcome": "COMPLETED", "activity_type": "Produktdemo",
    "location_type": "PHONE", "location": "+49 30 1234567", "body": "Wir zeigen die neue Version.",
    "attendees": [JONAS_OWNER], "include_description_in_reminders": True,
    "reminders": [{"number": 1, "unit": "HOURS"}, {"number": 2, "unit": "DAYS"}],
}


def save_post(demo, **overrides):
    contact = demo["contacts"][0]["id"]
    return meeting_post(**{**TYPED, "contacts": [contact], "save_template": "1", "template-name": "Demo", **overrides})


@pytest.fixture
def jonas(django_user_model, sandbox, demo):
    """Another rep of the same portal."""
    user = django_user_model.objects.create_user("jonas", "jonas.weiss@example.de")
    connect(sandbox, user, demo_user(demo, "jonas"))
    return user


def own_template(user, name="Vorlage", team=False, **values):
    return meeting_template_save(user=user, hub_id=PORTAL, name=name, values={**SAVED, **values}, team=team)


def make_admin(user):
    call_command("grant_meeting_admin", user.email, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_saving_keeps_everything_typed_and_sends_nothing(rep_client, rep, demo, sandbox):
    post = save_post(demo)

    response = rep_client.post("/meetings/new/", post)

    assert response.status_code == 200
    template = MeetingTemplate.objects.get()
    assert (template.name, template.owner, template.hub_id, template.values) == ("Demo", rep, PORTAL, SAVED)
    assert MeetingRecord.objects.count() == 0
    form = response.context["form"]
    for name in ("title", "start", "end", "time_zone", "body", "internal_notes", "idempotency_key", "location"):
        assert str(form[name].value()) == post[name], name
    assert form["contacts"].value() == post["contacts"] and form["attendees"].value() == [JONAS_OWNER]
    assert [(r["number"].value(), r["unit"].value()) for r in form.reminders] == [("1", "HOURS"), ("2", "DAYS")]
    page = response.content.decode()
    assert 'id="form-errors"' not in page  # shown as typed, without error marks
    assert "Saved as template “Demo”" in page


def test_a_saved_template_fills_a_new_form_exactly(rep_client, demo, sandbox):
    rep_client.post("/meetings/new/", save_post(demo))
    template = MeetingTemplate.objects.get()

    response = rep_client.get(f"/meetings/new/?template={template.pk}")

    form = response.context["form"]
    assert {name: form[name].value() for name in SAVED if name != "reminders"} == {
        name: value for name, value in template.values.items() if name != "reminders"}
    assert [{"number": r["number"].value(), "unit": r["unit"].value()} for r in form.reminders] == SAVED["reminders"]
    # Times, zone and associations are the new meeting's own: empty.
    assert form["start"].value() is None and form["end"].value() is None and not form["time_zone"].value()
    assert not any(form[kind].value() for kind in ("contacts", "companies", "deals", "tickets"))
    page = response.content.decode()
    assert 'value="Produktdemo bei Müller"' in page
    assert re.search(r'<option value="PHONE" selected>', page)
    assert re.search(rf'<option value="{JONAS_OWNER}" selected>', page)
    assert re.search(r'<option value="45" selected>', page)


def test_the_form_offers_own_and_team_templates_grouped(rep_client, rep, jonas):
    own_template(rep, "Meine Vorlage")
    own_template(jonas, "Fremde Vorlage")
    MeetingTemplate.objects.create(name="Team-Vorlage", owner=None, hub_id=PORTAL, values=SAVED)

    page = rep_client.get("/meetings/new/").content.decode()

    mine, team = page.index('id="my-templates-heading"'), page.index('id="team-templates-heading"')
    assert mine < page.index("Meine Vorlage") < team < page.index("Team-Vorlage")
    assert "Fremde Vorlage" not in page


def test_another_reps_template_is_not_found(rep_client, jonas):
    theirs = own_template(jonas)

    assert rep_client.get(f"/meetings/new/?template={theirs.pk}").status_code == 404
    assert rep_client.get("/meetings/new/?template=abc").status_code == 404
    assert rep_client.post(f"/meetings/templates/{theirs.pk}/rename/", {"name": "Meins"}).status_code == 404
    assert rep_client.get(f"/meetings/templates/{theirs.pk}/delete/").status_code == 404
    assert rep_client.post(f"/meetings/templates/{theirs.pk}/delete/").status_code == 404
    assert MeetingTemplate.objects.get(pk=theirs.pk).name == "Vorlage"


def test_a_rep_cannot_publish_or_change_a_team_template(rep_client, demo, sandbox):
    # A rep whose right was taken back while the page still showed the box: nothing published, the form kept.
    refused = rep_client.post("/meetings/new/", save_post(demo, **{"template-team": "on"}))
    assert refused.status_code == 200
    assert str(MAY_NOT_PUBLISH) in refused.content.decode()
    assert 'value="Produktdemo bei Müller"' in refused.content.decode()
    assert not MeetingTemplate.objects.exists()

    team = MeetingTemplate.objects.create(name="Team", owner=None, hub_id=PORTAL, values=SAVED)
    assert rep_client.post(f"/meetings/templates/{team.pk}/rename/", {"name": "Meins"}).status_code == 403
    assert rep_client.get(f"/meetings/templates/{team.pk}/delete/").status_code == 403
    assert rep_client.post(f"/meetings/templates/{team.pk}/delete/").status_code == 403
    assert MeetingTemplate.objects.get(pk=team.pk).name == "Team"
    page = rep_client.get("/meetings/templates/").content.decode()
    assert "Only admins can change team templates." in page
    assert f"/meetings/templates/{team.pk}/rename/" not in page


def test_an_admin_publishes_a_team_template_every_rep_of_the_portal_gets(rep_client, rep, demo, sandbox, jonas):
    make_admin(rep)

    rep_client.post("/meetings/new/", save_post(demo, **{"template-team": "on"}))

    team = MeetingTemplate.objects.get()
    assert team.is_team and team.values == SAVED
    other_rep = Client()
    other_rep.force_login(jonas)
    assert "Demo" in other_rep.get("/meetings/templates/").content.decode()
    assert other_rep.post(f"/meetings/templates/{team.pk}/rename/", {"name": "Meins"}).status_code == 403
    assert rep_client.post(f"/meetings/templates/{team.pk}/rename/", {"name": "Team-Demo"}).status_code == 302
    assert MeetingTemplate.objects.get().name == "Team-Demo"


def test_a_name_already_taken_keeps_the_form_and_says_so(rep_client, rep, demo, sandbox):
    own_template(rep, "demo")

    response = rep_client.post("/meetings/new/", save_post(demo))

    assert MeetingTemplate.objects.count() == 1
    assert response.context["template_save_form"].errors["name"] == [str(NAME_TAKEN)]
    assert response.context["form"]["title"].value() == TYPED["title"]


def test_a_template_without_a_name_is_not_saved(rep_client, demo, sandbox):
    response = rep_client.post("/meetings/new/", save_post(demo, **{"template-name": "  "}))

    assert not MeetingTemplate.objects.exists()
    assert "template_save_form" in response.context and response.context["template_save_form"].errors["name"]
    assert response.context["form"]["title"].value() == TYPED["title"]


def test_choices_the_portal_no_longer_offers_are_dropped_with_a_message(rep_client, rep, sandbox):
    template = own_template(rep, attendees=[JONAS_OWNER, "71234500999"], activity_type="Gibt es nicht")

    response = rep_client.get(f"/meetings/new/?template={template.pk}")

    assert response.status_code == 200
    form = response.context["form"]
    assert form["attendees"].value() == [JONAS_OWNER] and form["activity_type"].value() == ""
    page = response.content.decode()
    assert "no longer HubSpot owners in this portal" in page and "activity type is no longer offered" in page


def test_the_list_renames_and_deletes_own_templates(rep_client, rep):
    template = own_template(rep, "Alt")
    own_template(rep, "Belegt")

    taken = rep_client.post(f"/meetings/templates/{template.pk}/rename/", {"name": "BELEGT"})
    assert taken.status_code == 400 and str(NAME_TAKEN) in taken.content.decode()
    renamed = rep_client.post(f"/meetings/templates/{template.pk}/rename/", {"name": "Neu"}, follow=True)
    assert "Template renamed to “Neu”" in renamed.content.decode()
    assert MeetingTemplate.objects.get(pk=template.pk).name == "Neu"

    confirm = rep_client.get(f"/meetings/templates/{template.pk}/delete/")
    assert "Delete the template “Neu”?" in confirm.content.decode()
    assert MeetingTemplate.objects.filter(pk=template.pk).exists()  # asking deletes nothing
    rep_client.post(f"/meetings/templates/{template.pk}/delete/")
    assert list(MeetingTemplate.objects.values_list("name", flat=True)) == ["Belegt"]


def test_the_list_is_in_german_for_a_german_rep(rep_client, rep):
    own_template(rep, "Vorlage")

    page = rep_client.get("/meetings/templates/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<h1 class=\"h3 mb-0\">Meeting-Vorlagen</h1>" in page and "Umbenennen" in page


def chooser(client) -> str:
    page = client.get("/meetings/new/").content.decode()
    return page[page.index('id="template-chooser"'):page.index("</details>")]


def test_the_chooser_shows_a_template_changed_anywhere_at_once(rep_client, rep, jonas,
                                                                django_capture_on_commit_callbacks):
    assert "Teamvorlage" not in chooser(rep_client)  # the chooser's lists are remembered from here on
    make_admin(jonas)

    with django_capture_on_commit_callbacks(execute=True):
        team = own_template(jonas, name="Teamvorlage", team=True)
    assert "Teamvorlage" in chooser(rep_client)

    with django_capture_on_commit_callbacks(execute=True):  # changed in the admin, not through the service
        team.name = "Erstgespräch"
        team.save()
        MeetingTemplate.objects.create(name="Meine", owner=rep, hub_id=PORTAL, values=SAVED)
    assert "Erstgespräch" in chooser(rep_client) and "Teamvorlage" not in chooser(rep_client)
    assert "Meine" in chooser(rep_client)

    with django_capture_on_commit_callbacks(execute=True):
        team.delete()
    assert "Erstgespräch" not in chooser(rep_client) and "Meine" in chooser(rep_client)
