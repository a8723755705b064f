"""`kotae knowledge copy DIR`: an editable copy of the shipped knowledge folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_INVALID, EXIT_OK, err
from app.core.i18n import _


def add_knowledge_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("knowledge", help=_("the knowledge folder"))
    sub = parser.add_subparsers(dest="knowledge_command", metavar="COMMAND", required=True)
    p = sub.add_parser("copy", help=_("make an editable copy of the shipped knowledge folder"))
    p.add_argument("dest", type=Path, metavar="DIR", help=_("a new or empty folder for the copy"))


def run_knowledge(args: argparse.Namespace) -> int:
    from app.core.knowledge_edit import EditRefused, copy_knowledge

    try:
        dest = copy_knowledge(args.dest)
    except (EditRefused, OSError) as exc:
        err(str(exc))
        return EXIT_INVALID
    print(
        _("Copied the knowledge folder to {dest}. Edit it, then use --knowledge {dest}.").format(
            dest=dest
        )
    )
    return EXIT_OK
