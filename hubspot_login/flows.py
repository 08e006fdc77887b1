"""Sending a rep through sign-in again without losing what they typed.

When HubSpot refuses the stored authorisation (revoked app, deleted user) or the
session expired, the half-filled form is parked and the rep returns to it, refilled,
after signing in. It is parked under an unguessable key carried in the `next` URL, not
in the session: allauth signs a signed-in rep out (flushing the session) before signing
them in again through HubSpot.

**Parked in the database, not the cache** (`ParkedForm`). "Nothing is lost" must hold when
Redis is down or restarted (it keeps nothing durable, docs/deploy.md), and a parked form is
exactly what a rep would otherwise lose. A park is rare — a session ran out or HubSpot
refused a token — so one INSERT and one DELETE cost nothing anyone feels, and every
process and host sees the row. Expired rows are deleted whenever a form is parked or
restored (one indexed DELETE), so the table holds at most an hour of parks.

**Open to anonymous visitors, and so bounded.** A rep whose session ran out is anonymous
when they press submit, so parking cannot require a sign-in. What stops a visitor from
filling the store:

- `MAX_BYTES`: a parked form is at most what the meeting form can really hold. Measured
  (tests/login/test_parked_forms.py builds it): description and internal notes at HubSpot's
  65,536 characters each in three-byte characters (the most UTF-8 bytes per character
  HubSpot counts as one), title and location at 255, three reminders, 25 records of each
  kind with 20-digit ids and their labels, 200 attendees: 400,741 bytes as stored (JSON,
  UTF-8). The limit is 512 KiB, about a third above it; files are never parked.
- `PER_ADDRESS`: at most 20 forms parked in the last hour per client address (an office
  behind one NAT address has many reps; an attacker without many addresses gets 20 × 512 KiB),
  and `PER_ADDRESS_PER_MINUTE` = 5 as a rate. The address is the client's own behind the
  configured proxies (hubspot_login/addresses.py); an IPv6 client counts by its /64 network,
  which one subscriber usually has whole.
- `TOTAL`: at most 2,000 forms parked at once from everyone, whatever the addresses
  (at most about 1 GB in the worst case, and usually some KB each).

The checks and the insert are not one transaction: concurrent parks from one address can pass
a cap by a few, which bounds nothing less. A form that is not parked is not lost from view
either: the answer is a page with what the rep typed, to copy, and a link to sign in in a new tab.

The key alone does not bring a form back: it travels in URLs (the address bar, the
history, a referer). A parked form also belongs to the browser that parked it, through
a signed cookie set with the redirect, and — when someone was signed in — to that user.
So a form parked after the session expired (no user yet) comes back for whoever signs
in in that browser, the rep, and not for another user who learnt the key.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubspot_login.addresses import client_address
from hubspot_login.models import ParkedForm

PARKED_SECONDS = 3600
MAX_BYTES = 512 * 1024
PER_ADDRESS = 20
PER_ADDRESS_PER_MINUTE = 5
TOTAL = 2000
# Never parked: the CSRF token belongs to the old session, the idempotency key to the failed attempt.
NOT_SAVED = {"csrfmiddlewaretoken", "idempotency_key"}
# The browser's secret for its parked forms; the signature keeps forged values out.
BROWSER_COOKIE = "parked_forms"
_BROWSER_COOKIE_SALT = "hubspot_login.flows.parked_forms"
TOO_LARGE = "too_large"
TOO_MANY = "too_many"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _browser_secret(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(BROWSER_COOKIE, default=None, salt=_BROWSER_COOKIE_SALT, max_age=PARKED_SECONDS)


def _remember_browser(response: HttpResponse, browser: str) -> None:
    response.set_signed_cookie(
        BROWSER_COOKIE, browser, salt=_BROWSER_COOKIE_SALT, max_age=PARKED_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def parked_size(data: dict[str, list[str]]) -> int:
    """The bytes a parked form's data takes as stored (JSON, UTF-8)."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _address_group(request: HttpRequest) -> str:
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _refusal(request: HttpRequest, data: dict[str, list[str]]) -> str | None:
    """Why this form may not be parked now, or None."""
    if parked_size(data) > MAX_BYTES:
        return TOO_LARGE
    now = timezone.now()
    recent = ParkedForm.objects.filter(address=_address_group(request), created_at__gt=now - timedelta(
        seconds=PARKED_SECONDS))
    if (recent.count() >= PER_ADDRESS or recent.filter(created_at__gt=now - timedelta(minutes=1)).count()
            >= PER_ADDRESS_PER_MINUTE or ParkedForm.objects.filter(expires_at__gt=now).count() >= TOTAL):
        return TOO_MANY
    return None


