"""The meeting form's template controls: the chooser, a template applied to a new form, the typed form saved as one.

Who may see, save and publish which template is `meetings.presets.services`' to decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubspot_api.types import OBJECT_KINDS
from meetings.booking.forms import MeetingForm
from meetings.portal.options import MeetingFormOptions
from meetings.presets.forms import MAY_NOT_PUBLISH, NAME_TAKEN, TEAM_NAME_TAKEN, TemplateSaveForm
from meetings.presets.models import MeetingTemplate
from meetings.presets.services import (
    TEMPLATE_FIELDS,
    TemplateNameTaken,
    can_manage_team_templates,
    meeting_template_chooser,
    meeting_template_get,
    meeting_template_initial,
    meeting_template_save,
)

# The name of the meeting form's second submit button: save what is typed as a template, send nothing.
SAVE_BUTTON = "save_template"
# The chooser's buttons: fill the typed form from a template (value: its id), send nothing.
APPLY_BUTTON = "apply_template"
FILES_NOT_KEPT = gettext_lazy("Browsers cannot keep chosen files: please attach them again.")


def template_form_context(request: HttpRequest, save_form: TemplateSaveForm | None = None) -> dict:
    """What the meeting form's template partial shows: the chooser and the save controls."""
    mine, team = meeting_template_chooser(viewer=request.user, hub_id=request.user.hubspot.hub_id)
    return {
        "my_templates": mine,
        "team_templates": team,
        "template_count": len(mine) + len(team),
        "template_save_form": save_form or TemplateSaveForm(),
        "may_publish": can_manage_team_templates(request.user),
    }


def template_initial(request: HttpRequest, *, options: MeetingFormOptions, owner_id: str) -> dict:
    """A new form's values from `?template=ID`, saying what the portal no longer offers; {} without one."""
    pk = request.GET.get("template")
    if pk is None:
        return {}
    template = _visible_template(request, pk)
    applied = meeting_template_initial(template=template, options=options, owner_id=owner_id)
    for note in applied.dropped:
        messages.warning(request, note)
    return applied.initial


def meeting_template_save_page(request: HttpRequest, *, options: MeetingFormOptions, owner_id: str,
                               labels) -> HttpResponse:
    """Save the typed form as a template and show it again as typed, sending nothing to HubSpot."""
    submitted = MeetingForm(request.POST, request.FILES, options=options, owner_id=owner_id, known_labels=labels)
    save_form = TemplateSaveForm(request.POST)
    if save_form.is_valid():
        name, team = save_form.cleaned_data["name"], save_form.cleaned_data["team"]
        try:
            meeting_template_save(user=request.user, hub_id=request.user.hubspot.hub_id, name=name,
                                  values=template_values_from_form(submitted), team=team)
        except TemplateNameTaken:
            save_form.add_error("name", TEAM_NAME_TAKEN if team else NAME_TAKEN)
        except PermissionDenied:  # the right was taken back since the page showed the box: keep the form
            save_form.add_error(None, MAY_NOT_PUBLISH)
        else:
            messages.success(request, _("Saved as template “%(name)s”. The form is as you left it.") % {"name": name})
            save_form = None
    if request.FILES:
        messages.warning(request, FILES_NOT_KEPT)
    form = MeetingForm(initial=typed_values(submitted), options=options, owner_id=owner_id, known_labels=labels)
    context = {"form": form, "options": options, "kinds": OBJECT_KINDS, **template_form_context(request, save_form)}
    return render(request, "meetings/meeting_form.html", context)


def meeting_template_apply_page(request: HttpRequest, *, options: MeetingFormOptions, owner_id: str,
                                labels) -> HttpResponse:
    """The typed form filled from a template, sending nothing to HubSpot.

    A template fills in only what it holds. What it never holds (start, zone, the records a link from HubSpot
    or the rep chose) stays, and so does a title the rep typed: the template's title is for an empty one.
    """
    submitted = MeetingForm(request.POST, request.FILES, options=options, owner_id=owner_id, known_labels=labels)
    template = _visible_template(request, request.POST.get(APPLY_BUTTON))
    applied = meeting_template_initial(template=template, options=options, owner_id=owner_id)
    for note in applied.dropped:
        messages.warning(request, note)
    values = typed_values(submitted)
    held = {name for name, value in template.values.items() if value not in ("", None)}
    for name, value in applied.initial.items():
        if name in held and not (name == "title" and (values.get("title") or "").strip()):
            values[name] = value
    if "duration" in held:
        values["end"] = ""  # the end follows the template's duration
    messages.success(request, _("Filled in from the template “%(name)s”.") % {"name": template.name})
    if request.FILES:
        messages.warning(request, FILES_NOT_KEPT)
    form = MeetingForm(initial=values, options=options, owner_id=owner_id, known_labels=labels)
    context = {"form": form, "options": options, "template_applied": True, **template_form_context(request)}
    return render(request, "meetings/meeting_form.html", context)


def _visible_template(request: HttpRequest, pk) -> MeetingTemplate:
    try:
        return meeting_template_get(viewer=request.user, hub_id=request.user.hubspot.hub_id, pk=int(pk))
    except (ValueError, MeetingTemplate.DoesNotExist):
        raise Http404 from None


def template_values_from_form(form: MeetingForm) -> dict:
    """The template's values from a submitted meeting form: each field that is valid on its own.

    The rest of the form need not be valid (a template is usually saved before a start is chosen).
    """
    form.is_valid()
    cleaned = form.cleaned_data
    values = {name: cleaned[name] for name in TEMPLATE_FIELDS if name in cleaned and name not in form.errors}
    values["reminders"] = [
        {"number": row.cleaned_data["number"], "unit": row.cleaned_data["unit"]}
        for row in form.reminders.forms if row.is_valid() and row.cleaned_data
    ]
    return values


def typed_values(form: MeetingForm) -> dict:
    """Everything the rep typed, as initial values: the form shown again as it was, without error marks."""
    typed = {name: form[name].data for name in form.fields if name != "attachments"}
    typed["reminders"] = [{"number": row["number"].data, "unit": row["unit"].data} for row in form.reminders.forms]
    return typed
