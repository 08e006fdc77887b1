// Tell the server the viewer's time zone, so pages show times in it (config/middleware.py).
// A cookie, not a form field: every page may show times. Set only when it changed.
(function () {
  "use strict";
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  const current = document.cookie.split("; ").find((item) => item.startsWith("viewer_tz="));
  if (current !== "viewer_tz=" + zone) {
    document.cookie = "viewer_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
