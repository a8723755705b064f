"""The web site in a real browser: the distribution's Chromium driven by Playwright, against
`kotae serve --workers 2` started as a subprocess. Screenshots go to test-output/screenshots/.

Needs the Debian packages `chromium` and `fonts-noto-cjk`; without them these tests skip,
unless KOTAE_REQUIRE_SYSTEM=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GUARD = "return event.isComposing || event.keyCode === 229;"


def _missing(what: str) -> None:
    message = f"{what}: apt-get install chromium fonts-noto-cjk"
    if os.environ.get("KOTAE_REQUIRE_SYSTEM") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        _missing("no Chromium")
    data = tmp_path_factory.mktemp("web-data")
    port = _free_port()
    env = {
        **os.environ,
        "KOTAE_DATA_DIR": str(data),
        "KOTAE_WEB_ASK_LIMIT": "1000/60",
        "KOTAE_WEB_SUBMIT_LIMIT": "100/60",
        "KOTAE_WEB_CONTACT": "privacy@example.com",
    }
    command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/en/", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("kotae serve did not start")
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def context(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("no Playwright (pip install -e '.[dev]')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        ctx.set_default_timeout(10_000)
        yield ctx
        ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    context.clear_cookies()
    pg = context.new_page()
    yield pg
    pg.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


# -- IME ------------------------------------------------------------------------------------


def _compose_then_enter(page: Any, cdp: Any) -> None:
    page.focus("#f-q")
    page.evaluate(
        """() => { window.enterSeen = [];
        document.addEventListener('keydown', e => { if (e.key === 'Enter')
          window.enterSeen.push(e.isComposing); }, true); }"""
    )
    cdp.send("Input.imeSetComposition", {"text": "ほぞん", "selectionStart": 3, "selectionEnd": 3})
    for kind in ("rawKeyDown", "keyUp"):
        cdp.send(
            "Input.dispatchKeyEvent",
            {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
        )


def test_enter_while_the_ime_is_composing_does_not_submit(server: str, page: Any) -> None:
    page.goto(server + "/ja/")
    cdp = page.context.new_cdp_session(page)
    _compose_then_enter(page, cdp)
    page.wait_for_timeout(400)
    assert page.evaluate("window.enterSeen") == [True]  # a trusted Enter inside a composition
    assert page.url == server + "/ja/"
    # The composition is confirmed; the next Enter asks the question.
    cdp.send("Input.insertText", {"text": "保存期間は？"})
    with page.expect_navigation():
        for kind in ("rawKeyDown", "keyUp"):
            cdp.send(
                "Input.dispatchKeyEvent",
                {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
            )
    assert page.url == server + "/ja/ask"
    assert "保持期間" in page.inner_text("main")


def test_without_the_composition_guard_the_same_keys_submit(server: str, page: Any) -> None:
    # The same script with only the guard taken out: proves the test above can fail.
    def unguarded(route: Any) -> None:
        original = route.fetch().text()
        assert GUARD in original
        route.fulfill(body=original.replace(GUARD, "return false;"), content_type="text/javascript")

    page.route("**/static/kotae.js", unguarded)
    page.goto(server + "/ja/")
    cdp = page.context.new_cdp_session(page)
    with page.expect_navigation():
        _compose_then_enter(page, cdp)
    assert page.url == server + "/ja/ask"


def test_shift_enter_makes_a_new_line_and_enter_asks(server: str, page: Any) -> None:
    page.goto(server + "/en/")
    page.focus("#f-q")
    page.keyboard.type("Dear support,")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("how long do you keep API data?")
    assert page.url == server + "/en/"
    assert "\n" in page.input_value("#f-q")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "30 days" in page.inner_text("main")


def test_the_site_works_without_javascript(server: str, context: Any) -> None:
    browser = context.browser
    del browser  # a persistent context has none; a page with JS off is enough
    pg = context.new_page()
    pg.route("**/static/kotae.js", lambda route: route.abort())
    pg.goto(server + "/en/")
    pg.fill("#f-q", "Is my data used for training?")
    with pg.expect_navigation():
        pg.click("button[type=submit]")
    assert "training" in pg.inner_text("main").lower()
    pg.close()


# -- fonts ----------------------------------------------------------------------------------

GLYPH = """([a, b]) => {
  const c = document.createElement('canvas'); c.width = 160; c.height = 80;
  const x = c.getContext('2d');
  const font = getComputedStyle(document.body).font;
  const draw = (t) => {
    x.clearRect(0, 0, 160, 80);
    x.font = font.replace(/\\d+(\\.\\d+)?px/, '48px');
    x.fillText(t, 10, 60);
    return Array.from(x.getImageData(0, 0, 160, 80).data).join(',');
  };
  return [draw(a), draw(b)];
}"""


def _same_glyph(page: Any, a: str, b: str) -> bool:
    first, second = page.evaluate(GLYPH, [a, b])
    return bool(first == second)


def test_japanese_renders_as_glyphs_not_empty_boxes(server: str, page: Any) -> None:
    page.goto(server + "/ja/")
    # Two characters that no font has render as the same empty box: the detector sees it.
    assert _same_glyph(page, "\U0010fffd", "\U0010fffc")
    if subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout == "":
        _missing("no Japanese font")
    for a, b in (("保", "存"), ("削", "除"), ("デ", "ー")):
        assert not _same_glyph(page, a, b), f"{a} and {b} render alike: no CJK font (tofu)"
        assert not _same_glyph(page, a, "\U0010fffd"), f"{a} renders as an empty box"


# -- pages and forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "question", "decline"),
    [
        ("ja", "データは学習に使われますか？", "今日の天気は？"),
        ("en", "Is my data used for training?", "What is the price per token?"),
    ],
)
def test_ask_answer_decline_screenshots(
    server: str, page: Any, lang: str, question: str, decline: str
) -> None:
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/{lang}/")
        assert page.get_attribute("html", "lang") == lang
        assert no_horizontal_scroll(page)
        shot(page, f"{lang}-ask-{width}")
        page.fill("#f-q", question)
        with page.expect_navigation():
            page.click("form.ask-form button[type=submit]")
        assert page.locator("article.card").count() >= 1
        assert no_horizontal_scroll(page)
        shot(page, f"{lang}-answer-{width}")
        page.fill("#f-q", decline)
        with page.expect_navigation():
            page.click("form.ask-form button[type=submit]")
        assert "privacy@example.com" in page.inner_text("main")
        assert no_horizontal_scroll(page)
        shot(page, f"{lang}-decline-{width}")


def _tab_to(page: Any, selector: str) -> None:
    for _ in range(60):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _continue(page: Any) -> None:
    _tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_deletion_request_in_japanese_with_the_keyboard_alone(server: str, page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(server + "/ja/entry/faq.deletion-request")
    _tab_to(page, "a[href='/ja/request/deletion']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shot(page, "ja-form-step-320")
    _continue(page)  # nothing ticked: the error summary
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert no_horizontal_scroll(page)
    shot(page, "ja-error-summary-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "ja-error-summary-1280")
    _tab_to(page, ".error-summary a")
    page.keyboard.press("Enter")  # the summary link leads to the field
    assert page.evaluate("location.hash") == "#f-scope"
    _tab_to(page, "#f-scope")
    page.keyboard.press("Space")
    _continue(page)
    _tab_to(page, "#f-email")
    page.keyboard.type("hanako@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type("org-keyboard42")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field is the Continue button
    _tab_to(page, "#f-country")
    for _ in range(300):  # arrow keys move through a closed select
        if page.input_value("#f-country") == "JP":
            break
        page.keyboard.press("ArrowDown")
    assert page.input_value("#f-country") == "JP"
    _continue(page)
    _continue(page)  # the optional note
    _tab_to(page, "#f-ack_irreversible")
    page.keyboard.press("Space")
    _tab_to(page, "#f-ack_legal_retention")
    page.keyboard.press("Space")
    _continue(page)
    assert "hanako@example.jp" in page.inner_text("main")  # the review
    shot(page, "ja-review-1280")
    _continue(page)
    assert "/received" in page.url
    text = page.inner_text("main")
    assert re.search(r"DEL-\d{4}-\d{6}", text) and "h***@example.jp" in text
    shot(page, "ja-receipt-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    assert no_horizontal_scroll(page)
    shot(page, "ja-receipt-320")
    # The status link works in another browser session; the requester withdraws.
    link = page.url.removesuffix("/received")
    page.context.clear_cookies()
    page.goto(link)
    assert "受付済み" in page.inner_text("main")
    with page.expect_navigation():
        page.click("form[action$='/withdraw'] button")
    # Not without the box ticked: it cannot be undone.
    assert "チェックを入れてください" in page.inner_text(".error-summary")
    assert "受付済み" in page.inner_text("main")
    page.check("#f-confirm")
    with page.expect_navigation():
        page.click("form[action$='/withdraw'] button")
    text = page.inner_text("main")
    assert "リクエストを取り下げました" in text and "依頼者が撤回" in text
    shot(page, "ja-withdrawn-320")


def test_dpa_request_in_english(server: str, page: Any) -> None:
    page.goto(server + "/en/request/dpa")
    shot(page, "en-form-step-1280")
    with page.expect_navigation():
        page.click("button[value=next]")
    shot(page, "en-error-summary-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    assert no_horizontal_scroll(page)
    shot(page, "en-error-summary-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#f-legal_name", "Example GmbH")
    page.click("button[value=next]")
    page.fill("#f-registered_address", "Hauptstr. 1\n10115 Berlin")
    page.select_option("#f-country", "DE")
    page.click("button[value=next]")
    page.fill("#f-org_id", "org-dpa12345")
    page.click("button[value=next]")
    page.fill("#f-signatory_name", "Erika Muster")
    page.fill("#f-signatory_title", "CEO")
    page.fill("#f-signatory_email", "erika@example.de")
    page.click("button[value=next]")
    page.check("#f-customer_role")
    page.click("button[value=next]")
    page.check("#f-transfers")
    page.click("button[value=next]")
    page.wait_for_url("**/review")
    assert "Standard Contractual Clauses" in page.inner_text("main")
    page.check("#f-us_processing")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/received" in page.url
    assert re.search(r"DPA-\d{4}-\d{6}", page.inner_text("main"))
    shot(page, "en-receipt-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    assert no_horizontal_scroll(page)
    shot(page, "en-receipt-320")
    page.goto(page.url.removesuffix("/received"))
    assert "Submitted" in page.inner_text("main")


def test_the_language_switch_keeps_a_half_typed_step(server: str, page: Any) -> None:
    page.goto(server + "/en/request/deletion")
    page.check("#f-scope")
    page.click("button[value=next]")
    page.wait_for_url("**/account")
    page.fill("#f-email", "typed@example.com")
    with page.expect_navigation():
        page.click(".lang-switch a")  # the header link, before Continue was pressed
    assert page.url.endswith("/ja/request/deletion/account")
    assert page.get_attribute("html", "lang") == "ja"
    assert page.input_value("#f-email") == "typed@example.com"


def test_back_from_a_related_entry_returns_to_the_answer(server: str, page: Any) -> None:
    # An answer is the result of a POST: kept privately in the browser, Back shows it again
    # instead of a "Confirm Form Resubmission" error page.
    page.goto(f"{server}/en/")
    page.fill("#f-q", "How long do you keep API data?")
    with page.expect_navigation():
        page.click("form.ask-form button[type=submit]")
    title = page.title()
    with page.expect_navigation():
        page.locator("article.card a[href*='/entry/']").first.click()
    assert "/entry/" in page.url
    page.go_back()
    assert page.title() == title
    assert page.locator("article.card").count() >= 1


def test_back_after_a_step_sent_with_errors_shows_the_step(server: str, page: Any) -> None:
    # Errors are shown by a redirect to the step: Back never meets a form sent by POST.
    page.goto(f"{server}/en/request/deletion")
    page.check("#f-scope")
    with page.expect_navigation():
        page.click("button[value=next]")
    with page.expect_navigation():
        page.click("button[value=next]")  # nothing filled in: errors
    assert page.locator(".error-summary").count() == 1
    step = page.url
    page.fill("#f-email", "a@example.com")
    page.fill("#f-org_id", "org-abcd1234")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert page.url != step
    page.go_back()
    assert page.url == step
    assert page.input_value("#f-email") == "a@example.com"
