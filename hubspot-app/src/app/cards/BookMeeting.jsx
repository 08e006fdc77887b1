import React from "react";
import { Button, Text, useExtensionContext } from "@hubspot/ui-extensions";
import { LINK_PARAMETERS, bookingLink } from "./bookingLink.js";

// The project's config profile sets it (hsprofile.<name>.json → variables.APP_BASE_URL); HubSpot hands a
// profile's variables to the card as context.variables.
export const BASE_URL_VARIABLE = "APP_BASE_URL";

/** One button: the Meeting Booker's form, opened in a new tab with the record on screen already chosen. */
export function BookMeeting() {
  const context = useExtensionContext();
  const objectTypeId = context.crm?.objectTypeId;
  if (!(objectTypeId in LINK_PARAMETERS)) {
    return <Text>Meetings are booked from contact, company, deal and ticket records.</Text>;
  }
  const link = bookingLink(context.variables?.[BASE_URL_VARIABLE], objectTypeId, context.crm?.objectId);
  if (link === null) {
    return (
      <Text>
        The Meeting Booker's address is not set for this card: set {BASE_URL_VARIABLE} in the project's
        config profile and upload the project again.
      </Text>
    );
  }
  return (
    <Button variant="primary" href={{ url: link, external: true }}>
      Book a meeting
    </Button>
  );
}
