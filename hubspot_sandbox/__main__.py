"""python -m hubspot_sandbox — a local HubSpot for Meeting Booker's demo and tests."""

from __future__ import annotations

import argparse
import contextlib
import logging

from werkzeug.serving import make_server

from hubspot_sandbox.app import Sandbox
from hubspot_sandbox.data import DEFAULT_REDIRECT_URIS
from hubspot_sandbox.state import DEFAULT_SEARCH_LAG, Config, State


def seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan, which would keep every new meeting out of search for good
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hubspot_sandbox",
        description="A local HubSpot, in API versions 2026-09 and 2026-03: OAuth consent and tokens, owners, "
        "CRM search, meeting properties and labels, files and the scheduler's create-meeting endpoint, with "
        "HubSpot's errors, scopes and rate limits. New meetings reach search after a lag. Demo data is loaded at "
        "start. The control API under /__sandbox__/ (reset, faults, latency, property rules, config, tokens, "
        "request log) is for local use only.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on (default 8001)")
    parser.add_argument("--redirect-uri", action="append", dest="redirect_uris", metavar="URL",
                        help="a redirect URL registered for the demo app (repeatable; default: "
                        "the app's callback on localhost:8000 and 127.0.0.1:8000)")
    parser.add_argument("--token-ttl", type=int, default=1800, help="access-token lifetime in seconds (default 1800)")
    parser.add_argument("--rate-limit", default="110/10",
                        help="rolling per-portal budget REQUESTS/SECONDS (default 110/10, as HubSpot's public apps)")
    parser.add_argument("--search-rate-limit", type=int, default=5,
                        help="CRM searches per second per portal (default 5)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every API answer (default 0)")
    parser.add_argument("--search-lag", type=seconds, default=DEFAULT_SEARCH_LAG, metavar="SECONDS",
                        help="how long a new meeting stays invisible to CRM search while reading it by id "
                        f"already works, as HubSpot indexes with a delay (default {DEFAULT_SEARCH_LAG:g})")
    parser.add_argument("--demo-meetings", action="store_true",
                        help="put a few meetings on the next working day into the demo reps' calendars (make run)")
    parser.add_argument("--quiet", action="store_true", help="log warnings only")
    return parser.parse_args(argv)


def build_state(args: argparse.Namespace) -> State:
    requests, _, seconds = args.rate_limit.partition("/")
    defaults = Config(
        token_ttl=args.token_ttl, rate_max=int(requests), rate_interval_ms=int(float(seconds or 10) * 1000),
        search_per_second=args.search_rate_limit, latency_ms=args.latency_ms, search_lag=args.search_lag,
        demo_meetings=args.demo_meetings,
    )
    state = State(defaults=defaults, redirect_uris=set(args.redirect_uris or DEFAULT_REDIRECT_URIS))
    state.reset()
    return state


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="sandbox %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(args.host, args.port, Sandbox(build_state(args)), threaded=True)
    print(f"HubSpot sandbox on http://{args.host}:{server.port}  (demo app client id: sandbox-demo-client-id)",
          flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
