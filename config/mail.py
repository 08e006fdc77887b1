"""EMAIL_URL (django-environ's form) as Django's MAILERS setting: one mailer, "default"."""

from __future__ import annotations

import environ

SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
# django-environ's names for the parts of the URL, and the OPTIONS Django's backends take for them.
SMTP_OPTIONS = {"EMAIL_HOST": "host", "EMAIL_PORT": "port", "EMAIL_HOST_USER": "username",
                "EMAIL_HOST_PASSWORD": "password", "EMAIL_USE_TLS": "use_tls", "EMAIL_USE_SSL": "use_ssl"}
SMTP_TIMEOUT_SECONDS = 10  # the worker sends: a mail server that hangs must not hold it


def mailers_from_url(url: str) -> dict:
    """`smtp://user:password@host:587`, `consolemail://`, `filemail:///var/mail` (`filemail:////abs/path`), …"""
    parsed = environ.Env.email_url_config(url)
    backend = parsed["EMAIL_BACKEND"]
    options = {}
    if backend == SMTP:
        options = {name: parsed[key] for key, name in SMTP_OPTIONS.items() if parsed.get(key) not in (None, "")}
        options["timeout"] = SMTP_TIMEOUT_SECONDS
    elif backend == FILE:
        options = {"file_path": parsed["EMAIL_FILE_PATH"]}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
