"""The review document: figures worked out right, and every format readable."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from store_helpers import HOSTILE_CALL, record_judged_call

from monitor.report import build_report, overlaps, render, silences, talk_times
from monitor.store import SessionMeta, SqliteStore
from monitor.types import Segment, SegmentEvent

CALL = json.loads(HOSTILE_CALL.read_text(encoding="utf-8"))


def _seg(speaker: str, start: float, end: float, text: str = "x") -> Segment:
    return Segment(speaker, 0, start, end, text, final=True)  # type: ignore[arg-type]


def test_silences_overlaps_and_talk_time() -> None:
    segments = [
        _seg("agent", 0.0, 4.0),
        _seg("customer", 3.0, 6.0),  # talks over the agent for 1 s
        _seg("agent", 9.5, 10.0),  # after 3.5 s of silence
        _seg("customer", 10.5, 12.0),
    ]
    assert [(s.start, s.end) for s in overlaps(segments)] == [(3.0, 4.0)]
    gaps = sorted((s.start, s.end) for s in silences(segments))
    assert gaps == [(6.0, 9.5), (10.0, 10.5)]
    talk = {t.speaker: t for t in talk_times(segments)}
    assert talk["agent"].seconds == 4.5 and talk["customer"].seconds == 4.5
    assert talk["agent"].share == 0.5 and talk["agent"].turns == 2


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory):
    store = SqliteStore(tmp_path_factory.mktemp("store") / "s.db")
    session_id = record_judged_call(store)
    return build_report(store, session_id)


class _Page(HTMLParser):
    """What a browser would find: elements by tag, with attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text_in: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in ("meta", "br", "path", "line", "circle"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        for tag in set(self._open):
            self.text_in.setdefault(tag, []).append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            attrs
            for t, attrs in self.elements
            if t == tag and (cls is None or cls in attrs.get("class", "").split())
        ]


def test_html_is_one_self_contained_page_with_a_timeline(hostile_report) -> None:
    page_text = render(hostile_report, "html")
    page = _Page()
    page.feed(page_text)
    page.close()

    assert len(page.find("svg")) == 1
    turns = page.find("rect", "turn")
    assert len(turns) == len(CALL["turns"])  # one rect per speaker turn
    assert {t["data-speaker"] for t in turns} == {"agent", "customer"}
    flagged = {int(t["data-line"]) for t in turns if t["fill"] == "#b3261e"}
    assert flagged == set(CALL["expect"]["hostile"])
    x = [float(t["x"]) for t in turns]
    assert x == sorted(x) and x[0] < x[-1]  # the turns are laid out in call order

    quotes = " ".join(page.text_in.get("blockquote", []))
    assert "You people are useless idiots." in quotes and "incompetent moron" in quotes
    listed = {row["data-step"] for row in page.find("tr", "step-row")}
    judged = set(CALL["expect"]["steps"])
    assert judged <= listed
    assert len(page.find("tr", "covered")) >= len(judged)
    assert len(page.find("g", "step")) >= len(judged)  # step marks on the timeline
    transcript = " ".join(page.text_in.get("table", []))
    assert all(t["text"] in transcript for t in CALL["turns"])
    # self-contained: nothing to fetch, nothing to run
    assert not page.find("script") and not page.find("link") and not page.find("img")
    assert all("src" not in attrs for _, attrs in page.elements)
    hrefs = [a["href"] for a in page.find("a")]
    assert hrefs and all(h.startswith("#line-") for h in hrefs)
    ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
    assert all(ids.count(h[1:]) == 1 for h in hrefs)  # each flag links to its transcript line


def test_text_markdown_and_json_say_the_same(hostile_report) -> None:
    text = render(hostile_report, "text")
    markdown = render(hostile_report, "md")
    data = json.loads(render(hostile_report, "json"))
    for turn in CALL["turns"]:
        assert turn["text"] in text and turn["text"] in markdown
    assert "✓ Greet with the company name: covered at 00:00.4" in text
    assert "| ✓ | Greet with the company name | covered |" in markdown
    assert "> It's four four one eight. And hurry up, you incompetent moron." in markdown
    assert data["score"] == hostile_report.score == 100.0
    assert {f["line"] for f in data["flags"]} == set(CALL["expect"]["hostile"])
    assert sum(t["share"] for t in data["talk"]) == pytest.approx(1.0, abs=0.01)
    assert data["silences"][0]["length"] == max(s["length"] for s in data["silences"])
    assert len(data["transcript"]) == len(CALL["turns"])
    assert data["health"]["latency_p50"] == 0.5


def test_an_interrupted_session_says_so(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    writer = store.start_session(SessionMeta(source="live"))
    writer(SegmentEvent(Segment("agent", 0, 0.0, 2.0, "Hello, Acme, Ana speaking.", True)))
    writer.abandon()  # the call died without its summary
    report = build_report(store, "last")
    assert report.interrupted
    assert "Status     interrupted" in render(report, "text")
    assert "Hello, Acme, Ana speaking." in render(report, "html")


def test_html_renders_in_a_headless_browser(hostile_report, tmp_path: Path) -> None:
    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if
         shutil.which(b)), None,
    )  # fmt: skip
    if browser is None:
        pytest.skip("no headless Chromium installed")
    page = tmp_path / "summary.html"
    page.write_text(render(hostile_report, "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--disable-gpu", "--no-sandbox", f"--screenshot={shot}",
         "--window-size=1200,1600", page.as_uri()],
        check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    assert shot.stat().st_size > 10_000
