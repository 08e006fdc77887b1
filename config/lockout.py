"""The page for an admin sign-in that django-axes refuses: too many failures for this username from this address.

The admin's form is the one place here that checks a password (reps sign in through HubSpot), so the one
place to guess one. django-axes counts failures in the database — it keeps counting with Redis down — per
username *and* client address (hubspot_login.addresses: behind the configured proxy, the client's own), so
one address guessing cannot lock an admin out who signs in from elsewhere, and many people behind one
proxy are not one address.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def admin_locked_out(request: HttpRequest, response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    message = ngettext(
        "Too many failed sign-ins. Please try again in %(minutes)d minute.",
        "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    context = {**admin.site.each_context(request), "title": message, "message": message}
    return render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
