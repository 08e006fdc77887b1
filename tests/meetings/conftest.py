"""Helpers for the meeting tests (the connected `rep` fixture lives in tests/conftest.py)."""

from tests.conftest import REP_SCOPES, connect, demo_user, meeting_post  # noqa: F401
