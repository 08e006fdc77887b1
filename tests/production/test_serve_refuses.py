"""`make serve` refuses to start without what production needs, in one line that names it — no traceback wall."""

from __future__ import annotations

import subprocess

import pytest

from tests.production.conftest import PRODUCTION, ROOT, production_env


def serve(**variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/serve"], cwd=ROOT, env=production_env(**variables),
                          capture_output=True, text=True, timeout=60)


def production(tmp_path, **changes: str | None) -> dict[str, str]:
    """The required variables (a SQLite file as the database: these checks come before any connection), changed."""
    variables = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **changes}
    return {k: v for k, v in variables.items() if v is not None}


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "TOKEN_ENCRYPTION_KEYS"])
def test_a_missing_required_variable_is_named_in_one_line(missing, tmp_path):
    result = serve(**production(tmp_path, **{missing: None}))

    assert result.returncode == 2
    assert result.stderr.startswith(
        f"make serve: the configuration check failed: ImproperlyConfigured: {missing} must be set when DJANGO_DEBUG is off"
    )
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(("name", "value", "says"), [
    ("DJANGO_ALLOWED_HOSTS", "*", "DJANGO_ALLOWED_HOSTS must name the hosts the app answers as"),
    ("AUDIT_CHAIN_KEY", "a" * 41, "AUDIT_CHAIN_KEY: key 1 is too weak for DJANGO_DEBUG off"),
])
def test_a_wildcard_host_or_a_repeated_chain_key_is_refused_in_one_line(name, value, says, tmp_path):
    result = serve(**production(tmp_path, **{name: value}))

    assert result.returncode == 2
    assert result.stderr.startswith(f"make serve: the configuration check failed: ImproperlyConfigured: {says}")
    assert len(result.stderr.splitlines()) == 1 and value not in result.stderr


def test_without_redis_url_it_refuses_saying_what_the_processes_share_through_it(tmp_path):
    result = serve(**production(tmp_path))

    assert result.returncode == 2
    assert result.stderr.startswith("make serve: the Redis check failed: REDIS_URL must be set: the processes share "
                                    "the cache, the token refresh lock and the HubSpot rate budget")
    assert len(result.stderr.splitlines()) == 1


def test_an_unreachable_redis_is_one_line_too(tmp_path):
    result = serve(**production(tmp_path, REDIS_URL="redis://127.0.0.1:1/5"))

    assert result.returncode == 2
    assert result.stderr.startswith("make serve: the Redis check failed: ConnectionError: Error 111 connecting to "
                                    "127.0.0.1:1. Connection refused.")
    assert result.stderr.rstrip().endswith("(whole output: var/serve-setup.log)")
    assert len(result.stderr.splitlines()) == 1
