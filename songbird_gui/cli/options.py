"""The option values the commands share, and the options of every command on a library.

A service is named `spotify` or `ytmusic` (`youtube` too); counts, rates and shares are
checked as argparse reads them, so a wrong one is a usage error (exit code 2) in words.
Every command that opens a library takes the demo library's options and `--secrets-file`.
"""

from __future__ import annotations

import argparse
import math

from songbird_gui.cli.account_secrets import add_secrets_option
from songbird_gui.cli.checked_values import demo_faults, demo_latency_ms, demo_limit, demo_quirks
from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo_quirks import Quirk

SERVICE_NAMES = {
    "spotify": ServiceId.SPOTIFY,
    "ytmusic": ServiceId.YTMUSIC,
    "youtube": ServiceId.YTMUSIC,
}


def service(text: str) -> ServiceId:
    try:
        return SERVICE_NAMES[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError("choose spotify or ytmusic") from None


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def add_service_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--service", type=service, default=ServiceId.SPOTIFY, help="spotify or ytmusic"
    )


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """The demo library's options, and the accounts' secrets file."""
    g = parser.add_argument_group("demo library")
    g.add_argument("--demo", action="store_true", help="use the embedded demo library")
    g.add_argument(
        "--demo-latency-ms", type=demo_latency_ms, metavar="MS", help="latency of each request"
    )
    g.add_argument(
        "--demo-limit",
        type=demo_limit,
        metavar="R",
        help="server limit: requests/s on average over each demo service's window "
        "(Spotify-like 30 s, YouTube Music-like 5 s)",
    )
    g.add_argument(
        "--demo-faults", type=demo_faults, metavar="SHARE", help="share of requests failing"
    )
    g.add_argument("--demo-reset", action="store_true", help="forget the demo's earlier writes")
    g.add_argument(
        "--demo-quirks",
        type=demo_quirks,
        metavar="NAMES",
        help="switch on the demo's 2026 refusals, comma-separated: "
        + ", ".join(q.value for q in Quirk)
        + ", or all",
    )
    add_secrets_option(parser)
