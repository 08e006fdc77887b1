import React from "react";
import { hubspot } from "@hubspot/ui-extensions";
import { BookMeeting } from "./BookMeeting.jsx";

// The card's entrypoint (book-meeting-hsmeta.json): HubSpot renders what this registers.
hubspot.extend(() => <BookMeeting />);
