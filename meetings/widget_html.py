"""Django's simplest widget templates written out in Python, for the meeting form.

Rendering each of the form's widgets through the template engine — a template per widget, an
`{% include %}` per `<option>` and per attribute list — was most of the form page's CPU. This
renderer writes the same markup as Django's own `input.html`, `select.html`, `select_option.html`,
`textarea.html` and `attrs.html` (tests/meetings/test_widget_html.py compares the two for every
field of the form) and hands any other widget template to Django's renderer unchanged. A project
override of those Django templates would therefore not apply to the meeting form.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _attrs(attrs: dict) -> str:
    return "".join(_attr(name, value) for name, value in attrs.items() if value is not False)


def _attr(name: str, value) -> str:
    if value is True:
        return f" {conditional_escape(name)}"
    return f' {conditional_escape(name)}="{conditional_escape(value)}"'


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"' \
           f'{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    return f'<option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>' \
           f'{conditional_escape(option["label"])}</option>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}\n" for option in options)  # the template's own blank lines
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


WRITERS: dict = {
    **{f"django/forms/widgets/{name}.html": _input
       for name in ("text", "hidden", "datetime", "number", "email", "checkbox", "input")},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class InlineWidgetRenderer(DjangoTemplates):
    """Django's template renderer, but the simple widgets above are written out without the template engine."""

    WRITERS = WRITERS

    def render(self, template_name, context, request=None):
        write = self.WRITERS.get(template_name)
        if write is None or "widget" not in context:
            return super().render(template_name, context, request)
        return write(context["widget"])


# One for every form: a renderer per form would build its template engine again each time.
INLINE_WIDGETS = InlineWidgetRenderer()
