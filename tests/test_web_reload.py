"""A running site serves an edited knowledge folder that passes check, else keeps the old one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.web import reload
from app.web.app import create_app
from app.web.settings import Settings

OLD = "API データの保持期間 (最大 30 日)"
NEW = "API データの保管期間 (最長 30 日)"


def test_edited_folder_is_served_and_a_broken_edit_is_not(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(reload, "CHECK_SECONDS", 0.0)
    settings = Settings(data_dir=tmp_path / "data", secret_key=b"k" * 32, knowledge=kb_copy)  # type: ignore[arg-type]
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    url = "/ja/entry/policy.retention-30-days"
    assert OLD in client.get(url).text
    entries = kb_copy / "entries" / "policy.toml"
    good = entries.read_text(encoding="utf-8").replace(OLD, NEW)
    entries.write_text(good, encoding="utf-8")
    page = client.get(url).text
    assert NEW in page and OLD not in page
    entries.write_text(good + "\n[[entry\n", encoding="utf-8")  # broken TOML
    with caplog.at_level(logging.WARNING, logger="kotae.web"):
        page = client.get(url).text
    assert NEW in page
    assert [r for r in caplog.records if "fails check" in r.getMessage()]
    assert NEW not in caplog.text  # a count, no content
