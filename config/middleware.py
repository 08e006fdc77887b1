"""Answers to signed-in users are never stored by browsers or proxies; times show in the viewer's zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from meetings.core.timezones import get_zone


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on every answer to a signed-in user.

    Pages and JSON answers for a rep show their meetings, contacts and portal: after sign-out,
    the back button on a shared computer or a caching proxy must not show them again. A view
    that chose its own Cache-Control (the public list of time zones) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


VIEWER_ZONE_COOKIE = "viewer_tz"


class ViewerTimeZoneMiddleware:
    """Times on pages show in the viewer's own zone, which their browser tells us in a cookie.

    `static/js/viewer-zone.js` sets it from `Intl` on every page; until it has (the very first page),
    or when it names no known zone, times show in UTC — and every time shown names its zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = get_zone(request.COOKIES.get(VIEWER_ZONE_COOKIE, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
