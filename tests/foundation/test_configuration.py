"""Production refuses to start without its secrets, and names what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start_django(code: str = "print('started')", **overrides: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with only the given configuration variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUBSPOT_", "DATABASE_", "REDIS_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **overrides})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_fails_naming_it():
    result = _start_django(DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_fails_naming_it():
    result = _start_django(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize("missing", ["HUBSPOT_CLIENT_ID", "HUBSPOT_CLIENT_SECRET"])
def test_production_without_hubspot_app_credentials_fails(missing):
    configured = {
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.com",
        "HUBSPOT_CLIENT_ID": "id", "HUBSPOT_CLIENT_SECRET": "secret",
    }
    del configured[missing]

    result = _start_django(**configured)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_with_everything_set_starts():
    result = _start_django(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.com",
        HUBSPOT_CLIENT_ID="id", HUBSPOT_CLIENT_SECRET="secret",
    )

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_defaults_point_at_the_sandbox():
    result = _start_django(
        "from django.conf import settings as s; "
        "print(s.HUBSPOT_API_BASE, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['ATOMIC_REQUESTS'])",
        DJANGO_DEBUG="1",
    )

    assert result.stdout.split() == ["http://localhost:8001", "django.db.backends.sqlite3", "False"]
