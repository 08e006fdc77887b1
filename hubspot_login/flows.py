"""Sending a rep through sign-in again without losing what they typed.

When HubSpot refuses the stored authorisation (revoked app, deleted user) or the
session expired, the half-filled form is parked in the session and the rep returns
to it, refilled, after signing in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "hubspot_saved_form"
# Never parked: the CSRF token is per session, the idempotency key per attempt.
NOT_SAVED = {"csrfmiddlewaretoken", "idempotency_key"}


def reauthenticate(request: HttpRequest, *, form_data: QueryDict | None = None) -> HttpResponseRedirect:
    next_url = request.path
    if form_data:
        request.session[SESSION_KEY] = {
            "path": request.path,
            "data": {key: form_data.getlist(key) for key in form_data if key not in NOT_SAVED},
        }
        next_url = f"{request.path}?{urlencode({'restore': '1'})}"
    messages.warning(request, _("Please sign in with HubSpot again. What you entered is kept and comes back after."))
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def restore_saved_form(request: HttpRequest) -> QueryDict | None:
    """The form parked for this page, once (it is removed from the session)."""
    saved = request.session.get(SESSION_KEY)
    if not saved or saved.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for key, values in saved["data"].items():
        data.setlist(key, values)
    return data
