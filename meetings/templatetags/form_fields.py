"""A form field's control with Bootstrap's classes and the ids that tie it to its error and help text.

The meeting form renders its fields through `templates/meetings/partials/field.html` with this filter
instead of a layout library: one partial for every field, and no per-field template lookups.
"""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField

register = template.Library()


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.filter
def control(field: BoundField) -> str:
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


@register.filter
def field_layout(field: BoundField) -> str:
    """How the partial lays the field out: "checkbox" (label after the box), "radio" (a legend over the
    choices), or "" (a label over the control)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "radio" if isinstance(widget, forms.RadioSelect) else ""
