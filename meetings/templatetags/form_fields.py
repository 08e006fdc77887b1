"""The meeting form's fields as Bootstrap lays them out: label, control, errors, help text.

Written out in Python rather than through a partial template per field: the page has some sixteen
fields, and interpreting a partial for each cost more CPU than the rest of the page's template.
The markup is what a crispy-forms Bootstrap 5 field gave (ids `div_id_…`, `id_…_error`,
`id_…_helptext`, the `*` of required fields), except that a field with errors is described by its
error first and then by its help text.
"""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
REQUIRED_MARK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308 - a constant


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def control(field: BoundField) -> SafeString:
    """The field's widget; with errors it is marked invalid and described by its error first, then its help."""
    widget = field.field.widget
    attrs = {"class": " ".join(filter(None, [widget.attrs.get("class"), _bootstrap_class(widget),
                                              "is-invalid" if field.errors else ""]))}
    described_by = [f"{field.auto_id}_error" if field.errors else "",
                    f"{field.auto_id}_helptext" if field.help_text else ""]
    if any(described_by):
        attrs["aria-describedby"] = " ".join(filter(None, described_by))
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


def _feedback(field: BoundField) -> SafeString:
    """The field's errors (each its own id, as before) and its help text."""
    field_id = field.auto_id
    errors = format_html(
        '<div id="{}_error" class="invalid-feedback d-block">{}</div>', field_id,
        format_html_join("", '<p id="error_{}_{}" class="mb-0"><strong>{}</strong></p>',
                         ((number, field_id, error) for number, error in enumerate(field.errors, 1))),
    ) if field.errors else ""
    help_text = format_html('<div id="{}_helptext" class="form-text">{}</div>', field_id,
                            field.help_text) if field.help_text else ""
    return format_html("{}{}", errors, help_text)


def _choices(field: BoundField) -> SafeString:
    """Radio buttons, one `form-check` each; the legend above them names the group."""
    invalid = " is-invalid" if field.errors else ""
    return format_html_join("", (
        '<div class="form-check"><input type="radio" class="form-check-input{}" name="{}" value="{}" id="{}"{}>'
        '<label for="{}" class="form-check-label">{}</label></div>'
    ), ((invalid, field.html_name, choice.data["value"], choice.id_for_label,
         mark_safe(" checked") if choice.data["selected"] else "", choice.id_for_label, choice.choice_label)
        for choice in field))


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    widget, required = field.field.widget, field.field.required
    mark = REQUIRED_MARK if required else ""
    if isinstance(widget, forms.RadioSelect):
        described = format_html(' aria-describedby="{}_error"', field.auto_id) if field.errors else ""
        return format_html('<fieldset id="div_{}" class="mb-3"{}><legend class="form-label fs-6">{}{}</legend>{}{}'
                           "</fieldset>", field.auto_id, described, field.label, mark, _choices(field),
                           _feedback(field))
    if isinstance(widget, forms.CheckboxInput):
        return format_html('<div id="div_{}" class="mb-3 form-check">{}<label for="{}" class="form-check-label">{}'
                           "</label>{}</div>", field.auto_id, control(field), field.id_for_label, field.label,
                           _feedback(field))
    return format_html('<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>{}{}</div>',
                       field.auto_id, field.id_for_label, " requiredField" if required else "", field.label, mark,
                       control(field), _feedback(field))


# The row "Add reminder" copies holds nothing of the rep's: rendered once per language and process.
_EMPTY_REMINDER_ROWS: dict[tuple[str, str], SafeString] = {}


@register.simple_tag
def empty_reminder_row(reminders: forms.BaseFormSet) -> SafeString:
    key = (get_language(), reminders.prefix)
    if key not in _EMPTY_REMINDER_ROWS:
        _EMPTY_REMINDER_ROWS[key] = render_to_string("meetings/partials/reminder_row.html",
                                                     {"reminder": reminders.empty_form})
    return _EMPTY_REMINDER_ROWS[key]
