"""Sign in with HubSpot: allauth's HubSpot provider, subclassed for the 2026-03 OAuth endpoints."""
