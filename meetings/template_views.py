"""Meeting templates: saved from the meeting form, offered by it, listed, renamed and deleted.

Thin like `meetings.views`: the rules live in `meetings.presets.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubspot_api.types import OBJECT_KINDS
from meetings.forms import MeetingForm, MeetingFormOptions
from meetings.models import MeetingTemplate
from meetings.presets.services import (
    TemplateNameTaken,
    can_manage_team_templates,
    meeting_template_chooser,
    meeting_template_delete,
    meeting_template_editable,
    meeting_template_get,
    meeting_template_initial,
    meeting_template_list,
    meeting_template_rename,
    meeting_template_save,
)
from meetings.shown_permissions import shown_to
from meetings.template_forms import (
    NAME_TAKEN,
    TEAM_NAME_TAKEN,
    TemplateRenameForm,
    TemplateSaveForm,
    template_values_from_form,
    typed_values,
)

# The name of the meeting form's second submit button: save what is typed as a template, send nothing.
SAVE_BUTTON = "save_template"


def template_form_context(request: HttpRequest, save_form: TemplateSaveForm | None = None) -> dict:
    """What the meeting form's template partial shows: the chooser and the save controls."""
    mine, team = meeting_template_chooser(viewer=request.user, hub_id=request.user.hubspot.hub_id)
    return {
        "my_templates": mine,
        "team_templates": team,
        "template_count": len(mine) + len(team),
        "template_save_form": save_form or TemplateSaveForm(),
        # Only whether the control shows: the service asks the real permission when it is used.
        "may_publish": shown_to(request, "publish_team_templates", can_manage_team_templates),
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
        else:
            messages.success(request, _("Saved as template “%(name)s”. The form is as you left it.") % {"name": name})
            save_form = None
    if request.FILES:
        messages.warning(request, _("Browsers cannot keep chosen files: please attach them again."))
    form = MeetingForm(initial=typed_values(submitted), options=options, owner_id=owner_id, known_labels=labels)
    context = {"form": form, "options": options, "kinds": OBJECT_KINDS, **template_form_context(request, save_form)}
    return render(request, "meetings/meeting_form.html", context)


def _portal(request: HttpRequest) -> int | None:
    hubspot = getattr(request.user, "hubspot", None)
    return hubspot.hub_id if hubspot is not None else None


def _visible_template(request: HttpRequest, pk) -> MeetingTemplate:
    try:
        return meeting_template_get(viewer=request.user, hub_id=_portal(request), pk=int(pk))
    except (ValueError, MeetingTemplate.DoesNotExist):
        raise Http404 from None


def _editable_template(request: HttpRequest, pk: int) -> MeetingTemplate:
    """404 for a template the rep cannot see; 403 (PermissionDenied) for one they see but may not change."""
    try:
        return meeting_template_editable(user=request.user, hub_id=_portal(request), pk=pk)
    except MeetingTemplate.DoesNotExist:
        raise Http404 from None


def _list_page(request: HttpRequest, *, failed_rename: tuple[int, TemplateRenameForm] | None = None,
               status: int = 200) -> HttpResponse:
    if _portal(request) is None:
        return render(request, "meetings/not_connected.html", status=403)
    failed_pk, failed_form = failed_rename or (None, None)
    rows = [
        (template, failed_form if template.pk == failed_pk else
         TemplateRenameForm(initial={"name": template.name}, template_pk=template.pk))
        for template in meeting_template_list(viewer=request.user, hub_id=_portal(request))
    ]
    context = {"rows": rows, "may_publish": can_manage_team_templates(request.user)}
    return render(request, "meetings/template_list.html", context, status=status)


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@login_required
@require_POST
def template_rename(request: HttpRequest, pk: int) -> HttpResponse:
    template = _editable_template(request, pk)
    form = TemplateRenameForm(request.POST, template_pk=pk)
    if form.is_valid():
        try:
            template = meeting_template_rename(user=request.user, hub_id=template.hub_id, pk=pk,
                                               name=form.cleaned_data["name"].strip())
        except TemplateNameTaken:
            form.add_error("name", TEAM_NAME_TAKEN if template.is_team else NAME_TAKEN)
        else:
            messages.success(request, _("Template renamed to “%(name)s”.") % {"name": template.name})
            return redirect("template_list")
    return _list_page(request, failed_rename=(pk, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    template = _editable_template(request, pk)
    if request.method == "GET":
        return render(request, "meetings/template_delete.html", {"template": template})
    meeting_template_delete(user=request.user, hub_id=template.hub_id, pk=pk)
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
    return redirect("template_list")
