"""The booking page's one cache: a fresh form's fields, drawn once per process.

Drawing the meeting form through crispy-forms costs some 25 ms of CPU, the same for every rep of a portal
who opens an untouched form in one language. On two cores that alone would keep the form page from its
latency target at 16 reps at once (`make bench`, docs/benchmarks.md), so an untouched form's fields are
drawn once and kept:

- what: the HTML crispy-forms draws (`render_crispy_form`) for a form with nothing of the rep's in it (no
  typed values, errors, template, linked records or retry — those are drawn every time);
- whose: no one's: the key names everything the fields are drawn from (the portal's choices as HubSpot
  gave them, the rep's owner id, which the attendees leave out, the language), and the hidden inputs that
  are the rep's own (idempotency key, portal) are drawn outside it;
- where and how long: this process's memory (`CACHES["template_fragments"]`), an hour, at most 300 kept;
  a deploy starts without them;
- dropped by: a change of anything in the key (new options from HubSpot make a new key); expiry;
- when down: it is the process's own memory, never down.
"""

from __future__ import annotations

import hashlib

from crispy_forms.utils import render_crispy_form
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from meetings.portal.options import MeetingFormOptions

FRESH_FORM_SECONDS = 3600


def fresh_form_key(options: MeetingFormOptions, owner_id: str) -> str:
    """What an untouched form's fields are drawn from, as a hash."""
    return "meeting-form-fields:" + hashlib.sha256(repr((get_language(), owner_id, options)).encode()).hexdigest()


def fresh_form_fields(form, key: str) -> SafeString:
    """The untouched form's fields as crispy-forms draws them: from this process's memory, or drawn now."""
    drawn = caches["template_fragments"]
    fields = drawn.get(key)
    if fields is None:
        fields = str(render_crispy_form(form))
        drawn.set(key, fields, FRESH_FORM_SECONDS)
    return mark_safe(fields)  # noqa: S308 - crispy-forms drew it through the template engine, which escaped it
