"""``callmon sessions | summary | rescore | export`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from store_helpers import AUDIO, HOSTILE_CALL, record_judged_call

from monitor.cli import main
from monitor.config import StoreConfig
from monitor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CLEAN_CALL = AUDIO / "tts-outbound-callback.call.json"
MISSED_CALL = AUDIO / "tts-inbound-missed-steps.call.json"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sessions.db"
    monkeypatch.setenv("CALLMON_DB", str(path))
    monkeypatch.chdir(tmp_path)  # no ./config.toml: built-in defaults
    return path


@pytest.fixture
def stored(db: Path) -> dict[str, int]:
    store = open_store(StoreConfig())
    return {
        "hostile": record_judged_call(store, HOSTILE_CALL),
        "clean": record_judged_call(store, CLEAN_CALL),
        "missed": record_judged_call(store, MISSED_CALL),
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sessions_lists_and_filters(stored: dict[str, int], capsys) -> None:
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["ID", "DATE", "DURATION", "DIRECTION"]
    assert [int(r.split()[0]) for r in rows] == [stored["missed"], stored["clean"],
                                                 stored["hostile"]]  # fmt: skip
    assert "Sarah" in out and "complete" in out

    code, out, _ = run(capsys, "sessions", "--json", "--flagged")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in listed] == [stored["hostile"]]
    assert listed[0]["flags"] >= 2 and listed[0]["direction"] == "inbound"

    missed = json.loads(run(capsys, "sessions", "--json")[1].splitlines()[0])
    assert missed["score"] < 100  # the call that skipped steps scores lower

    _, out, _ = run(capsys, "sessions", "--since", "2000-01-01", "--agent", "nobody")
    assert out.strip() == "no sessions match"
    _, out, _ = run(capsys, "sessions", "--since", time.strftime("%Y-%m-%d"), "--json")
    assert len(out.splitlines()) == 3


def test_bad_input_is_one_line(stored: dict[str, int], capsys) -> None:
    code, _, err = run(capsys, "sessions", "--since", "last tuesday")
    assert code == 1 and err.count("\n") == 1 and "--since must be a date" in err
    code, _, err = run(capsys, "summary", "999")
    assert code == 1 and err.count("\n") == 1 and "no session 999" in err
    code, _, err = run(capsys, "rescore")
    assert code == 1 and "or --all" in err


def test_delete_and_purge(stored: dict[str, int], capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "sessions", "delete", str(stored["clean"]))
    assert code == 0 and f"deleted session {stored['clean']}" in out
    ids = [json.loads(line)["id"] for line in run(capsys, "sessions", "--json")[1].splitlines()]
    assert stored["clean"] not in ids and len(ids) == 2
    _, out, _ = run(capsys, "sessions", "purge")
    assert "retention is off" in out
    config = tmp_path / "keep.toml"
    config.write_text("[store]\nretention_days = 1\n")
    import sqlite3

    conn = sqlite3.connect(os.environ["CALLMON_DB"])
    conn.execute("UPDATE sessions SET started_at = started_at - 3 * 86400 WHERE id = ?",
                 (stored["hostile"],))  # fmt: skip
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "sessions", "purge", "--config", str(config))
    assert code == 0 and "purged 1 session(s)" in out
    ids = [json.loads(line)["id"] for line in run(capsys, "sessions", "--json")[1].splitlines()]
    assert ids == [stored["missed"]]


def test_summary_formats_and_output_file(stored: dict[str, int], capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "summary", "last")
    assert code == 0 and f"callmon session #{stored['missed']}" in out
    code, out, _ = run(capsys, "summary", str(stored["hostile"]), "--format", "json")
    data = json.loads(out)
    assert data["session_id"] == stored["hostile"] and len(data["flags"]) >= 2
    target = tmp_path / "review.html"
    code, out, err = run(capsys, "summary", str(stored["hostile"]), "--format", "html", "-o",
                         str(target))  # fmt: skip
    assert code == 0 and out == "" and "wrote" in err

    class Svg(HTMLParser):
        rects = 0

        def handle_starttag(self, tag, attrs) -> None:
            self.rects += tag == "rect" and ("class", "turn") in attrs

    parser = Svg()
    parser.feed(target.read_text(encoding="utf-8"))
    assert parser.rects == 8


def test_export_writes_a_call_json_that_scores(stored: dict[str, int], capsys,
                                               tmp_path: Path) -> None:  # fmt: skip
    target = tmp_path / "mine.call.json"
    code, _, err = run(capsys, "export", str(stored["hostile"]), "--call-json", "-o", str(target))
    assert code == 0 and "check 'expect'" in err
    exported = json.loads(target.read_text(encoding="utf-8"))
    original = json.loads(HOSTILE_CALL.read_text(encoding="utf-8"))
    assert [t["text"] for t in exported["turns"]] == [t["text"] for t in original["turns"]]
    assert exported["direction"] == "inbound" and exported["company"] == "Brightline Internet"
    assert exported["expect"]["hostile"] == original["expect"]["hostile"]
    for step, covered in original["expect"]["steps"].items():
        assert exported["expect"]["steps"][step] == covered
    from monitor.scoring import load_call

    call = load_call(target)  # the eval tooling reads it
    assert len(call.turns) == 8
    code, out, _ = run(capsys, "eval", str(tmp_path))
    assert code == 0, out


def test_rescore_shows_what_a_config_change_flips(stored, capsys, tmp_path: Path) -> None:
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(
        "[rules.hostility]\ninsult_threshold = 50.0\nharassment_threshold = 50.0\n"
        "[rules.steps.thank_for_time]\nenabled = false\n"
    )
    hostile = str(stored["hostile"])
    code, out, _ = run(capsys, "rescore", hostile, "--config", str(lenient))
    assert code == 0
    assert "step thank_for_time: covered → n/a" in out
    # one flag per utterance, named by its most serious category (insult < harassment)
    assert "- flag customer harassment at 16.0s" in out and "incompetent moron" in out
    assert "+ flag" not in out
    before = json.loads(run(capsys, "sessions", "--json", "--flagged")[1])
    assert before["id"] == stored["hostile"]  # a dry run changes nothing

    code, out, _ = run(capsys, "rescore", hostile, "--config", str(lenient), "--apply",
                       "--json")  # fmt: skip
    result = json.loads(out)
    assert result["changed"] and result["saved_revision"] == 1
    assert run(capsys, "sessions", "--json", "--flagged")[1] == ""
    session = open_store(StoreConfig()).load_session(stored["hostile"])
    assert [s.revision for s in session.scorings] == [0, 1]
    assert len(session.scorings[0].flags) >= 2 and session.scoring.flags == ()

    code, out, err = run(capsys, "rescore", "--all")  # defaults again: only the applied one moves
    assert code == 0 and "1 of 3 session(s) would change" in err
    assert out.count("no change") == 2


@pytest.mark.model
def test_a_headless_replay_is_a_session_unless_no_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    env = {**os.environ, "CALLMON_DB": str(db), "HF_HUB_OFFLINE": "1"}
    wav = str(AUDIO / "tts-inbound-hostile.wav")
    cli = [sys.executable, "-m", "monitor.cli"]
    done = subprocess.run(
        [*cli, "replay", wav, "--headless", "--json", "--speed", "0"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    latest: dict[int, str] = {}  # each utterance's last text: settled where it was revised
    for e in printed:
        if e["type"] == "segment" and e["final"]:
            latest[e["utterance_id"]] = e["text"]
    finals = list(latest.values())
    store = open_store(StoreConfig(path=str(db)))
    session = store.load_session("last")
    assert session.info.status == "complete" and session.summary is not None
    assert [s.text for s in session.segments] == finals
    assert any(s.revised for s in session.segments)
    printed_flags = {(e["turn"], e["category"]) for e in printed
                     if e["type"] == "flag" and not e["withdrawn"]}  # fmt: skip
    assert {(f.turn, f.category) for f in session.scoring.flags} <= printed_flags
    assert session.scoring.flags  # the hostile customer was flagged and stored
    summary = subprocess.run([*cli, "summary", "last", "--format", "md"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert summary.returncode == 0 and finals[0] in summary.stdout

    subprocess.run([*cli, "replay", wav, "--headless", "--json", "--speed", "0", "--no-store"],
                   cwd=tmp_path, env=env, capture_output=True, timeout=300, check=True)  # fmt: skip
    assert len(store.list_sessions()) == 1
