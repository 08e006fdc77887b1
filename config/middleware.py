"""Answers to signed-in users are never stored by browsers or proxies."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
