"""Start a sandbox process for tests and steer it through its control API."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxServer:
    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process = process
        self.port = port
        # `localhost`: HubSpot rejects IP addresses in redirect URLs, and cookies follow host names.
        self.url = f"http://localhost:{port}"
        self.http = requests.Session()

    @classmethod
    def start(cls, *extra_args: str, search_lag: float = 0, timeout: float = 15.0) -> SandboxServer:
        """A sandbox on a free port. Search finds new meetings at once unless `search_lag` (seconds) says otherwise:
        most tests are not about HubSpot's indexing delay, and `reset` returns to this value."""
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "hubspot_sandbox", "--port", str(port), "--quiet", "--search-lag", str(search_lag),
             *extra_args],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        server = cls(process, port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"The sandbox exited: {process.stderr.read().decode(errors='replace')}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/__sandbox__/health", timeout=1).ok:
                    return server
            except requests.ConnectionError:
                time.sleep(0.05)
        process.kill()
        raise RuntimeError(f"The sandbox did not start within {timeout:.0f} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _post(self, action: str, body: dict | None = None) -> dict:
        response = self.http.post(f"{self.url}/__sandbox__/{action}", json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._post("reset")

    def fault(self, path: str, count: int = 1, mode: str = "status", status: int = 503, method: str = "POST",
              **options) -> None:
        self._post("faults", {"path": path, "count": count, "mode": mode, "status": status, "method": method,
                              **options})

    def property_rules(self, *rules: dict) -> None:
        """The portal admin's rules for meeting properties, enforced on 2026-09 writes (none: clear them)."""
        self._post("property-rules", {"rules": list(rules)})

    def latency(self, ms: int) -> None:
        self._post("latency", {"ms": ms})

    def configure(self, **options) -> None:
        self._post("config", options)

    def set_search_lag(self, seconds: float) -> None:
        """Meetings created from now on reach search `seconds` later; reading them by id works at once."""
        self.configure(search_lag=seconds)

    def issue_token(self, user_id: int, scopes=("oauth",), hub_id: int | None = None, ttl: int | None = None) -> dict:
        return self._post("tokens", {"user_id": user_id, "scopes": list(scopes), "hub_id": hub_id, "ttl": ttl})

    def expire_tokens(self) -> None:
        self._post("tokens/expire")

    def deactivate_user(self, user_id: int) -> None:
        self._post(f"users/{user_id}/deactivate")

    def requests(self, path: str | None = None, method: str | None = None) -> list[dict]:
        log = self.http.get(f"{self.url}/__sandbox__/requests", timeout=10).json()["requests"]
        return [r for r in log if (path is None or r["path"] == path) and (method is None or r["method"] == method)]

    def meetings(self) -> dict:
        return self.http.get(f"{self.url}/__sandbox__/meetings", timeout=10).json()["meetings"]

    def demo(self) -> dict:
        return self.http.get(f"{self.url}/__sandbox__/demo", timeout=10).json()
