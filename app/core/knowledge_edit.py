"""Add a question as an example of an entry, editing the knowledge TOML in place.

tomlkit keeps the file's comments, blank lines and layout, so an editor's diff is the one new
line. The result must pass the knowledge check or the file is put back byte for byte. Only a
folder the editor named is changed: never the copy inside the installed package.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import tomlkit
from tomlkit.items import Array

from app.core.files import write_atomic
from app.core.i18n import _
from app.core.knowledge import check_knowledge
from app.core.paths import knowledge_dir

LANGS = ("ja", "en")


class EditRefused(Exception):
    """The edit was not made; the message says why and what to do."""


def packaged_knowledge() -> Path:
    return knowledge_dir().resolve()


def _inside_package(root: Path) -> bool:
    # A wheel keeps the knowledge folder inside the `app` package; a checkout beside it.
    package = Path(__file__).resolve().parent.parent
    return root == package / "knowledge" or package / "knowledge" in root.parents


def editable_root(root: Path | None) -> Path:
    """The folder to edit; refused unless named and outside the installed package."""
    how = _("Make an editable copy with `kotae knowledge copy DIR`, then use --knowledge DIR.")
    if root is None:
        raise EditRefused(_("Name the knowledge folder to edit with --knowledge.") + " " + how)
    resolved = root.expanduser().resolve()
    if _inside_package(resolved):
        raise EditRefused(
            _("{path} is the copy inside the installed package; it is not edited.").format(
                path=resolved
            )
            + " "
            + how
        )
    if not (resolved / "entries").is_dir():
        raise EditRefused(_("{path} is not a knowledge folder.").format(path=resolved))
    return resolved


def copy_knowledge(dest: Path) -> Path:
    """An editable copy of the shipped knowledge folder."""
    dest = dest.expanduser()
    if dest.exists() and any(dest.iterdir()):
        raise EditRefused(_("{path} already exists and is not empty.").format(path=dest))
    shutil.copytree(packaged_knowledge(), dest, dirs_exist_ok=True)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).casefold().split())

    return norm(a) == norm(b)


def add_example(root: Path | None, entry_id: str, lang: str, question: str) -> Path:
    """Append `question` to the example questions in `lang` of an entry or an out-of-scope
    topic (`entry_id` names either); returns the file changed."""
    folder = editable_root(root)
    question = " ".join(question.split())
    if not question:
        raise EditRefused(_("The question is empty."))
    if lang not in LANGS:
        raise EditRefused(_("The language must be ja or en."))
    kb, problems = check_knowledge(folder)
    if problems:
        raise EditRefused(
            _("The knowledge folder has {n} problem(s) already; fix them first: {problems}").format(
                n=len(problems), problems="; ".join(str(p) for p in problems)
            )
        )
    # An entry, or an out-of-scope topic (out_of_scope.toml, [[topic]]) to decline it as.
    entry = kb.entries.get(entry_id)
    topic = getattr(kb, "out_of_scope", {}).get(entry_id)
    if entry is not None:
        existing, path, array = entry.text(lang).questions, folder.parent / entry.file, "entry"
    elif topic is not None:
        existing, path, array = topic.text(lang).questions, folder / "out_of_scope.toml", "topic"
    else:
        raise EditRefused(_("There is no entry {id}.").format(id=entry_id))
    if any(_same(question, q) for q in existing):
        raise EditRefused(_("{id} already has this example question.").format(id=entry_id))
    original = path.read_bytes()
    doc = tomlkit.parse(original.decode("utf-8"))
    table = next(t for t in doc[array] if t.get("id") == entry_id)
    if "questions" not in table[lang]:
        table[lang]["questions"] = tomlkit.array()  # a topic known by its words alone
    questions = table[lang]["questions"]
    if not isinstance(questions, Array):
        raise EditRefused(_("{id}: {lang}.questions is not a list.").format(id=entry_id, lang=lang))
    if "\n" in questions.as_string():
        questions.add_line(question, indent=_indent(questions))  # one new line, same indent
    else:
        questions.append(question)  # a one-line list stays on one line
    _write(path, tomlkit.dumps(doc).encode("utf-8"))
    _kb, problems = check_knowledge(folder)
    if problems:
        _write(path, original)
        raise EditRefused(
            _("The change was undone: the knowledge check found {n} problem(s): {problems}").format(
                n=len(problems), problems="; ".join(str(p) for p in problems)
            )
        )
    return path


def _indent(array: Array) -> str:
    text = array.as_string()
    for line in text.splitlines()[1:]:
        stripped = line.lstrip()
        if stripped.startswith(('"', "'")):
            return line[: len(line) - len(stripped)]
    return "    "


def _write(path: Path, data: bytes) -> None:
    write_atomic(path, data, path.stat().st_mode & 0o777)  # the file keeps its permissions
