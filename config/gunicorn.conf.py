"""gunicorn as `make serve` and the systemd unit in docs/deploy.md run it: `gunicorn -c config/gunicorn.conf.py`.

Every knob an operator may turn is an environment variable (README, "Serving it"); the rest is the shape
the app needs and says why.
"""

from __future__ import annotations

import os

wsgi_app = "config.wsgi:application"

# Behind a proxy on the same host, loopback is enough; APP_HOST=0.0.0.0 (or the host's private address)
# when the proxy runs elsewhere.
bind = f"{os.environ.get('APP_HOST', '127.0.0.1')}:{os.environ.get('APP_PORT', '8000')}"

# Threads, not sync workers: a request that calls HubSpot waits a whole round trip (up to
# HUBSPOT_TIMEOUT_SECONDS plus the retry budget), and a sync worker would serve no one else meanwhile.
worker_class = "gthread"
# At least two processes, so one busy or restarting process never leaves the host unanswered.
workers = max(2, int(os.environ.get("WEB_CONCURRENCY", "2")))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Settings are read once in the master: a configuration error stops the start instead of every worker
# failing in a loop, and the workers share the loaded code's memory.
preload_app = True

# A stop or restart lets a create in flight finish (HubSpot timeout 10 s + retry budget 4 s by default)
# rather than leave a pending record for the sweep to settle.
graceful_timeout = 30
# nginx reuses its connections to us; it must drop an idle one before we do (docs/deploy.md: 4 s there),
# or a request it sends into a connection we are closing fails.
keepalive = 5

# gunicorn 27's control socket has one default path per user, which a second instance on the host (another
# port, the tests' two servers) would take over; systemd and `make serve` steer gunicorn by signals instead.
control_socket_disable = True

# Only Django decides whether a request came over HTTPS (DJANGO_TRUST_X_FORWARDED_PROTO). gunicorn
# would otherwise believe X-Forwarded-Proto from any local client and mark the request secure on its own.
secure_scheme_headers: dict[str, str] = {}

# The access line with its duration in milliseconds. Both logs pass the filter that removes OAuth
# `code=` and `state=` values: HubSpot's redirect to the callback carries them in the request line and,
# on the next page, in the Referer.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_oauth": {"()": "config.logging.RedactOAuthParameters"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(asctime)s [%(process)d] %(message)s"},
    },
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout",
                   "filters": ["redact_oauth"]},
        "error": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stderr",
                  "filters": ["redact_oauth"]},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "filters": ["redact_oauth"], "propagate": False},
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "filters": ["redact_oauth"], "propagate": False},
    },
}
