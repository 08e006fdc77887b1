"""Log filters for every logger that writes request lines: the dev server's, Django's, later gunicorn's access log."""

from __future__ import annotations

import logging
import re

# `code=` and `state=` in a query string, as HubSpot's redirect to the OAuth callback carries them.
_OAUTH_QUERY_VALUE = re.compile(r"([?&](?:code|state)=)[^&\s\"']*", re.IGNORECASE)


def redact_oauth_parameters(text: str) -> str:
    return _OAUTH_QUERY_VALUE.sub(r"\1[redacted]", text)


class RedactOAuthParameters(logging.Filter):
    """Replace the values of `code=` and `state=` in a log record's message with `[redacted]`.

    An authorization code is a credential until it is exchanged (a failed callback leaves it
    unused), and the state binds it to a browser: together they must not sit in a log that
    more people read than may sign in. The message is formatted here, once, so the filter
    works whatever the arguments were (a tuple for Django, a dict for gunicorn's access log).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_oauth_parameters(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
