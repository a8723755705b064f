"""`kotae requests claim / assign / release / lookup`: several agents working one queue.

The agent is `agent = "…"` in the config file (else the OS user). A change made with
--expect-version N is refused if someone changed the request since the caller saw version N;
the refusal shows the request as it is now.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.output import EXIT_NOT_FOUND, EXIT_OK, err
from app.core.i18n import _
from app.core.records import Request
from app.core.statuses import KINDS, status_label


def add_team_parser(sub: Any) -> None:
    """Add the team commands to the `requests` subparsers."""
    p = sub.add_parser("claim", help=_("take a request (without REF: the oldest unassigned)"))
    p.add_argument("reference", metavar="REF", nargs="?")
    p.add_argument("--kind", choices=KINDS, help=_("only this kind"))
    _expect(p)
    p = sub.add_parser("assign", help=_("give a request to an agent"))
    p.add_argument("reference", metavar="REF")
    p.add_argument("agent", metavar="AGENT")
    _expect(p)
    p = sub.add_parser("release", help=_("give a request back to the queue"))
    p.add_argument("reference", metavar="REF")
    _expect(p)
    p = sub.add_parser("lookup", help=_("find the request a submission key filed"))
    p.add_argument("key", metavar="KEY")


def _expect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expect-version", type=int, metavar="N",
                        help=_("refuse if the request is no longer at version N"))  # fmt: skip


def _held(request: Request, lang: str) -> None:
    status = status_label(request.status).get(lang)
    if request.assignee is None:
        print(
            _("{reference} ({status}) is assigned to no one.").format(
                reference=request.reference, status=status
            )
        )
        return
    print(
        _("{reference} ({status}) is assigned to {agent}.").format(
            reference=request.reference, status=status, agent=request.assignee
        )
    )


def cmd_claim(args: argparse.Namespace, ctx: Any) -> int:
    if args.reference:
        request = ctx.store.claim(args.reference, expected_version=args.expect_version)
    else:
        found = ctx.store.claim_next(kind=args.kind)
        if found is None:
            print(_("No unassigned open requests."))
            return EXIT_OK
        request = found
    _held(request, ctx.lang)
    return EXIT_OK


def cmd_assign(args: argparse.Namespace, ctx: Any) -> int:
    request = ctx.store.assign(
        args.reference, args.agent.strip(), expected_version=args.expect_version
    )
    _held(request, ctx.lang)
    return EXIT_OK


def cmd_release(args: argparse.Namespace, ctx: Any) -> int:
    request = ctx.store.release(args.reference, expected_version=args.expect_version)
    _held(request, ctx.lang)
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, ctx: Any) -> int:
    request = ctx.store.find_submission(args.key.strip())
    if request is None:
        err(_("No request was filed with the key {key}.").format(key=args.key))
        return EXIT_NOT_FOUND
    print(request.reference)
    return EXIT_OK


TEAM_COMMANDS = {
    "claim": cmd_claim,
    "assign": cmd_assign,
    "release": cmd_release,
    "lookup": cmd_lookup,
}
