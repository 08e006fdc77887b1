"""The client's address, believing `X-Forwarded-For` only as far as the operator said proxies add to it.

Any client can send `X-Forwarded-For`. Behind `TRUSTED_PROXY_COUNT` proxies (DJANGO_TRUSTED_PROXY_COUNT;
nginx in front of the app is one) that each append the address they were connected from, the client is the
entry that many places from the right: whatever a client wrote further left is ignored. Without proxies
(the default) the header is not read at all and the address is the connection's, REMOTE_ADDR.

django-ipware reads the header. In its terms the proxies are the entries after the client, so one proxy
in front is `proxy_count=0` with the right-most entry taken, and it is not strict: a client's own entries
on the left are skipped rather than making it fall back to the proxy's address, which would count every
client as one. Used for the admin sign-in's lockout (django-axes) and for the cap on parked forms.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        address, _routable = get_client_ip(request, proxy_count=proxies - 1, strict=False,
                                           request_header_order=("HTTP_X_FORWARDED_FOR",))
        if address:
            return address
    return request.META.get("REMOTE_ADDR", "")
