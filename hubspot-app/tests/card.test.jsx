import React from "react";
import { describe, expect, test } from "vitest";
import { Button, Text } from "@hubspot/ui-extensions";
import { createRenderer } from "@hubspot/ui-extensions/testing";
import { BookMeeting } from "../src/app/cards/BookMeeting.jsx";
import { bookingLink } from "../src/app/cards/bookingLink.js";

const BASE = "https://meetings.example.com";

// The card is placed in the record's sidebar (book-meeting-hsmeta.json); each record type and the link it opens.
function renderCard({ objectTypeId, objectId, variables = { APP_BASE_URL: BASE } }) {
  const renderer = createRenderer("crm.record.sidebar");
  renderer.mocks.context.crm.objectTypeId = objectTypeId;
  renderer.mocks.context.crm.objectId = objectId;
  renderer.mocks.context.variables = variables;
  renderer.render(<BookMeeting />);
  return renderer;
}

describe("the Book a meeting card", () => {
  test.each([
    ["contact", "0-1", 51, `${BASE}/meetings/new/?contact=51`],
    ["company", "0-2", 20734, `${BASE}/meetings/new/?company=20734`],
    ["deal", "0-3", 9876543210, `${BASE}/meetings/new/?deal=9876543210`],
    ["ticket", "0-5", 7, `${BASE}/meetings/new/?ticket=7`],
  ])("on a %s record opens the prefilled form for that record", (kind, objectTypeId, objectId, expected) => {
    const { find } = renderCard({ objectTypeId, objectId });

    const button = find(Button);
    expect(button.text).toBe("Book a meeting");
    expect(button.props.variant).toBe("primary");
    expect(button.props.href).toEqual({ url: expected, external: true });
  });

  test("a base URL with a trailing slash gives the same link", () => {
    const { find } = renderCard({ objectTypeId: "0-1", objectId: 51, variables: { APP_BASE_URL: `${BASE}/` } });

    expect(find(Button).props.href.url).toBe(`${BASE}/meetings/new/?contact=51`);
  });

  test("without the base URL it says what to set instead of a broken link", () => {
    const { find, findAll } = renderCard({ objectTypeId: "0-1", objectId: 51, variables: {} });

    expect(findAll(Button)).toHaveLength(0);
    expect(find(Text).text).toContain("APP_BASE_URL");
  });

  test("on another record type it offers no link", () => {
    const { find, findAll } = renderCard({ objectTypeId: "0-48", objectId: 1 });

    expect(findAll(Button)).toHaveLength(0);
    expect(find(Text).text).toContain("contact, company, deal and ticket");
  });
});

describe("bookingLink", () => {
  test("encodes the id and refuses what is no link", () => {
    expect(bookingLink(BASE, "0-2", "12 34")).toBe(`${BASE}/meetings/new/?company=12+34`);
    expect(bookingLink("meetings.example.com", "0-1", 1)).toBeNull();
    expect(bookingLink(undefined, "0-1", 1)).toBeNull();
    expect(bookingLink(BASE, "0-1", undefined)).toBeNull();
  });
});
