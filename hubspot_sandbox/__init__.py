"""A local HubSpot: the endpoints Meeting Booker uses, checked against HubSpot's official specs.

Run it with `python -m hubspot_sandbox --help`. Same paths as HubSpot, so an app
differs only by its base URLs. Its state lives in this process's memory; the control
API under `/__sandbox__/` (reset, faults, tokens, request log) is a local
development tool and must never be exposed beyond the developer's machine.
"""