def _delete_expired() -> None:
    ParkedForm.objects.filter(expires_at__lte=timezone.now()).delete()


def reauthenticate(request: HttpRequest, *, form_data: QueryDict | None = None) -> HttpResponse:
    """Send the rep to sign in with HubSpot and back to this page, with `form_data` parked for it.

    Call it where a view catches `HubSpotAuthRequired` (or finds the session gone) with
    `form_data=request.POST` on a POST; the CSRF token and the idempotency key are left
    out, and uploaded files cannot be parked (they are not in `request.POST`). The page's
    own query string is kept; `restore=<key>` is added for `restore_saved_form`.

    A form that may not be parked (too large, too many from this address) is answered with
    a page showing what was typed, to copy, instead of the redirect (413 or 429).
    """
    query = request.GET.copy()
    query.pop("restore", None)
    browser = None
    if form_data:
        data = {name: form_data.getlist(name) for name in form_data if name not in NOT_SAVED}
        _delete_expired()
        if (refused := _refusal(request, data)) is not None:
            return _not_parked(request, data, refused, query)
        key = secrets.token_urlsafe(18)
        # One secret per browser, kept for all its parked forms (each redirect sets the cookie again).
        browser = _browser_secret(request) or secrets.token_urlsafe(18)
        now = timezone.now()
        ParkedForm.objects.create(
            key_digest=_digest(key), path=request.path, browser_digest=_digest(browser),
            user=request.user if request.user.is_authenticated else None, address=_address_group(request),
            data=data, size=parked_size(data), created_at=now, expires_at=now + timedelta(seconds=PARKED_SECONDS),
        )
        query["restore"] = key
    messages.warning(request, _("Please sign in with HubSpot again. What you entered is kept and comes back after."))
    response = HttpResponseRedirect(_login_url(request, query))
    if browser:
        _remember_browser(response, browser)
    return response


def _login_url(request: HttpRequest, query: QueryDict) -> str:
    next_url = f"{request.path}?{query.urlencode()}" if query else request.path
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _not_parked(request: HttpRequest, data: dict[str, list[str]], reason: str, query: QueryDict) -> HttpResponse:
    # Only what a person typed is shown back: the formset's counters and hidden fields mean nothing to them.
    typed = [(name, value) for name, values in data.items() for value in values
             if value.strip() and not name.endswith(("_FORMS", "portal"))]
    return render(request, "hubspot_login/form_not_parked.html",
                  {"reason": reason, "typed": typed, "login_url": _login_url(request, query)},
                  status=413 if reason == TOO_LARGE else 429)


def restore_saved_form(request: HttpRequest, key: str | None = None) -> QueryDict | None:
    """The form data `reauthenticate` parked for this page, this browser and this rep, once; None when there is none.

    `key` defaults to the `?restore=` parameter `reauthenticate` put into the URL. Bind the
    form to the result on GET to refill it.
    """
    key = request.GET.get("restore", "") if key is None else key
    if not key:
        return None
    _delete_expired()
    with transaction.atomic():
        parked = ParkedForm.objects.select_for_update().filter(key_digest=_digest(key)).first()
        if parked is None or not _belongs_here(parked, request):
            return None
        parked.delete()
    data = QueryDict(mutable=True)
    for name, values in parked.data.items():
        data.setlist(name, values)
    return data


def _belongs_here(parked: ParkedForm, request: HttpRequest) -> bool:
    """Same page, same browser, and the same user when one was signed in while parking."""
    browser = _browser_secret(request)
    return (
        parked.path == request.path
        and browser is not None
        and secrets.compare_digest(parked.browser_digest, _digest(browser))
        and parked.user_id in (None, request.user.pk)
    )
