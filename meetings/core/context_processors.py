"""What every page's navigation shows about the signed-in rep."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from meetings.core.notices import outcome_notices_unseen_count


def meetings_needing_you(request: HttpRequest) -> dict:
    """How many of the rep's meetings ended "not created" or failed since they last looked: counted when drawn."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it only on a page that draws the navigation, and once.
    return {"meetings_needing_you": cache(lambda: outcome_notices_unseen_count(viewer=user))}
