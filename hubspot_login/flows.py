"""Sending a rep through sign-in again without losing what they typed.

When HubSpot refuses the stored authorisation (revoked app, deleted user) or the
session expired, the half-filled form is parked and the rep returns to it, refilled,
after signing in. It is parked in the cache under an unguessable key carried in the
`next` URL, not in the session: allauth signs a signed-in rep out (flushing the
session) before signing them in again through HubSpot. With several app processes
the cache must be shared (REDIS_URL), as for the token refresh lock.

The key alone does not bring a form back: it travels in URLs (the address bar, the
history, a referer). A parked form also belongs to the browser that parked it, through
a signed cookie set with the redirect, and — when someone was signed in — to that user.
So a form parked after the session expired (no user yet) comes back for whoever signs
in in that browser, the rep, and not for another user who learnt the key.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

PARKED_SECONDS = 3600
# Never parked: the CSRF token belongs to the old session, the idempotency key to the failed attempt.
NOT_SAVED = {"csrfmiddlewaretoken", "idempotency_key"}
# The browser's secret for its parked forms; the signature keeps forged values out.
BROWSER_COOKIE = "parked_forms"
_BROWSER_COOKIE_SALT = "hubspot_login.flows.parked_forms"


def _cache_key(key: str) -> str:
    return f"hubspot-login:parked-form:{key}"


def _browser_secret(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(BROWSER_COOKIE, default=None, salt=_BROWSER_COOKIE_SALT, max_age=PARKED_SECONDS)


def _remember_browser(response: HttpResponseRedirect, browser: str) -> None:
    response.set_signed_cookie(
        BROWSER_COOKIE, browser, salt=_BROWSER_COOKIE_SALT, max_age=PARKED_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def reauthenticate(request: HttpRequest, *, form_data: QueryDict | None = None) -> HttpResponseRedirect:
    """Send the rep to sign in with HubSpot and back to this page, with `form_data` parked for it.

    Call it where a view catches `HubSpotAuthRequired` (or finds the session gone) with
    `form_data=request.POST` on a POST; the CSRF token and the idempotency key are left
    out, and uploaded files cannot be parked (they are not in `request.POST`). The page's
    own query string is kept; `restore=<key>` is added for `restore_saved_form`.
    """
    query = request.GET.copy()
    query.pop("restore", None)
    if form_data:
        key = secrets.token_urlsafe(18)
        # One secret per browser, kept for all its parked forms (each redirect sets the cookie again).
        browser = _browser_secret(request) or secrets.token_urlsafe(18)
        cache.set(_cache_key(key), {
            "path": request.path,
            "user_id": request.user.pk if request.user.is_authenticated else None,
            "browser": browser,
            "data": {name: form_data.getlist(name) for name in form_data if name not in NOT_SAVED},
        }, PARKED_SECONDS)
        query["restore"] = key
    next_url = f"{request.path}?{query.urlencode()}" if query else request.path
    messages.warning(request, _("Please sign in with HubSpot again. What you entered is kept and comes back after."))
    response = HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    if form_data:
        _remember_browser(response, browser)
    return response


def restore_saved_form(request: HttpRequest, key: str | None = None) -> QueryDict | None:
    """The form data `reauthenticate` parked for this page, this browser and this rep, once; None when there is none.

    `key` defaults to the `?restore=` parameter `reauthenticate` put into the URL. Bind the
    form to the result on GET to refill it.
    """
    key = request.GET.get("restore", "") if key is None else key
    parked = cache.get(_cache_key(key)) if key else None
    if not parked or not _belongs_here(parked, request):
        return None
    cache.delete(_cache_key(key))
    data = QueryDict(mutable=True)
    for name, values in parked["data"].items():
        data.setlist(name, values)
    return data


def _belongs_here(parked: dict, request: HttpRequest) -> bool:
    """Same page, same browser, and the same user when one was signed in while parking."""
    browser = _browser_secret(request)
    return (
        parked["path"] == request.path
        and browser is not None
        # .get: a form parked before forms belonged to browsers has none, and is not restored.
        and secrets.compare_digest(parked.get("browser", ""), browser)
        and parked["user_id"] in (None, request.user.pk)
    )
