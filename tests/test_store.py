"""The session store on real SQLite files: round trip, schema versions, readers during a call."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from store_helpers import HOSTILE_CALL, record_call

from monitor.config import StoreConfig
from monitor.errors import StoreError
from monitor.store import (
    DB_ENV,
    MIGRATIONS,
    SCHEMA_VERSION,
    SessionMeta,
    SqliteStore,
    open_store,
    resolve_db_path,
)
from monitor.types import (
    AudioChunk,
    FlagEvent,
    LevelEvent,
    Segment,
    SegmentEvent,
    StepEvent,
    SummaryEvent,
)


def _summary(duration: float = 10.0) -> SummaryEvent:
    return SummaryEvent(
        duration=duration,
        segments=0,
        finals=0,
        partials=0,
        latency_p50=None,
        latency_p95=None,
        first_partial_p50=None,
        cpu_seconds=0.0,
        dropped_blocks=0,
        startup_s=0.0,
    )


def test_a_call_reads_back_as_it_was_heard(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    session_id = record_call(store)
    call = json.loads(HOSTILE_CALL.read_text())
    session = store.load_session(session_id)

    assert session.info.status == "complete"
    assert [s.text for s in session.segments] == [t["text"] for t in call["turns"]]
    assert all(s.final for s in session.segments)  # partials were not stored
    assert session.info.duration == pytest.approx(call["turns"][-1]["end"])
    covered = {s.step_id for s in session.scoring.steps if s.status == "covered"}
    assert covered == {k for k, v in call["expect"]["steps"].items() if v} & covered
    assert covered
    assert sorted(f.turn for f in session.scoring.flags) == call["expect"]["hostile"]
    assert session.info.flags == len(call["expect"]["hostile"])
    assert session.marks[0].note == "check account"
    assert session.summary is not None and session.summary.latency_p95 == 0.6
    assert session.devices == ("test-device",)
    assert session.direction == "inbound"


def test_levels_are_sampled_at_the_configured_rate(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db", StoreConfig(sample_interval_s=2.0))
    writer = store.start_session(SessionMeta(source="x"))
    for i in range(100):  # 10 s of agent levels at 10 per second
        writer(LevelEvent("agent", -20.0, -6.0, False, i / 10))
    writer.close(_summary())
    levels = store.load_session(writer.session_id).levels
    assert [lv.at for lv in levels] == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_withdrawn_flag_does_not_count(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    writer = store.start_session(SessionMeta(source="x"))
    flag = FlagEvent(3, "customer", "profanity", "medium", 0.7, ("damn",), "damn it", 5.0)
    writer(flag)
    writer(FlagEvent(3, "customer", "profanity", "medium", 0.0, (), "darn it", 5.2, withdrawn=True))
    writer.close(_summary())
    session = store.load_session(writer.session_id)
    assert session.scoring.flags == ()
    assert store.list_sessions()[0].flags == 0
    assert not store.list_sessions(flagged=True)


def test_list_filters_and_order(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    day = 86400.0
    old = record_call(store, agent="Sarah", started_at=time.time() - 10 * day)
    new = record_call(store, agent="Tom", started_at=time.time() - 1 * day)
    clean = record_call(store, AUDIO_CLEAN, agent="Tom", started_at=time.time())
    assert [r.id for r in store.list_sessions()] == [clean, new, old]
    assert [r.id for r in store.list_sessions(agent="tom")] == [clean, new]
    assert [r.id for r in store.list_sessions(flagged=True)] == [new, old]
    assert [r.id for r in store.list_sessions(since=time.time() - 2 * day)] == [clean, new]
    assert len(store.list_sessions(limit=1)) == 1
    assert store.resolve("last") == clean


AUDIO_CLEAN = HOSTILE_CALL.with_name("tts-outbound-callback.call.json")


def test_unknown_session_is_a_one_line_error(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    with pytest.raises(StoreError, match="no sessions stored yet"):
        store.resolve("last")
    record_call(store)
    with pytest.raises(StoreError, match="no session 42"):
        store.load_session(42)
    with pytest.raises(StoreError, match="must be a number or 'last'"):
        store.load_session("yesterday")


def test_newer_schema_refuses_to_open_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    record_call(SqliteStore(path))
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 5,))
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        SqliteStore(path)
    message = str(info.value)
    assert "newer callmon" in message and "\n" not in message
    assert str(path) in message
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == (
        SCHEMA_VERSION + 5
    )
    conn.close()
    assert path.read_bytes() == before


def test_old_schema_is_migrated_keeping_its_sessions(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    conn.execute(
        "INSERT INTO sessions (id, started_at, heartbeat, status, source, title, direction, "
        "agent_name, company, language, model, config_path, config_text, duration) VALUES "
        "(7, ?, ?, 'complete', 'old.wav', 'an old call', 'inbound', 'Ana', 'Acme', 'en', "
        "'tiny.en', '', '', 12.5)",
        (time.time(), time.time()),
    )
    conn.execute(
        "INSERT INTO segments VALUES (7, 1, 0, 'agent', 0.0, 2.0, 'Acme, Ana speaking', 0.3, "
        "0.0, 0.0)"
    )
    conn.commit()
    conn.close()

    store = SqliteStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 3
    conn.close()
    session = store.load_session(7)
    assert session.meta.title == "an old call"
    assert session.segments[0].text == "Acme, Ana speaking"
    # the v2 table works on migrated data
    step = StepEvent("greet_company", "Greet", "covered", at=2.0, evidence="Acme")
    from monitor.store import make_scoring

    assert store.save_rescore(7, make_scoring(1, [step], [], "inbound")) == 1
    assert store.load_session(7).scoring.steps == (step,)


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable session store"):
        SqliteStore(path)


def test_db_path_env_overrides_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    assert resolve_db_path(StoreConfig(path="/elsewhere.db")) == tmp_path / "env.db"
    monkeypatch.delenv(DB_ENV)
    assert resolve_db_path(StoreConfig(path=str(tmp_path / "cfg.db"))) == tmp_path / "cfg.db"
    assert resolve_db_path(StoreConfig()).name == "sessions.db"
    assert "callmon" in str(resolve_db_path(StoreConfig()))


def test_rescore_revisions_keep_the_old_result(tmp_path: Path) -> None:
    from monitor.store import make_scoring

    store = SqliteStore(tmp_path / "s.db")
    session_id = record_call(store)
    live = store.load_session(session_id).scoring
    missed = StepEvent("greet_company", "Greet", "missed", at=4.9)
    assert store.save_rescore(session_id, make_scoring(1, [missed], [], "inbound")) == 1
    session = store.load_session(session_id)
    assert [s.revision for s in session.scorings] == [0, 1]
    assert session.scorings[0] == live
    assert session.scoring.steps == (missed,)
    assert session.scoring.score == 0.0
    assert store.list_sessions()[0].score == 0.0  # the list shows the current result


def test_delete_and_retention_remove_sessions_and_audio(tmp_path: Path) -> None:
    cfg = StoreConfig(path=str(tmp_path / "s.db"), record_audio=True)
    store = open_store(cfg)
    old_id = _record_audio_call(store, started_at=time.time() - 40 * 86400)
    new_id = _record_audio_call(store)
    old_audio = Path(store.load_session(old_id).audio_path)
    new_audio = Path(store.load_session(new_id).audio_path)
    assert old_audio.is_file() and new_audio.is_file()

    store = open_store(StoreConfig(path=cfg.path, record_audio=True, retention_days=30))
    assert [r.id for r in store.list_sessions()] == [new_id]
    assert not old_audio.exists()
    store.delete_session(new_id)
    assert store.list_sessions() == []
    assert not new_audio.exists()


def _record_audio_call(store: SqliteStore, started_at: float = 0.0) -> int:
    writer = store.start_session(
        SessionMeta(source="x", started_at=started_at, speakers=("agent", "customer"))
    )
    tone = (0.3 * np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000)).astype(np.float32)
    writer.write_audio(AudioChunk("agent", tone, 0.0, 0.0))
    writer.write_audio(AudioChunk("customer", tone[:8000], 1.5, 0.0))  # starts late
    writer.close(_summary(2.0))
    return writer.session_id


def test_recorded_audio_has_one_channel_per_speaker_in_call_time(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db", StoreConfig(record_audio=True))
    session_id = _record_audio_call(store)
    audio, rate = soundfile.read(store.load_session(session_id).audio_path, dtype="float32")
    assert rate == 16000 and audio.shape == (32000, 2)
    agent, customer = audio[:, 0], audio[:, 1]
    assert np.abs(agent[:16000]).max() > 0.25 and np.abs(agent[16000:]).max() == 0
    assert np.abs(customer[:24000]).max() == 0  # silence until the customer's t0 = 1.5 s
    assert np.abs(customer[24000:]).max() > 0.25


def test_audio_is_not_recorded_by_default(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    session_id = _record_audio_call(store)
    assert store.load_session(session_id).audio_path == ""
    assert not (tmp_path / "audio").exists()


def test_readers_see_a_call_grow_while_it_is_written(tmp_path: Path) -> None:
    """A browser open during a call: other connections read while the writer commits."""
    path = tmp_path / "s.db"
    store = SqliteStore(path)
    writer = store.start_session(SessionMeta(source="live"))
    total = 120
    seen: dict[int, list[int]] = {0: [], 1: []}
    errors: list[BaseException] = []
    done = threading.Event()

    def read(number: int) -> None:
        reader = SqliteStore(path)
        try:
            while not done.is_set():
                session = reader.load_session(writer.session_id)
                seen[number].append(len(session.segments))
                texts = [s.text for s in session.segments]
                assert texts == [f"line {i}" for i in range(len(texts))]  # never a torn read
                assert reader.list_sessions()[0].id == writer.session_id
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(n,)) for n in seen]
    for thread in readers:
        thread.start()
    for i in range(total):
        writer(SegmentEvent(Segment("agent", i, i, i + 0.5, f"line {i}", final=True)))
        time.sleep(0.01)
    writer.close(_summary(total))
    time.sleep(0.1)
    done.set()
    for thread in readers:
        thread.join()
    assert not errors, errors
    for counts in seen.values():
        assert counts == sorted(counts)  # each reader saw the call only grow
        assert len(set(counts)) > 3  # ...and saw it while it was being written
    assert len(store.load_session(writer.session_id).segments) == total


def test_store_failure_does_not_stop_the_call(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    writer = store.start_session(SessionMeta(source="x"))
    (tmp_path / "s.db").unlink()  # gone under the writer: it must report, not raise in the call
    for i in range(5):
        writer(SegmentEvent(Segment("agent", i, i, i + 1, "x", final=True)))
    with pytest.raises(StoreError):
        writer.close(_summary())


def test_status_tells_recording_from_interrupted(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    writer = store.start_session(SessionMeta(source="x"))
    writer(SegmentEvent(Segment("agent", 0, 0.0, 1.0, "hello", final=True)))
    assert store.list_sessions()[0].status == "recording"
    writer.abandon()  # the call died without its summary
    assert store.list_sessions()[0].status == "interrupted"
    assert store.load_session(writer.session_id).segments[0].text == "hello"
    other = store.start_session(SessionMeta(source="y"))
    other.close(_summary())
    assert store.load_session(other.session_id).info.status == "complete"


def test_settled_text_replaces_the_live_line_when_read_back(tmp_path: Path) -> None:
    """A revised final is a second row for the same utterance: readers get the settled
    text in the utterance's place; the live row stays in the file."""
    store = SqliteStore(tmp_path / "s.db")
    writer = store.start_session(SessionMeta(source="t", title="t", started_at=time.time()))
    writer(SegmentEvent(Segment("agent", 0, 0.0, 2.0, "thanks for coling", True, latency=0.5)))
    writer(SegmentEvent(Segment("customer", 1, 2.5, 4.0, "hi", True, latency=0.4)))
    writer(SegmentEvent(Segment("agent", 0, 0.0, 2.0, "Thanks for calling.", True,
                                latency=31.0, revised=True)))  # fmt: skip
    writer(_summary(4.0))
    session = store.load_session(writer.session_id)
    assert [(s.utterance_id, s.text, s.revised) for s in session.segments] == [
        (0, "Thanks for calling.", True),
        (1, "hi", False),
    ]
    conn = sqlite3.connect(tmp_path / "s.db")
    rows = conn.execute("SELECT text, revised FROM segments ORDER BY seq").fetchall()
    assert rows == [("thanks for coling", 0), ("hi", 0), ("Thanks for calling.", 1)]
