"""Everything that speaks HTTP to HubSpot lives in this package (the one client module).

`client.HubSpotClient` for the REST APIs, `oauth` for the token endpoints,
`errors` for what callers catch. Contracts: the specs in `hubspot_sandbox/specs/`.
"""
