"""``share on|off``: what Setup's "Let my staff use Groundwork from their computers" switch does."""
from __future__ import annotations

from core.cli.common import emit, settings_from


def cmd_share(args) -> int:
    from core.sharing.switch import describe, turn_off, turn_on

    settings = settings_from(args)
    settings = turn_on(settings) if args.state == "on" else turn_off(settings)
    shared = describe(settings)

    def human(payload: dict) -> str:
        if not payload["sharing"]:
            return ("Sharing is off: Groundwork can be opened only on this computer (an open Groundwork stops "
                    "serving the office network within a few seconds).")
        where = payload["addresses"][0] if payload["addresses"] else f"this computer's address, port {payload['port']}"
        return (f"Sharing is on: staff open {where} in their browser and sign in. Groundwork serves the office "
                "network while it runs here and has been opened in a browser on this computer since it started "
                "(an open one starts within a few seconds).")

    emit(args, shared.as_dict(), human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("share", parents=[common],
                       help="let staff use Groundwork from their computers (on) or not (off), as Setup's switch")
    p.add_argument("state", choices=["on", "off"])
    p.set_defaults(func=cmd_share)
