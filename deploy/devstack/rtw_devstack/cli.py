"""`rtw-stack`: runs RTW's infrastructure as plain processes (the Makefile's `up`, `down`,
`status` and `mail` call it)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from rtw_shared.services import SERVICE_NAMES

from . import mail, stack
from .config import StackSettings
from .errors import StackError
from .supervision import Supervisor

DEMO_USERS = (
    ("tara", "therapist", "clinic-north"),
    ("theo", "therapist", "clinic-south"),
    ("erin", "employer", "acme"),
    ("evan", "employer", "globex"),
    ("ivy", "insurer", "northwind"),
    ("ian", "insurer", "contoso"),
    ("ada", "admin", "platform"),
)


def cmd_up(settings: StackSettings, args: argparse.Namespace) -> None:
    outcomes = stack.ensure(settings, args.only)
    if not any(o.started for o in outcomes):
        print("Everything was already running; nothing to do.")
    print_summary(settings)


def cmd_down(settings: StackSettings, args: argparse.Namespace) -> None:
    stack.stop(settings, args.only)
    print("Stopped. Data is kept in", settings.data_dir, "(delete it for a clean slate).")


def cmd_status(settings: StackSettings, args: argparse.Namespace) -> None:
    states = stack.status(settings)
    restarts = Supervisor(settings).restarts()
    for name, component in stack.components(settings).items():
        state = "running" if states[name] else "stopped"
        counted = sum(n for program, n in restarts.items() if program.startswith(f"{name}-"))
        note = f"  (restarted {counted}x after a crash)" if counted else ""
        print(f"{name:<10} {state:<8} {component.describe()}{note}")
    sys.exit(0 if all(states.values()) else 3)


def cmd_mail(settings: StackSettings, args: argparse.Namespace) -> None:
    messages = mail.received(settings.maildir)[-args.last :]
    if args.json:
        print(json.dumps([asdict(m) for m in messages], indent=2))
        return
    if not messages:
        print(f"No mail yet in {settings.maildir}.")
    for m in messages:
        print(f"{m.date}  {m.sender} -> {', '.join(m.recipients)}\n  {m.subject}\n")


def print_summary(settings: StackSettings) -> None:
    print("\nRTW infrastructure is up:")
    for name, component in stack.components(settings).items():
        print(f"  {name:<9} {component.describe()}")
    print(f"  tokens    {settings.keycloak_issuer}/protocol/openid-connect/token")
    print("\nDemo logins (password `demo`):")
    for user, role, org in DEMO_USERS:
        print(f"  {user:<5} {role:<10} {org}")
    print("  machine client northwind-api / northwind-secret (insurer, northwind)")
    print(f"\nLogs: {settings.log_dir}   Stop: make down")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rtw-stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("up", cmd_up, "start what is not running, wait until ready"),
        ("down", cmd_down, "stop everything the stack started"),
        ("status", cmd_status, "say what runs (exit 3 if something does not)"),
    ):
        p = sub.add_parser(name, help=text)
        p.set_defaults(func=func)
        if name != "status":
            p.add_argument(
                "--only",
                type=lambda v: v.split(","),
                default=None,
                help="comma-separated components: postgres, kafka, keycloak, smtp, " + ", ".join(SERVICE_NAMES),
            )
    p = sub.add_parser("mail", help="list what the SMTP sink received")
    p.add_argument("--json", action="store_true")
    p.add_argument("--last", type=int, default=20)
    p.set_defaults(func=cmd_mail)
    args = parser.parse_args(argv)
    try:
        args.func(StackSettings(), args)
    except StackError as error:
        print(f"rtw-stack: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
