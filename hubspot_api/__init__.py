"""Everything that speaks HTTP to HubSpot: no models, no views, no knowledge of the apps above it.

`client.HubSpotClient` for the REST APIs, `oauth` for the token endpoints, `errors` for
what callers catch, `types` for typed answers, `http` for the one pooled session, `versions` for the
dated API version every path carries (HUBSPOT_API_VERSION).
Contracts: the official specs, copied to `hubspot_sandbox/specs/`.
"""
