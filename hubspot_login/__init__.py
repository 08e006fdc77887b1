"""Sign in with HubSpot: allauth's HubSpot provider, subclassed for the dated OAuth endpoints (HUBSPOT_API_VERSION)."""
