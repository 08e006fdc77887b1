"""The admin site's password sign-in, throttled per client address and per username.

Reps sign in through HubSpot only; the admin's form is the one place here that checks a
password, so it is the one place to guess one. Failures are counted in the cache (Redis
with REDIS_URL, so all processes count together); each failure restarts the window, and
a sign-in is refused while either count is at its limit. A successful sign-in clears its
username's count, not its address's: an account of one's own must not reset the address.
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

logger = logging.getLogger("config.admin_login")


def _username_key(username: str) -> str:
    # Hashed: usernames (often email addresses) stay out of the cache; folded: "Admin" is "admin".
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"admin-login:failures:username:{digest}"


def _counters(request: HttpRequest, username: str) -> dict[str, tuple[str, int]]:
    """Each count this sign-in attempt belongs to: its name, and its cache key and limit."""
    address = request.META.get("REMOTE_ADDR", "")
    return {
        "username": (_username_key(username), settings.ADMIN_LOGIN_FAILURES_PER_USERNAME),
        f"address {address}": (f"admin-login:failures:address:{address}", settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS),
    }


def admin_login_locked(request: HttpRequest, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _counters(request, username).values())


def admin_login_failed(request: HttpRequest, username: str) -> None:
    window = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
    for name, (key, limit) in _counters(request, username).items():
        cache.add(key, 0, window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            failures = 1
            cache.set(key, failures, window)
        cache.touch(key, window)
        if failures == limit:
            logger.warning("admin sign-in locked for %s s after %s failures for one %s", window, limit, name)


def admin_login_succeeded(username: str) -> None:
    cache.delete(_username_key(username))


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing to check any password while the attempt's address or username is locked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if admin_login_locked(self.request, username):
            minutes = math.ceil(settings.ADMIN_LOGIN_LOCKOUT_SECONDS / 60)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-ins. Please try again in %(minutes)d minute.",
                    "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
                    minutes,
                ),
                code="throttled",
                params={"minutes": minutes},
            )
        try:
            cleaned_data = super().clean()
        except ValidationError:
            admin_login_failed(self.request, username)
            raise
        admin_login_succeeded(username)
        return cleaned_data
