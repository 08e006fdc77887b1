"""The dated HubSpot API version the app's calls go to in this run (HUBSPOT_API_VERSION, default 2026-09).

Tests that name HubSpot paths build them from these, so `HUBSPOT_API_VERSION=2026-03 pytest` checks the
whole app on 2026-03 as the default run does on 2026-09.
"""

from django.conf import settings

from hubspot_api.versions import FILES_UPLOAD_VERSION

API_VERSION = settings.HUBSPOT_API_VERSION
UPLOAD_VERSION = FILES_UPLOAD_VERSION  # uploads stay on 2026-03 (hubspot_api/versions.py)
