"""Command line: `kotae` (the terminal UI), `kotae ask`, `kotae check`, `kotae requests …`.

Textual is imported only when the UI starts, so `kotae ask` stays quick.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.core import i18n
from app.core.answers import describe, result_to_json
from app.core.i18n import _
from app.core.knowledge import KnowledgeBase, KnowledgeError, check_knowledge, load_knowledge
from app.core.match.matcher import Matcher
from app.core.match.text import printable

# Exit codes, also listed in the README.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # `check` found problems, or the knowledge base cannot be loaded
EXIT_USAGE = 2  # bad arguments or an unusable question
EXIT_INPUT = 3  # a file named on the command line cannot be read


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kotae",
        description=_("Answers questions about the API data-usage policy, in Japanese or English."),
    )
    parser.add_argument("--version", action="version", version=f"kotae {__version__}")
    parser.add_argument("--knowledge", type=Path, metavar="DIR", help=_("knowledge folder"))
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help=_("request store folder"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("interface / answer language"))
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help=_("answer one question, or a file of them"))
    ask.add_argument("question", nargs="*", help=_("the question"))
    ask.add_argument("--json", action="store_true", help=_("print one JSON object"))
    ask.add_argument("--batch", metavar="FILE", help=_("one question per line; '-' for stdin"))
    ask.add_argument("--lang", dest="ask_lang", choices=i18n.LANGUAGES, help=_("answer language"))

    check = sub.add_parser("check", help=_("validate the knowledge base"))
    check.add_argument("--knowledge", dest="check_knowledge", type=Path, metavar="DIR")

    from app.cli.eval import add_eval_parser
    from app.cli.insights import add_insights_parser
    from app.cli.knowledge import add_knowledge_parser

    add_eval_parser(sub)
    add_insights_parser(sub)
    add_knowledge_parser(sub)
    try:
        from app.cli.requests import add_requests_parser
    except ImportError:  # the request store is optional in a stripped-down build
        pass
    else:
        add_requests_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    i18n.set_language(i18n.choose_language(_peek_lang(argv), None))
    args = build_parser().parse_args(argv)
    if args.lang:
        i18n.set_language(args.lang)
    try:
        if args.command == "check":
            return cmd_check(args.check_knowledge or args.knowledge)
        if args.command == "eval":
            from app.cli.eval import run_eval

            return run_eval(args)
        if args.command == "insights":
            from app.cli.insights import run_insights

            return run_insights(args)
        if args.command == "knowledge":
            from app.cli.knowledge import run_knowledge

            return run_knowledge(args)
        if args.command == "requests":
            from app.cli.requests import run_requests

            return run_requests(args)
        kb = load_knowledge(args.knowledge)
    except KnowledgeError as exc:
        _report_problems(exc.problems)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    if args.command == "ask":
        return cmd_ask(args, kb)
    return cmd_ui(args, kb)


def _peek_lang(argv: Sequence[str] | None) -> str | None:
    # The parser's own help text must already be in the right language.
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _report_problems(problems: Sequence[object], out: TextIO | None = None) -> None:
    out = out or sys.stderr
    for p in problems:
        print(printable(str(p)), file=out)
    print(_("{n} problem(s) found.").format(n=len(problems)), file=out)


def cmd_check(root: Path | None) -> int:
    kb, problems = check_knowledge(root)
    problems = list(problems)
    try:
        from app.core.workflow.check import check_workflows
    except ImportError:
        pass
    else:
        if not any(p.field == "toml" for p in problems):
            problems.extend(check_workflows(kb))
    if problems:
        _report_problems(problems, sys.stdout)
        return EXIT_PROBLEMS
    print(
        _("OK: {entries} entries, {workflows} workflows, {groups} synonym groups.").format(
            entries=len(kb.entries), workflows=len(kb.workflows), groups=len(kb.synonyms)
        )
    )
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    matcher = Matcher(kb)
    lang = args.ask_lang or args.lang
    if args.batch is not None:
        if args.question:
            print(_("Give either a question or --batch, not both."), file=sys.stderr)
            return EXIT_USAGE
        return _ask_batch(args.batch, matcher, kb, lang, args.json)
    question = " ".join(args.question)
    if not question.strip():
        print(_('The question is empty. Example: kotae ask "保存期間は？"'), file=sys.stderr)
        return EXIT_USAGE
    result = matcher.ask(question)
    if args.json:
        print(json.dumps(result_to_json(result, kb, lang), ensure_ascii=False))
    else:
        print(describe(result, kb, lang))
    sys.stdout.flush()  # the answer first; keeping the question must not delay it
    from app.cli.insights import log_asked

    log_asked(args.data_dir, result)
    return EXIT_OK


def _ask_batch(
    source: str, matcher: Matcher, kb: KnowledgeBase, lang: str | None, as_json: bool
) -> int:
    try:
        lines = list(_read_lines(source))
    except OSError as exc:
        print(
            _("Cannot read {file}: {error}").format(file=source, error=exc.strerror),
            file=sys.stderr,
        )
        return EXIT_INPUT
    for number, line in lines:
        try:
            question = line.decode("utf-8")
        except UnicodeDecodeError:
            message = _("line {n} is not valid UTF-8").format(n=number)
            if as_json:
                print(json.dumps({"line": number, "error": message, "decision": "decline"}))
            else:
                print(f"[{number}] {message}\n")
            continue
        result = matcher.ask(question)
        if as_json:
            print(json.dumps(result_to_json(result, kb, lang), ensure_ascii=False), flush=False)
        else:
            print(describe(result, kb, lang) + "\n")
    return EXIT_OK


def _read_lines(source: str) -> Iterator[tuple[int, bytes]]:
    stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    try:
        for number, raw in enumerate(stream, 1):
            yield number, raw.rstrip(b"\r\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def cmd_ui(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from app.core.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        print(printable(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    from app.tui.app import run_tui

    return run_tui(kb, args.lang, config, args.data_dir)


if __name__ == "__main__":
    raise SystemExit(main())
