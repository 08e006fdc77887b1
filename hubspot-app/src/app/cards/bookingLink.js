// The Meeting Booker's prefill link for one HubSpot record (meetings/portal/prefill.py in the app):
// /meetings/new/?contact=ID (company=, deal=, ticket=), each kind under its singular name.

// HubSpot's object type ids of the four record types the card is placed on, and the link's parameter for each.
export const LINK_PARAMETERS = {
  "0-1": "contact",
  "0-2": "company",
  "0-3": "deal",
  "0-5": "ticket",
};

/**
 * The link that opens the booking form with this record chosen, or null when there is none to build:
 * no base URL configured, or a record type the form does not take.
 */
export function bookingLink(baseUrl, objectTypeId, objectId) {
  const parameter = LINK_PARAMETERS[objectTypeId];
  const base = typeof baseUrl === "string" ? baseUrl.trim().replace(/\/+$/, "") : "";
  if (!parameter || !/^https?:\/\/[^/]+/.test(base) || objectId === undefined || objectId === null) {
    return null;
  }
  const query = new URLSearchParams({ [parameter]: String(objectId) });
  return `${base}/meetings/new/?${query}`;
}
