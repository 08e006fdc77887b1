"""The rules of meeting templates: who sees, saves, renames and deletes which, and what a template keeps."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hubspot_api.types import Owner, PropertyOption
from meetings.models import MeetingTemplate
from meetings.portal.options import MeetingFormOptions
from meetings.presets.services import (
    TEMPLATE_FIELDS,
    TemplateNameTaken,
    meeting_template_delete,
    meeting_template_get,
    meeting_template_initial,
    meeting_template_list,
    meeting_template_rename,
    meeting_template_save,
)

pytestmark = pytest.mark.django_db
PORTAL, OTHER_PORTAL = 24681357, 13572468
VALUES = {
    "title": "Erstgespräch mit", "duration": 45, "outcome": "SCHEDULED", "activity_type": "Erstgespräch",
    "location_type": "PHONE", "location": "+49 30 1234567", "body": "Agenda folgt.",
    "attendees": ["71234500102"], "reminders": [{"number": 2, "unit": "DAYS"}],
    "include_description_in_reminders": True,
}


@pytest.fixture
def lena(django_user_model):
    return django_user_model.objects.create_user("lena", "lena@example.de")


@pytest.fixture
def jonas(django_user_model):
    return django_user_model.objects.create_user("jonas", "jonas@example.de")


@pytest.fixture
def chefin(django_user_model):
    user = django_user_model.objects.create_user("chefin", "chefin@example.de")
    call_command("grant_meeting_admin", user.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return django_user_model.objects.get(pk=user.pk)  # without the cached permissions of before


def save(user, name="Erstgespräch", hub_id=PORTAL, team=False, values=VALUES):
    return meeting_template_save(user=user, hub_id=hub_id, name=name, values=values, team=team)


def names(user, hub_id=PORTAL):
    return [t.name for t in meeting_template_list(viewer=user, hub_id=hub_id)]


def test_saved_values_are_only_the_allowed_fields(lena):
    leaking = {**VALUES, "start": "10:00", "end": "11:00", "time_zone": "Europe/Berlin", "contacts": ["101"],
               "companies": ["202"], "attachments": ["f"], "idempotency_key": "k", "internal_notes": "geheim"}

    template = save(lena, values=leaking)

    assert set(VALUES) == set(TEMPLATE_FIELDS)  # VALUES holds every field a template keeps
    assert MeetingTemplate.objects.get(pk=template.pk).values == VALUES


def test_a_rep_sees_own_and_team_templates_of_the_current_portal_only(lena, jonas, chefin):
    save(lena, "Lenas Vorlage")
    save(lena, "Lenas anderes Portal", hub_id=OTHER_PORTAL)
    save(jonas, "Jonas' Vorlage")
    save(chefin, "Team-Vorlage", team=True)
    save(chefin, "Team anderes Portal", hub_id=OTHER_PORTAL, team=True)

    assert names(lena) == ["Lenas Vorlage", "Team-Vorlage"]
    assert names(lena, OTHER_PORTAL) == ["Lenas anderes Portal", "Team anderes Portal"]
    assert names(jonas) == ["Jonas' Vorlage", "Team-Vorlage"]


def test_another_reps_template_does_not_exist_for_a_rep(lena, jonas):
    theirs = save(jonas, "Jonas' Vorlage")

    with pytest.raises(MeetingTemplate.DoesNotExist):
        meeting_template_get(viewer=lena, hub_id=PORTAL, pk=theirs.pk)
    with pytest.raises(MeetingTemplate.DoesNotExist):
        meeting_template_rename(user=lena, hub_id=PORTAL, pk=theirs.pk, name="Meins")
    with pytest.raises(MeetingTemplate.DoesNotExist):
        meeting_template_delete(user=lena, hub_id=PORTAL, pk=theirs.pk)
    assert MeetingTemplate.objects.get(pk=theirs.pk).name == "Jonas' Vorlage"


def test_a_template_of_another_portal_does_not_exist_in_this_one(lena):
    elsewhere = save(lena, hub_id=OTHER_PORTAL)

    with pytest.raises(MeetingTemplate.DoesNotExist):
        meeting_template_get(viewer=lena, hub_id=PORTAL, pk=elsewhere.pk)


def test_only_admins_publish_rename_and_delete_team_templates(lena, chefin):
    with pytest.raises(PermissionDenied):
        save(lena, "Team?", team=True)
    team = save(chefin, "Team-Vorlage", team=True)

    with pytest.raises(PermissionDenied):
        meeting_template_rename(user=lena, hub_id=PORTAL, pk=team.pk, name="Umbenannt")
    with pytest.raises(PermissionDenied):
        meeting_template_delete(user=lena, hub_id=PORTAL, pk=team.pk)
    assert MeetingTemplate.objects.filter(owner__isnull=True).count() == 1

    meeting_template_rename(user=chefin, hub_id=PORTAL, pk=team.pk, name="Umbenannt")
    assert names(lena) == ["Umbenannt"]
    meeting_template_delete(user=chefin, hub_id=PORTAL, pk=team.pk)
    assert names(lena) == []


def test_the_permission_alone_makes_a_team_publisher(django_user_model):
    publisher = django_user_model.objects.create_user("pub", "pub@example.de")
    publisher.user_permissions.add(Permission.objects.get(codename="manage_team_meeting_templates"))
    publisher = django_user_model.objects.get(pk=publisher.pk)

    assert save(publisher, "Team", team=True).is_team


def test_a_rep_renames_and_deletes_their_own(lena):
    template = save(lena, "Alt")

    meeting_template_rename(user=lena, hub_id=PORTAL, pk=template.pk, name="Neu")
    assert names(lena) == ["Neu"]
    meeting_template_delete(user=lena, hub_id=PORTAL, pk=template.pk)
    assert names(lena) == []


def test_names_are_unique_per_owner_and_portal_in_any_letter_case(lena, jonas, chefin):
    save(lena, "Erstgespräch")
    with pytest.raises(TemplateNameTaken):
        save(lena, "ERSTGESPRÄCH")
    other = save(lena, "Zweites")
    with pytest.raises(TemplateNameTaken):
        meeting_template_rename(user=lena, hub_id=PORTAL, pk=other.pk, name="erstgespräch")

    # The same name is free for another rep, in another portal, and for the team.
    save(jonas, "Erstgespräch")
    save(lena, "Erstgespräch", hub_id=OTHER_PORTAL)
    save(chefin, "Erstgespräch", team=True)
    with pytest.raises(TemplateNameTaken):
        save(chefin, "erstgespräch", team=True)


def test_renaming_to_its_own_name_in_another_case_is_allowed(lena):
    template = save(lena, "kick-off")

    assert meeting_template_rename(user=lena, hub_id=PORTAL, pk=template.pk, name="Kick-off").name == "Kick-off"


OPTIONS = MeetingFormOptions(
    activity_types=[PropertyOption("Erstgespräch", "Erstgespräch")],
    owners=[Owner("71234500101", "lena@example.de", "Lena", "Müller", 1),
            Owner("71234500102", "jonas@example.de", "Jonas", "Weiß", 2)],
)


def test_applied_as_saved_when_every_choice_is_still_offered(lena):
    applied = meeting_template_initial(template=save(lena), options=OPTIONS, owner_id="71234500101")

    assert applied.initial == VALUES and applied.dropped == []


def test_choices_no_longer_offered_are_dropped_and_said(lena):
    template = save(lena, values={**VALUES, "attendees": ["71234500102", "99999"], "outcome": "GONE",
                                  "activity_type": "Altes Format"})

    applied = meeting_template_initial(template=template, options=OPTIONS, owner_id="71234500101")

    assert applied.initial["attendees"] == ["71234500102"]
    assert applied.initial["outcome"] == "" and applied.initial["activity_type"] == ""
    assert len(applied.dropped) == 3


def test_the_rep_as_attendee_of_a_team_template_is_left_out_quietly(lena, chefin):
    template = save(chefin, team=True, values={**VALUES, "attendees": ["71234500101", "71234500102"]})

    applied = meeting_template_initial(template=template, options=OPTIONS, owner_id="71234500101")

    assert applied.initial["attendees"] == ["71234500102"] and applied.dropped == []
