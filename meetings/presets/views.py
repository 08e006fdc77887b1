"""The templates page: a rep's and the team's templates listed, renamed and deleted.

Thin: the rules live in `meetings.presets.services`. Saving and applying a template happen on the
meeting form (`meetings.booking.template_controls`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.presets.forms import (
    NAME_TAKEN,
    TEAM_NAME_TAKEN,
    TemplateRenameForm,
)
from meetings.presets.models import MeetingTemplate
from meetings.presets.services import (
    TemplateNameTaken,
    can_manage_team_templates,
    meeting_template_delete,
    meeting_template_editable,
    meeting_template_list,
    meeting_template_rename,
)


def _portal(request: HttpRequest) -> int | None:
    hubspot = getattr(request.user, "hubspot", None)
    return hubspot.hub_id if hubspot is not None else None


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
