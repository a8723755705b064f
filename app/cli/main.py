"""Command line: `kotae` (the terminal UI), `ask`, `check`, `requests …`, `db …`.

Textual is imported only when the UI starts, so `kotae ask` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.core import i18n
from app.core.answers import describe, json_line, result_to_json
from app.core.i18n import _
from app.core.knowledge import KnowledgeBase, KnowledgeError, check_knowledge
from app.core.knowledge_cache import load_knowledge_cached
from app.core.match.matcher import Matcher
from app.core.match.text import printable

# Exit codes, also listed in the README.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # `check` found problems, or the knowledge base cannot be loaded
EXIT_USAGE = 2  # bad arguments or an unusable question
EXIT_INPUT = 3  # a file named on the command line cannot be read
_SURROGATES = re.compile("[\ud800-\udfff]")
EXIT_PIPE = 141  # the reader of stdout went away (`| head -1`), as the shell reports SIGPIPE


# Global options that take a value: the word after them is not the command.
_VALUE_OPTIONS = {"--knowledge", "--data-dir", "--lang", "--database"}


def _global_part(argv: Sequence[str]) -> tuple[list[tuple[str, str | None]], str | None]:
    """The global options before the command word, each with its value, and that word."""
    options: list[tuple[str, str | None]] = []
    args = iter(argv)
    for arg in args:
        if not arg.startswith("-"):
            return options, arg
        options.append((arg, next(args, None) if arg in _VALUE_OPTIONS else None))
    return options, None


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of an argument list (`ask` in `--knowledge DIR ask …`), if any."""
    return _global_part(argv)[1]


def build_parser(only_ask: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `only_ask` leaves out every command but `ask`, whose cold start
    should not pay for building (and importing) the others' parsers."""
    parser = argparse.ArgumentParser(
        prog="kotae",
        description=_("Answers questions about the API data-usage policy, in Japanese or English."),
        epilog=_("Without a command, kotae opens the terminal UI (Ask, Browse, Requests)."),
    )
    parser.add_argument("--version", action="version", version=f"kotae {__version__}")
    parser.add_argument("--knowledge", type=Path, metavar="DIR", help=_("knowledge folder"))
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help=_("request store folder"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("interface / answer language"))
    parser.add_argument(
        "--database",
        metavar="URL",
        help=_("shared request store, postgresql://user@host/db (no password here)"),
    )
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help=_("answer one question, or a file of them"))
    ask.add_argument("question", nargs="*", help=_("the question"))
    ask.add_argument("--json", action="store_true", help=_("print one JSON object"))
    ask.add_argument("--batch", metavar="FILE", help=_("one question per line; '-' for stdin"))
    ask.add_argument("--lang", dest="ask_lang", choices=i18n.LANGUAGES, help=_("answer language"))
    ask.add_argument(
        "--previous", metavar="ENTRY_ID", help=_("entry answered just before, read as context")
    )
    if only_ask:
        return parser

    check = sub.add_parser("check", help=_("validate the knowledge base"))
    check.add_argument(
        "--knowledge",
        dest="check_knowledge",
        type=Path,
        metavar="DIR",
        help=_("knowledge folder to check (default: the one in use)"),
    )

    serve = sub.add_parser("serve", help=_("run the customer web site"))
    serve.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
    serve.add_argument("--port", type=int, default=8080, help=_("port to listen on"))
    serve.add_argument("--workers", type=int, default=1, help=_("worker processes"))
    serve.add_argument(
        "--trust-proxy",
        metavar="IPS",
        help=_("trust X-Forwarded-* headers from these addresses (a TLS reverse proxy)"),
    )

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
        from app.cli.db import add_db_parser

        add_db_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`kotae`; a reader that closes stdout early (`| head -1`) ends it quietly."""
    try:
        try:
            code = _main(argv)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_PIPE
    return code


def _discard_stdout() -> None:
    # Python flushes stdout once more at exit; point it at /dev/null so that flush is silent.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests)
        pass


def _main(argv: Sequence[str] | None = None) -> int:
    argv = [_clean_arg(a) for a in (sys.argv[1:] if argv is None else argv)]
    for stream in (sys.stdout, sys.stderr):
        # Valid UTF-8 whatever the locale (C, Latin-1 …): never a traceback, never invalid bytes.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")
    i18n.set_language(i18n.choose_language(_peek_lang(argv), None))
    args = build_parser(only_ask=command_of(argv) == "ask").parse_args(argv)
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
        if args.command == "db":
            from app.cli.db import run_db

            return run_db(args)
        if args.command == "serve":
            from app.web.serve import serve  # Starlette and uvicorn load only here

            return serve(
                host=args.host,
                port=args.port,
                workers=args.workers,
                data_dir=args.data_dir,
                knowledge=args.knowledge,
                trust_proxy=args.trust_proxy,
            )
        kb = load_knowledge_cached(args.knowledge)
    except KnowledgeError as exc:
        _report_problems(exc.problems)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    if args.command == "ask":
        return cmd_ask(args, kb)
    return cmd_ui(args, kb)


def _clean_arg(arg: str) -> str:
    # Bytes that are not UTF-8 arrive as lone surrogates; they become U+FFFD, so nothing
    # downstream (matching, JSON, the terminal) ever sees or echoes invalid UTF-8.
    with contextlib.suppress(UnicodeEncodeError):
        arg = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return _SURROGATES.sub("\ufffd", arg)


def _peek_lang(argv: Sequence[str] | None) -> str | None:
    # The parser's own help text must already be in the right language. Only the global
    # --lang, before the command: `ask --lang en` and `insights add --lang ja` choose the
    # language of an answer or an example, not of Kotae's messages.
    options = _global_part(list(sys.argv[1:] if argv is None else argv))[0]
    for arg, value in options:
        if arg == "--lang" and value is not None:
            return value
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
    if args.previous is not None and args.previous not in kb.entries:
        print(
            _("Unknown entry id for --previous: {id}").format(id=printable(args.previous)),
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = matcher.ask(question, previous=args.previous)
    if args.json:
        print(json_line(result_to_json(result, kb, lang)))
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
                print(json_line({"line": number, "error": message, "decision": "decline"}))
            else:
                print(f"[{number}] {message}\n")
            continue
        result = matcher.ask(question)
        if as_json:
            print(json_line(result_to_json(result, kb, lang)), flush=False)
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
    if args.database:
        # The interface opens its store later, from the environment or the config file.
        import os

        from app.core.records import StoreError
        from app.store.factory import ENV_DATABASE_URL, refuse_password_on_command_line

        try:
            refuse_password_on_command_line(args.database)
        except StoreError as exc:
            print(exc.message(i18n.current_language()), file=sys.stderr)
            return EXIT_USAGE
        os.environ[ENV_DATABASE_URL] = args.database
    from app.core import deadlines

    deadlines.set_timezone(config.timezone)
    from app.tui.app import run_tui

    return run_tui(kb, args.lang, config, args.data_dir)


if __name__ == "__main__":
    raise SystemExit(main())
