"""Which of HubSpot's dated API versions each call goes to: one setting, and the one exception.

HubSpot releases a dated version every six months and supports each for eighteen months
(2026-03 until about 2027-09; 2026-09, current since 2026-09-08, until about 2028-03).
`HUBSPOT_API_VERSION` picks one for every path the client builds. No Django import here:
config/settings.py reads SUPPORTED to refuse anything else at start.
"""

from __future__ import annotations

SUPPORTED = ("2026-09", "2026-03")
DEFAULT = "2026-09"

# The one call that stays on 2026-03 whatever the setting: as published (HubSpot's spec collection,
# HEAD 2026-08-21), the 2026-09 Files API has no upload (`POST /files/{version}/files`), only
# import-from-URL, search and folder updates. 2026-03 uploads are supported until about 2027-09;
# when a later version publishes an upload again, move it there and delete this.
FILES_UPLOAD_VERSION = "2026-03"


def refusal(value: str) -> str | None:
    """Why `value` is no usable HUBSPOT_API_VERSION, or None when it is one."""
    if value in SUPPORTED:
        return None
    supported = ", ".join(SUPPORTED)
    return f"HUBSPOT_API_VERSION must be one of {supported} (HubSpot's supported dated versions), not {value!r}."


def current() -> str:
    """The configured version (read at call time, so a test's override_settings applies)."""
    from django.conf import settings

    return settings.HUBSPOT_API_VERSION
