"""Production refuses to start without its secrets, names what is missing or weak, and passes Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import _low_in_entropy

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "k3%v9!qzR_7wLx2#pT8m@Yb4^nHc6&jF0eDs1*GaU5)oWi-rE+tZ"
# Exactly what production needs, and nothing else.
REQUIRED = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": STRONG_SECRET,
    "DJANGO_ALLOWED_HOSTS": "meetings.example.com",
    "DATABASE_URL": "sqlite:////tmp/meeting-booker-deploy-check.sqlite3",
    "HUBSPOT_CLIENT_ID": "id",
    "HUBSPOT_CLIENT_SECRET": "secret",
    "TOKEN_ENCRYPTION_KEYS": "7mr0sJw6H2n0aW3pYbqUjJ0sXr8mVq1Rz5cN4dLtE9k=",
    "AUDIT_CHAIN_KEY": "Vq3x9-audit-chain-key-for-the-deploy-check-7Rz5",
}


def _clean_env(**overrides: str) -> dict[str, str]:
    configuration = ("DJANGO_", "HUBSPOT_", "DATABASE_", "REDIS_", "TOKEN_", "AUDIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(configuration)}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **overrides})
    return env


def _start_django(code: str = "print('started')", **overrides: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with only the given configuration variables."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=_clean_env(**overrides), capture_output=True, text=True, timeout=60,
    )


def _without(name: str) -> dict[str, str]:
    return {k: v for k, v in REQUIRED.items() if k != name}


@pytest.mark.parametrize("missing", [name for name in REQUIRED if name != "DJANGO_DEBUG"])
def test_production_without_a_required_variable_fails_naming_it(missing):
    result = _start_django(**_without(missing))

    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize("weak", [
    "s3cr3t",  # short
    "ab" * 30,  # long, but hardly random
    "django-insecure-" + STRONG_SECRET,  # what startproject writes
    "dev-only-insecure-secret-key-never-use-in-production",  # our development key
    "k3%v9!" * 9,  # 54 characters, 6 different ones, which Django's own check lets pass: one run repeated
])
def test_production_refuses_a_weak_secret_key(weak):
    result = _start_django(**{**REQUIRED, "DJANGO_SECRET_KEY": weak})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert weak not in result.stderr  # the message names the variable, never its value


@pytest.mark.parametrize(("keys", "message"), [
    (" , ", "TOKEN_ENCRYPTION_KEYS names no key"),
    ("not-a-fernet-key", "TOKEN_ENCRYPTION_KEYS: key 1 is not a Fernet key"),
    ("7mr0sJw6H2n0aW3pYbqUjJ0sXr8mVq1Rz5cN4dLtE9k=,short", "TOKEN_ENCRYPTION_KEYS: key 2 is not a Fernet key"),
    ("LL4edKYlEPrWI1Np0UEgjnMQobvaSjJoQb15maNes0Y=", "TOKEN_ENCRYPTION_KEYS must not contain the development key"),
])
def test_production_refuses_unusable_token_encryption_keys(keys, message):
    result = _start_django(**{**REQUIRED, "TOKEN_ENCRYPTION_KEYS": keys})

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(("keys", "message"), [
    (" , ", "AUDIT_CHAIN_KEY names no key"),
    ("k3%v9!qzR_7wLx2", "AUDIT_CHAIN_KEY: key 1 is shorter than 32 characters"),
    ("dev-audit-chain-key-public-development-only", "AUDIT_CHAIN_KEY must not contain the development key"),
    ("a" * 41, "AUDIT_CHAIN_KEY: key 1 is too weak for DJANGO_DEBUG off: repeated or too few different characters"),
    ("Vq3x9-audit-chain-key-for-the-deploy-check-7Rz5," + "abcdefgh" * 5, "AUDIT_CHAIN_KEY: key 2 is too weak"),
    ("0123456789abcdef0123456789abcdefx", "AUDIT_CHAIN_KEY: key 1 is too weak"),  # one digit away from a repeat
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + "Zq7#Lp", "AUDIT_CHAIN_KEY: key 1 is too weak"),  # 36 long, few bits
])
def test_production_refuses_unusable_audit_chain_keys(keys, message):
    result = _start_django(**{**REQUIRED, "AUDIT_CHAIN_KEY": keys})

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("hosts", ["*", "meetings.example.com,*", "*.example.com"])
def test_production_refuses_a_wildcard_host(hosts):
    result = _start_django(**{**REQUIRED, "DJANGO_ALLOWED_HOSTS": hosts})

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the hosts the app answers as when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("DJANGO_ALLOWED_HOSTS", "*"), ("AUDIT_CHAIN_KEY", "a" * 41),
                                             ("DJANGO_SECRET_KEY", "k3%v9!" * 9)])
def test_the_deploy_check_refuses_weak_settings_in_one_line_naming_the_variable(name, value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=_clean_env(**{**REQUIRED, name: value}), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"django.core.exceptions.ImproperlyConfigured: {name}") and value not in last


@pytest.mark.parametrize("key", ["secrets.token_urlsafe(32)", "secrets.token_hex(16)", "secrets.token_hex(32)"])
def test_keys_made_the_usual_ways_pass(key):
    import secrets

    for _ in range(200):  # random keys: many draws, so a rule that refuses some of them shows
        made = eval(key, {"secrets": secrets})  # noqa: S307 - the parameters above, nothing else
        assert not _low_in_entropy(made), made


def test_production_with_everything_set_starts():
    result = _start_django(**REQUIRED)

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_the_deploy_check_finds_nothing_with_only_the_required_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT, env=_clean_env(**REQUIRED), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_a_proxys_forwarded_proto_is_believed_only_when_switched_on():
    show = "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"

    assert _start_django(show, **REQUIRED).stdout.split() == ["None"]
    trusted = _start_django(show, **REQUIRED, DJANGO_TRUST_X_FORWARDED_PROTO="1").stdout
    assert trusted.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_development_defaults_point_at_the_sandbox():
    result = _start_django(
        "from django.conf import settings as s; "
        "print(s.HUBSPOT_API_BASE, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['ATOMIC_REQUESTS'])",
        DJANGO_DEBUG="1",
    )

    assert result.stdout.split() == ["http://localhost:8001", "django.db.backends.sqlite3", "False"]
