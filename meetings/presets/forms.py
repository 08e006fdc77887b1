"""Forms of meeting templates: the name (and team flag) to save the meeting form under, a new name.

Also the two readings of a submitted meeting form that saving needs: the values a template keeps,
and everything the rep typed, to show the form again unchanged.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.presets.models import MeetingTemplate

NAME_TAKEN = _("You already have a template with this name. Choose another name.")
TEAM_NAME_TAKEN = _("The team already has a template with this name. Choose another name.")
MAY_NOT_PUBLISH = _("You may no longer publish team templates, so nothing was saved. Save it as your own template "
                    "instead.")
NAME_MAX = MeetingTemplate._meta.get_field("name").max_length


class TemplateSaveForm(forms.Form):
    """Beside the meeting form, prefixed so its names never meet the meeting's own fields."""

    name = forms.CharField(
        label=_("Template name"), max_length=NAME_MAX, required=False,
        help_text=_("Keeps the title, duration, outcome, activity type, location, description, attendees and reminders "
                    "— not the times, time zone, internal notes, contacts, companies, deals, tickets or attachments. "
                    "Nothing is sent to HubSpot, and the form stays as it is."),
    )
    team = forms.BooleanField(label=_("Team template (every rep of this portal can use it)"), required=False)

    def __init__(self, *args, **kwargs):
        # Offered to admins only (the page asks `can_manage_team_templates`); the service refuses it to anyone else.
        super().__init__(*args, prefix="template", **kwargs)

    def clean_name(self) -> str:
        # Required only when saving: the meeting's own submit carries this field empty.
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the template a name."), code="required")
        return name


class TemplateRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=NAME_MAX)

    def __init__(self, *args, template_pk: int, **kwargs):
        # One form per row of the list: ids must not repeat on the page.
        super().__init__(*args, auto_id=f"id_rename_{template_pk}_%s", **kwargs)
