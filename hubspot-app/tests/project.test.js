import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { LINK_PARAMETERS } from "../src/app/cards/bookingLink.js";

const read = (path) => JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), "utf8"));

describe("the developer-platform project", () => {
  const app = read("src/app/app-hsmeta.json");
  const card = read("src/app/cards/book-meeting-hsmeta.json");

  test("the card is on the four record types the link takes", () => {
    expect(card.type).toBe("card");
    expect(card.config.entrypoint).toBe("/app/cards/BookMeetingCard.jsx");
    expect(card.config.objectTypes).toEqual(["contacts", "companies", "deals", "tickets"]);
    expect(Object.values(LINK_PARAMETERS)).toEqual(["contact", "company", "deal", "ticket"]);
  });

  test("the app signs in at the app's own callback under the configured base URL", () => {
    expect(app.type).toBe("app");
    expect(app.config.auth.type).toBe("oauth");
    expect(app.config.auth.redirectUrls).toEqual(["${APP_BASE_URL}/accounts/hubspot/login/callback/"]);
    expect(read("hsprofile.example.json").variables).toHaveProperty("APP_BASE_URL");
  });

  test("HubSpot builds the card with the versions the tests ran against", () => {
    expect(read("src/app/cards/package.json").dependencies).toEqual(read("package.json").dependencies);
  });
});
