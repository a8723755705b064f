"""Interface strings: every one goes through gettext and has a Japanese translation."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core import i18n

REPO = Path(__file__).resolve().parent.parent
JA_PO = REPO / "locales" / "ja" / "LC_MESSAGES" / "kotae.po"
KEYWORDS = {"_": None, "N_": None}


def _catalog():  # type: ignore[no-untyped-def]
    with JA_PO.open("rb") as fh:
        return read_po(fh)


def _extracted() -> set[str]:
    # The same sources as `make i18n` (babel.cfg): Python and the web templates.
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = extract_from_dir(str(REPO / "app"), method_map=method_map, keywords=KEYWORDS)
    return {msg for _file, _line, msg, _comments, _context in found if isinstance(msg, str)}


def test_every_message_has_a_japanese_translation() -> None:
    missing = [m.id for m in _catalog() if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_catalog_is_in_sync_with_the_code() -> None:
    in_code = _extracted()
    in_catalog = {m.id for m in _catalog() if m.id}
    assert sorted(in_code - in_catalog) == [], "run `make i18n` and translate the new messages"
    assert sorted(in_catalog - in_code) == [], "messages no longer in the code: run `make i18n`"


def _fields(text: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}


def test_translations_keep_the_placeholders() -> None:
    for m in _catalog():
        if m.id and m.string:
            assert _fields(m.id) == _fields(m.string), m.id


# Calls whose first argument (or these keyword arguments) a user reads on screen.
SHOWN_CALLS = {"notify", "Label", "Static", "Button", "Checkbox", "RadioButton", "Binding"}
SHOWN_KEYWORDS = {"placeholder", "title", "tooltip", "description", "label"}


def _bare_strings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        args = list(node.args[:1]) if name in SHOWN_CALLS else []
        args += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        for arg in args:
            text = arg.value if isinstance(arg, ast.Constant) else None
            # A sentence (letters and a space) shown as is; ids and CSS names are single words.
            if isinstance(text, str) and re.search(r"[A-Za-z]{2,}", text) and " " in text.strip():
                found.append((node.lineno, text))
    return found


@pytest.mark.parametrize(
    "path", sorted((REPO / "app").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO))
)
def test_no_interface_string_bypasses_gettext(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _bare_strings(tree) == []


def test_japanese_catalog_is_used() -> None:
    assert i18n.gettext_for("ja", "Source: {source}") != "Source: {source}"


def test_an_english_answer_says_its_quote_is_the_japanese_original() -> None:
    # The policy exists in Japanese only; English readers are told why the quote is Japanese.
    en = i18n.gettext_for("en", "Source: {source}").format(source="データ使用ポリシー")
    assert "original Japanese" in en
    ja = i18n.gettext_for("ja", "Source: {source}").format(source="データ使用ポリシー")
    assert ja == "出典: データ使用ポリシー"
