"""Meeting templates: who sees, saves, renames and deletes which, and how one fills a new form.

The one place for the rules: a rep sees their own templates of the portal they are signed in to,
plus that portal's team templates; only admins (`can_manage_team_templates`) publish, rename or
delete team templates; another rep's template does not exist for anyone else (a 404, not a 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meetings.portal.options import MeetingFormOptions
from meetings.presets.models import MeetingTemplate

TEAM_PERMISSION = "meetings.manage_team_meeting_templates"
# What a template carries. Never times, the time zone, associations, attachments or an idempotency key:
# a template starts a new meeting, it does not repeat one.
TEXT_FIELDS = ("title", "outcome", "activity_type", "location_type", "location", "body")
TEMPLATE_FIELDS = (*TEXT_FIELDS, "duration", "attendees", "reminders", "include_description_in_reminders")


class TemplateNameTaken(Exception):
    """Another template of the same owner (or the team) in this portal has this name, in any letter case."""


def can_manage_team_templates(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(TEAM_PERMISSION))


def meeting_template_list(*, viewer, hub_id: int) -> QuerySet[MeetingTemplate]:
    """The viewer's own templates of the portal and the portal's team templates, by name."""
    return MeetingTemplate.objects.filter(Q(owner=viewer) | Q(owner__isnull=True), hub_id=hub_id)


@dataclass(frozen=True)
class TemplateLink:
    """A template as the form's chooser links to it."""

    pk: int
    name: str


def meeting_template_chooser(*, viewer, hub_id: int) -> tuple[list[TemplateLink], list[TemplateLink]]:
    """The viewer's own templates of the portal and its team templates, each by name, as the chooser lists them."""
    own, team = [], []
    for pk, name, owner_id in meeting_template_list(viewer=viewer, hub_id=hub_id).values_list("pk", "name", "owner"):
        (team if owner_id is None else own).append(TemplateLink(pk, name))
    return own, team


def meeting_template_get(*, viewer, hub_id: int, pk) -> MeetingTemplate:
    """One template the viewer may use (raises MeetingTemplate.DoesNotExist otherwise)."""
    return meeting_template_list(viewer=viewer, hub_id=hub_id).get(pk=pk)


def template_values(values: dict) -> dict:
    """Only what a template may carry, in the types the form expects."""
    kept = {name: str(values.get(name) or "") for name in TEXT_FIELDS}
    duration = values.get("duration")
    kept["duration"] = int(duration) if str(duration or "").isdigit() else None
    kept["attendees"] = [str(owner_id) for owner_id in values.get("attendees") or ()]
    kept["reminders"] = [
        {"number": int(r["number"]), "unit": str(r["unit"])} for r in values.get("reminders") or ()
    ]
    kept["include_description_in_reminders"] = bool(values.get("include_description_in_reminders"))
    return kept


def meeting_template_save(*, user, hub_id: int, name: str, values: dict, team: bool = False) -> MeetingTemplate:
    """A new template of the user (or, for admins, of the team) in the portal."""
    if team and not can_manage_team_templates(user):
        raise PermissionDenied
    owner = None if team else user
    _check_name_free(name=name, owner=owner, hub_id=hub_id)
    try:
        with transaction.atomic():
            return MeetingTemplate.objects.create(name=name, owner=owner, hub_id=hub_id,
                                                  values=template_values(values))
    except IntegrityError:  # the same name saved at the same moment in another tab
        raise TemplateNameTaken from None


def meeting_template_editable(*, user, hub_id: int, pk) -> MeetingTemplate:
    """A template the user may rename or delete: DoesNotExist if they cannot see it, PermissionDenied if
    they see it but may not change it (a team template, to a rep)."""
    template = meeting_template_get(viewer=user, hub_id=hub_id, pk=pk)
    if template.is_team and not can_manage_team_templates(user):
        raise PermissionDenied
    return template


def meeting_template_rename(*, user, hub_id: int, pk, name: str) -> MeetingTemplate:
    template = meeting_template_editable(user=user, hub_id=hub_id, pk=pk)
    _check_name_free(name=name, owner=template.owner, hub_id=hub_id, other_than=template.pk)
    template.name = name
    try:
        with transaction.atomic():
            template.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise TemplateNameTaken from None
    return template


def meeting_template_delete(*, user, hub_id: int, pk) -> MeetingTemplate:
    template = meeting_template_editable(user=user, hub_id=hub_id, pk=pk)
    template.delete()
    return template


def _check_name_free(*, name: str, owner, hub_id: int, other_than=None) -> None:
    same = MeetingTemplate.objects.filter(name_key=name.casefold(), owner=owner, hub_id=hub_id).exclude(pk=other_than)
    if same.exists():
        raise TemplateNameTaken


@dataclass
class AppliedTemplate:
    """A template's values as a new form's initial values, and what could not be kept (for the rep)."""

    initial: dict
    dropped: list[str] = field(default_factory=list)


def meeting_template_initial(*, template: MeetingTemplate, options: MeetingFormOptions,
                             owner_id: str) -> AppliedTemplate:
    """The template's values for a new form, without choices the portal no longer offers."""
    values = template_values(template.values)
    applied = AppliedTemplate(initial=values)
    offered_owners = {owner.id for owner in options.owners}
    # The rep is the organiser: listed as an attendee (in a team template) they are dropped without a word.
    wanted = [owner for owner in values["attendees"] if owner != owner_id]
    values["attendees"] = [owner for owner in wanted if owner in offered_owners]
    if len(values["attendees"]) < len(wanted):
        applied.dropped.append(_("Some attendees of the template are no longer HubSpot owners in this portal "
                                 "and were left out."))
    if values["outcome"] and values["outcome"] not in {option.value for option in options.outcomes}:
        values["outcome"] = ""
        applied.dropped.append(_("The template's outcome is no longer offered and was left out."))
    if values["activity_type"] and values["activity_type"] not in {o.value for o in options.activity_types}:
        values["activity_type"] = ""
        applied.dropped.append(_("The template's activity type is no longer offered and was left out."))
    return applied
