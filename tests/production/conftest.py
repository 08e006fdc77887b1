"""The production shape for tests: `scripts/serve` (what `make serve` runs) started as real processes.

Each app is the whole of `make serve` — gunicorn with its threaded workers and the background worker —
on its own port, with DJANGO_DEBUG=0 and only the variables production gets. They share one database
(a PostgreSQL database made for the run and dropped after it, or a SQLite file when PostgreSQL is not
reachable) and one Redis (db 5, under a key prefix of the run's own), as app hosts behind a proxy do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import _flag, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
# What the proxy in front answers as; HubSpot accepts no IP address in a redirect URL.
PUBLIC_HOST = "localhost"
PUBLIC_ORIGIN = f"https://{PUBLIC_HOST}"
POSTGRES_FALLBACK = "postgres://postgres@127.0.0.1:5432/postgres"
START_SECONDS = 40  # one app's whole start on a busy 2-core machine: checks, migrate, collectstatic, gunicorn
PRODUCTION = {  # the required variables, and nothing of the developer's settings
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3%v9!qzR_7wLx2#pT8m@Yb4^nHc6&jF0eDs1*GaU5)oWi-rE+tZ",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HUBSPOT_CLIENT_ID": "sandbox-demo-client-id",
    "HUBSPOT_CLIENT_SECRET": "sandbox-demo-client-secret",
    "TOKEN_ENCRYPTION_KEYS": "7mr0sJw6H2n0aW3pYbqUjJ0sXr8mVq1Rz5cN4dLtE9k=",
}


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any app configuration (the test settings put some there), plus overrides."""
    configuration = ("DJANGO_", "HUBSPOT_", "DATABASE_", "REDIS_", "TOKEN_", "APP_", "WEB_CONCURRENCY", "GUNICORN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(configuration)}
    env.update({"PYTHON": sys.executable, **overrides})
    return env


def eventually(condition, seconds: float = 10) -> bool:
    """Whether `condition()` turns true within `seconds`: processes boot and write their logs in their own time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextmanager
def shared_redis(prefix: str):
    """Redis db 5, reachable or the test is skipped (failed when services are required); the run's keys go after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"Needs Redis at {REDIS_URL} ({type(error).__name__}): the app's processes share sessions through it"
        skip_or_fail(reason, "REQUIRE_POSTGRES" if _flag("REQUIRE_POSTGRES") else "REQUIRE_REDIS")
    try:
        yield client
    finally:
        for key in client.scan_iter(match=f"*{prefix}*", count=500):
            client.delete(key)


def _postgres_server() -> str:
    """The PostgreSQL server DATABASE_URL names (the suite's PostgreSQL pass), else the local one; no database."""
    configured = os.environ.get("DATABASE_URL", "")
    url = configured if configured.startswith(("postgres://", "postgresql://")) else POSTGRES_FALLBACK
    return url.rsplit("/", 1)[0]


def _maintenance(server: str):
    """A short connection to the server's maintenance database, to create or drop one: held no longer."""
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=2)


@contextmanager
def shared_database(tmp_path: Path):
    """A fresh PostgreSQL database for the apps, dropped after them; a SQLite file if PostgreSQL does not answer
    (a failure instead with REQUIRE_POSTGRES=1)."""
    import psycopg

    server, name = _postgres_server(), f"meeting_booker_production_{uuid.uuid4().hex[:10]}"
    try:
        with _maintenance(server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if _flag("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL at {server} is not reachable ({error}) (REQUIRE_POSTGRES=1 makes this a failure)",
                        pytrace=False)
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    try:
        yield f"{server}/{name}"
    finally:
        with _maintenance(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class App:
    """One `make serve`: its process (the script, leader of its own process group), port and output file."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def gunicorn_workers(self) -> list[int]:
        """The pids of gunicorn's worker processes: the children of the master that `make serve` started."""
        masters = [pid for pid in _children(self.process.pid) if b"gunicorn" in _cmdline(pid)]
        return [pid for master in masters for pid in _children(master)]

    def background_workers(self) -> list[int]:
        return [pid for pid in _children(self.process.pid) if b"manage.py\0worker" in _cmdline(pid)]

    def close(self) -> None:
        """Stop it as an operator would (SIGTERM to `make serve`), then kill whatever of it is left."""
        processes = {pid: _started(pid) for pid in _descendants(self.process.pid)}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(15)
        # gunicorn and the worker run in sessions of their own; a pid is ours only while its start time is.
        for pid, started in processes.items():
            if started and _started(pid) == started:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _descendants(pid: int) -> list[int]:
    children = _children(pid)
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid`, from /proc/*/stat (this kernel has no /proc/*/task/*/children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def _started(pid: int) -> str | None:
    """The process's start time (in clock ticks since boot), which a reused pid does not share."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def start_app(env: dict[str, str], log: Path, timeout: float = START_SECONDS) -> App:
    """`scripts/serve` on a free port; returns once gunicorn answers /healthz (plain HTTP: the probe's exemption)."""
    from hubspot_sandbox.testing import free_port

    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(["bash", "scripts/serve"], cwd=ROOT, env={**env, "APP_PORT": str(port)},
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    app = App(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"make serve exited with {process.returncode}:\n{app.output()}")
        try:
            if requests.get(f"{app.url}/healthz", timeout=1).status_code == 200:
                return app
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    app.close()
    raise RuntimeError(f"make serve did not answer within {timeout:.0f} s:\n{app.output()}")


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    """Two `make serve` processes sharing one database and one Redis, both talking to one HubSpot sandbox."""
    from hubspot_sandbox.testing import SandboxServer

    prefix = f"production-test-{uuid.uuid4().hex[:8]}"
    tmp_path = tmp_path_factory.mktemp("production")
    with ExitStack() as stack:  # unwinds backwards: the apps stop before their database is dropped
        stack.enter_context(shared_redis(prefix))
        database_url = stack.enter_context(shared_database(tmp_path))
        sandbox = stack.enter_context(SandboxServer.start())
        env = production_env(
            **PRODUCTION, DATABASE_URL=database_url, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix,
            DJANGO_TRUST_X_FORWARDED_PROTO="1", HUBSPOT_API_BASE=sandbox.url, HUBSPOT_APP_BASE=sandbox.url,
            WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
        )
        # One after the other: the first migrates the fresh database and collects the static files, which two
        # at once would both do (a deploy runs migrate once, docs/deploy.md); the second finds nothing to do.
        first = stack.enter_context(closing(start_app(env, tmp_path / "a.log")))
        second = stack.enter_context(closing(start_app(env, tmp_path / "b.log")))
        sandbox.configure(redirect_uris=[f"{PUBLIC_ORIGIN}/accounts/hubspot/login/callback/"])
        yield sandbox, first, second


class Browser:
    """`requests` as a browser seen through the TLS proxy: one public origin, whichever process answers.

    The proxy passes the public Host and says the request came over HTTPS (X-Forwarded-Proto); the Origin
    header satisfies CSRF. The app's cookies are Secure, which a cookie jar would not send over the plain
    HTTP the proxy speaks to the app, so they are a dict sent on every request.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, app: App, path: str, **kwargs) -> requests.Response:
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", "Origin": PUBLIC_ORIGIN,
                   **kwargs.pop("headers", {})}
        response = requests.request(method, app.url + path, headers=headers, cookies=self.cookies,
                                    allow_redirects=False, timeout=20, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, app: App, path: str, **kwargs) -> requests.Response:
        return self.request("GET", app, path, **kwargs)

    def post(self, app: App, path: str, data: dict, **kwargs) -> requests.Response:
        return self.request("POST", app, path, data={**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
                            **kwargs)

