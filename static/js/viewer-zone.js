// Tell the server the viewer's time zone, so pages show times in it (config/middleware.py).
// A cookie, not a form field: every page may show times. Set only when it changed.
// A page drawn before the server knew the zone and that shows times marks itself (`data-zone-unknown`, the
// history's and record pages, GET only): it is drawn again at once in the viewer's zone, so the first visit
// never shows UTC and then, after a reload, another zone.
(function () {
  "use strict";
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  const current = document.cookie.split("; ").find((item) => item.startsWith("viewer_tz="));
  if (current !== "viewer_tz=" + zone) {
    document.cookie = "viewer_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    const stored = document.cookie.split("; ").includes("viewer_tz=" + zone);
    if (stored && document.querySelector("[data-zone-unknown]")) {
      window.location.replace(window.location.href);
    }
  }
})();
