"""Sessions: every call written as it happens, read back later (SQLite by default).

``SessionStore`` is the interface; ``SqliteStore`` implements it with the standard
library. The SQL is kept portable (plain types, no upserts, no JSON operators) so a
PostgreSQL backend for a shared team store can follow behind the same interface.

A ``SessionWriter`` is the pipeline's event sink: ``writer(event)`` only queues the
event (cheap, thread-safe); a background thread writes and commits within a fraction
of a second, so a crash, a ``kill -9`` or a power cut loses at most the last second.
A session that was never closed reads back as ``interrupted``.
"""

from __future__ import annotations

import abc
import atexit
import contextlib
import json
import os
import queue
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from monitor.config import StoreConfig
from monitor.errors import StoreError
from monitor.types import (
    SAMPLE_RATE,
    AudioChunk,
    DirectionEvent,
    ErrorEvent,
    Event,
    FlagEvent,
    LevelEvent,
    MarkEvent,
    Segment,
    SegmentEvent,
    StartEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
)

DB_ENV = "CALLMON_DB"
COMMIT_INTERVAL_S = 0.25  # the writer thread commits at least this often while events arrive
HEARTBEAT_S = 5.0  # an open session whose heartbeat is older than STALE_S is interrupted
STALE_S = 20.0

# Schema migrations: MIGRATIONS[i] brings a database from version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # v1: sessions, final segments, every other event as JSON
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at DOUBLE PRECISION NOT NULL,
            ended_at DOUBLE PRECISION,
            heartbeat DOUBLE PRECISION NOT NULL,
            duration DOUBLE PRECISION NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            direction TEXT NOT NULL,
            agent_name TEXT NOT NULL,
            company TEXT NOT NULL,
            language TEXT NOT NULL,
            model TEXT NOT NULL,
            config_path TEXT NOT NULL,
            config_text TEXT NOT NULL,
            speakers TEXT NOT NULL DEFAULT '',
            devices TEXT NOT NULL DEFAULT '',
            writer_host TEXT NOT NULL DEFAULT '',
            writer_pid INTEGER NOT NULL DEFAULT 0,
            flags INTEGER NOT NULL DEFAULT 0,
            score DOUBLE PRECISION,
            summary_json TEXT,
            audio_path TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX sessions_started ON sessions (started_at)",
        """CREATE TABLE segments (
            session_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            utterance_id INTEGER NOT NULL,
            speaker TEXT NOT NULL,
            start_s DOUBLE PRECISION NOT NULL,
            end_s DOUBLE PRECISION NOT NULL,
            text TEXT NOT NULL,
            latency DOUBLE PRECISION NOT NULL,
            avg_logprob DOUBLE PRECISION NOT NULL,
            no_speech_prob DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX segments_session ON segments (session_id, seq)",
        """CREATE TABLE events (
            session_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at DOUBLE PRECISION,
            payload TEXT NOT NULL
        )""",
        "CREATE INDEX events_session ON events (session_id, seq)",
    ),
    (  # v2: scoring revisions (rescore --apply keeps the old ones)
        """CREATE TABLE scorings (
            session_id INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            config_path TEXT NOT NULL,
            direction TEXT NOT NULL,
            score DOUBLE PRECISION,
            steps_json TEXT NOT NULL,
            flags_json TEXT NOT NULL,
            note TEXT NOT NULL
        )""",
        "CREATE INDEX scorings_session ON scorings (session_id, revision)",
    ),
    (  # v3: settled text is a new row for the same utterance; the live row stays
        "ALTER TABLE segments ADD COLUMN revised INTEGER NOT NULL DEFAULT 0",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _latest_per_utterance(segments) -> list[Segment]:
    """Each utterance once, with its last text (settled text replaces the live final),
    in the order utterances were first decided."""
    latest: dict[int, Segment] = {}
    for segment in segments:
        latest[segment.utterance_id] = segment
    return list(latest.values())


# ---- what is stored and read back ----


@dataclass(frozen=True)
class SessionMeta:
    """What is known about a call when it starts."""

    source: str
    title: str = ""
    started_at: float = 0.0  # wall time; 0 = now
    direction: str = "auto"
    agent_name: str = ""
    company: str = ""
    language: str = "en"
    model: str = ""
    config_path: str = ""
    config_text: str = ""
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionInfo:
    """One row of ``callmon sessions``."""

    id: int
    started_at: float
    duration: float
    direction: str
    source: str
    title: str
    agent_name: str
    status: str  # "complete" | "recording" | "interrupted"
    score: float | None
    flags: int


@dataclass(frozen=True)
class Scoring:
    """The checklist outcome and flags of one session under one config."""

    revision: int
    created_at: float
    config_path: str
    direction: str
    score: float | None
    steps: tuple[StepEvent, ...]
    flags: tuple[FlagEvent, ...]
    note: str = ""


@dataclass
class StoredSession:
    """Everything stored about one session."""

    info: SessionInfo
    meta: SessionMeta
    ended_at: float | None
    devices: tuple[str, ...]
    audio_path: str
    segments: list[Segment] = field(default_factory=list)
    step_events: list[StepEvent] = field(default_factory=list)
    flag_events: list[FlagEvent] = field(default_factory=list)
    directions: list[DirectionEvent] = field(default_factory=list)
    marks: list[MarkEvent] = field(default_factory=list)
    errors: list[ErrorEvent] = field(default_factory=list)
    levels: list[LevelEvent] = field(default_factory=list)
    stats: list[StatsEvent] = field(default_factory=list)
    summary: SummaryEvent | None = None
    scorings: list[Scoring] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def interrupted(self) -> bool:
        return self.info.status == "interrupted"

    @property
    def scoring(self) -> Scoring:
        """The current result: the newest scoring revision (0 = what the live call decided)."""
        return self.scorings[-1]

    @property
    def direction(self) -> str:
        return self.directions[-1].direction if self.directions else self.meta.direction


# ---- scoring helpers shared by the writer, the report and rescore ----


def final_steps(step_events: Sequence[StepEvent]) -> tuple[StepEvent, ...]:
    """The last state of each step, in first-seen order."""
    last: dict[str, StepEvent] = {}
    for event in step_events:
        last[event.step_id] = event
    return tuple(last.values())


def effective_flags(flag_events: Sequence[FlagEvent]) -> tuple[FlagEvent, ...]:
    """Flags that stand at the end: last event per (turn, category), not withdrawn."""
    last: dict[tuple[int, str], FlagEvent] = {}
    for event in flag_events:
        last[(event.turn, event.category)] = event
    return tuple(f for f in last.values() if not f.withdrawn)


def checklist_score(steps: Sequence[StepEvent]) -> float | None:
    """0–100: judged steps covered, required ones counting double; None if none judged."""
    total = covered = 0.0
    for step in steps:
        if step.status not in ("covered", "missed"):
            continue
        weight = 2.0 if step.required else 1.0
        total += weight
        if step.status == "covered":
            covered += weight
    return round(100.0 * covered / total, 1) if total else None


def make_scoring(
    revision: int,
    steps: Sequence[StepEvent],
    flags: Sequence[FlagEvent],
    direction: str,
    config_path: str = "",
    note: str = "",
    created_at: float | None = None,
) -> Scoring:
    steps = final_steps(steps)
    flags = effective_flags(flags)
    return Scoring(
        revision=revision,
        created_at=time.time() if created_at is None else created_at,
        config_path=config_path,
        direction=direction,
        score=checklist_score(steps),
        steps=steps,
        flags=flags,
        note=note,
    )


# ---- event (de)serialisation ----

_EVENT_TYPES: dict[str, type] = {
    "step": StepEvent,
    "flag": FlagEvent,
    "direction": DirectionEvent,
    "mark": MarkEvent,
    "error": ErrorEvent,
    "level": LevelEvent,
    "stats": StatsEvent,
    "summary": SummaryEvent,
    "start": StartEvent,
}


def event_to_json(event: Any) -> str:
    return json.dumps(asdict(event), separators=(",", ":"))


def event_from_dict(kind: str, data: dict[str, Any]) -> Any:
    cls = _EVENT_TYPES[kind]
    names = {f.name for f in fields(cls)}
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
    return cls(**kwargs)


def _event_at(event: Any) -> float | None:
    at = getattr(event, "at", None)
    return float(at) if isinstance(at, int | float) else None


# ---- the interface ----


class SessionWriter(abc.ABC):
    """Event sink of one call: ``writer(event)`` from any thread; ``close()`` at the end."""

    session_id: int

    @abc.abstractmethod
    def __call__(self, event: Event) -> None: ...

    @abc.abstractmethod
    def write_audio(self, chunk: AudioChunk) -> None: ...

    @abc.abstractmethod
    def close(self, summary: SummaryEvent | None = None) -> None: ...


class SessionStore(abc.ABC):
    """Where sessions live. ``open_store`` picks the backend."""

    @abc.abstractmethod
    def start_session(self, meta: SessionMeta) -> SessionWriter: ...

    @abc.abstractmethod
    def list_sessions(
        self,
        since: float | None = None,
        agent: str | None = None,
        flagged: bool = False,
        limit: int | None = None,
    ) -> list[SessionInfo]: ...

    @abc.abstractmethod
    def resolve(self, ref: str | int) -> int:
        """A session id from user input: a number or ``last``; StoreError if unknown."""

    @abc.abstractmethod
    def load_session(self, session_id: int | str) -> StoredSession: ...

    @abc.abstractmethod
    def delete_session(self, session_id: int | str) -> None: ...

    @abc.abstractmethod
    def purge(self, older_than_days: float) -> int:
        """Delete sessions (and their audio) that started more than N days ago."""

    @abc.abstractmethod
    def save_rescore(self, session_id: int, scoring: Scoring, config_text: str = "") -> int:
        """Store a new scoring revision (older ones are kept); returns its number."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release resources (connections)."""


# ---- SQLite ----


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("callmon", appauthor=False)) / "sessions.db"


def resolve_db_path(store_cfg: StoreConfig) -> Path:
    """``$CALLMON_DB``, else ``[store] path``, else the user data directory."""
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if store_cfg.path:
        return Path(store_cfg.path).expanduser()
    return default_db_path()


def open_store(
    store_cfg: StoreConfig | None = None, path: str | Path | None = None, purge: bool = True
) -> SqliteStore:
    """Open (create, migrate) the configured store and apply the retention setting."""
    store_cfg = store_cfg or StoreConfig()
    store = SqliteStore(Path(path) if path else resolve_db_path(store_cfg), store_cfg)
    if purge and store_cfg.retention_days > 0:
        store.purge(store_cfg.retention_days)
    return store


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child that nobody reaped yet is not recording anything
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return True


class SqliteStore(SessionStore):
    """Sessions in one SQLite file (WAL mode: readers never block the writer)."""

    def __init__(self, path: Path, store_cfg: StoreConfig | None = None) -> None:
        self.path = Path(path)
        self.cfg = store_cfg or StoreConfig()
        self.audio_dir = self.path.parent / "audio"
        self._host = socket.gethostname()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the session store folder {self.path.parent}: {exc}"
            ) from None
        conn = self.connect()
        try:
            self._migrate(conn)
        finally:
            conn.close()

    # -- connections and schema --

    def connect(self, synchronous: str = "NORMAL") -> sqlite3.Connection:
        """A new connection with the store's pragmas (one per thread)."""
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 10000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the session store to WAL mode")
            conn.execute(f"PRAGMA synchronous = {synchronous}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable session store ({exc})") from None
        return conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot read the session store ({exc})") from None
        finally:
            conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect(synchronous="FULL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(f"{self.path}: cannot write the session store ({exc})") from None
            raise
        finally:
            conn.close()

    def schema_version(self, conn: sqlite3.Connection) -> int:
        has_table = conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()[0]
        if not has_table:
            return 0
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            version = self.schema_version(conn)
            if version > SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                raise StoreError(
                    f"{self.path} was written by a newer callmon (schema v{version}; this one "
                    f"knows up to v{SCHEMA_VERSION}): upgrade callmon or set [store] path "
                    "to another file"
                )
            if version == 0:
                conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for target in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[target]:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (target + 1,))
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: not a usable session store ({exc})") from None

    # -- writing --

    def start_session(self, meta: SessionMeta) -> SqliteSessionWriter:
        started = meta.started_at or time.time()
        with self._write() as conn:
            cursor = conn.execute(
                """INSERT INTO sessions (started_at, heartbeat, status, source, title, direction,
                    agent_name, company, language, model, config_path, config_text, speakers,
                    writer_host, writer_pid)
                   VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    started,
                    time.time(),
                    meta.source,
                    meta.title,
                    meta.direction,
                    meta.agent_name,
                    meta.company,
                    meta.language,
                    meta.model,
                    meta.config_path,
                    meta.config_text,
                    ",".join(meta.speakers),
                    self._host,
                    os.getpid(),
                ),
            )
            session_id = int(cursor.lastrowid or 0)
        return SqliteSessionWriter(self, session_id, meta)

    # -- reading --

    def _status(self, session_id: int, status: str, heartbeat: float, host: str, pid: int) -> str:
        if status == "complete":
            return "complete"
        if host == self._host and pid == os.getpid():  # written by this process
            writing = any(
                w.session_id == session_id and w.store.path.resolve() == self.path.resolve()
                for w in list(_OPEN_WRITERS)
            )
            return "recording" if writing else "interrupted"
        if host == self._host and not _pid_alive(pid):
            return "interrupted"
        return "recording" if time.time() - heartbeat < STALE_S else "interrupted"

    _INFO_COLUMNS = (
        "id, started_at, duration, direction, source, title, agent_name, status, "
        "heartbeat, writer_host, writer_pid, score, flags"
    )

    def _info(self, row: Sequence[Any]) -> SessionInfo:
        return SessionInfo(
            id=int(row[0]),
            started_at=float(row[1]),
            duration=float(row[2]),
            direction=row[3],
            source=row[4],
            title=row[5],
            agent_name=row[6],
            status=self._status(int(row[0]), row[7], float(row[8]), row[9], int(row[10])),
            score=None if row[11] is None else float(row[11]),
            flags=int(row[12]),
        )

    def list_sessions(
        self,
        since: float | None = None,
        agent: str | None = None,
        flagged: bool = False,
        limit: int | None = None,
    ) -> list[SessionInfo]:
        where, params = [], []
        if since is not None:
            where.append("started_at >= ?")
            params.append(since)
        if agent:
            where.append("LOWER(agent_name) = LOWER(?)")
            params.append(agent)
        if flagged:
            where.append("flags > 0")
        sql = f"SELECT {self._INFO_COLUMNS} FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None and limit > 0:
            sql += f" LIMIT {int(limit)}"
        with self._read() as conn:
            return [self._info(row) for row in conn.execute(sql, params)]

    def resolve(self, ref: str | int) -> int:
        text = str(ref).strip().lower()
        with self._read() as conn:
            if text in ("last", "latest"):
                row = conn.execute(
                    "SELECT id FROM sessions ORDER BY started_at DESC, id DESC LIMIT 1"
                ).fetchone()
                if row is None:
                    raise StoreError(f"no sessions stored yet in {self.path}")
                return int(row[0])
            if not text.lstrip("#").isdigit():
                raise StoreError(f"session id must be a number or 'last', got {ref!r}")
            session_id = int(text.lstrip("#"))
            row = conn.execute("SELECT id FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"no session {session_id} in {self.path} (see: callmon sessions)")
        return session_id

    def load_session(self, session_id: int | str) -> StoredSession:
        session_id = self.resolve(session_id)
        with self._read() as conn:
            conn.execute("BEGIN")  # one consistent snapshot while a writer goes on
            row = conn.execute(
                f"SELECT {self._INFO_COLUMNS}, ended_at, company, language, model, config_path, "
                "config_text, speakers, devices, summary_json, audio_path "
                "FROM sessions WHERE id = ?",
                (session_id,),
            ).fetchone()
            segments = conn.execute(
                "SELECT speaker, utterance_id, start_s, end_s, text, latency, avg_logprob, "
                "no_speech_prob, revised FROM segments WHERE session_id = ? ORDER BY seq",
                (session_id,),
            ).fetchall()
            events = conn.execute(
                "SELECT kind, payload FROM events WHERE session_id = ? ORDER BY seq",
                (session_id,),
            ).fetchall()
            scorings = conn.execute(
                "SELECT revision, created_at, config_path, direction, score, steps_json, "
                "flags_json, note FROM scorings WHERE session_id = ? ORDER BY revision",
                (session_id,),
            ).fetchall()
            conn.execute("COMMIT")
        if row is None:
            raise StoreError(f"session {session_id} was deleted while reading it")
        info = self._info(row)
        (ended_at, company, language, model, config_path, config_text, speakers, devices) = row[
            13:21
        ]
        meta = SessionMeta(
            source=info.source,
            title=info.title,
            started_at=info.started_at,
            direction=info.direction,
            agent_name=info.agent_name,
            company=company,
            language=language,
            model=model,
            config_path=config_path,
            config_text=config_text,
            speakers=tuple(s for s in speakers.split(",") if s),
        )
        session = StoredSession(
            info=info,
            meta=meta,
            ended_at=ended_at,
            devices=tuple(d for d in devices.split("\n") if d),
            audio_path=row[22] or "",
            segments=_latest_per_utterance(
                Segment(
                    speaker=r[0],
                    utterance_id=int(r[1]),
                    start=float(r[2]),
                    end=float(r[3]),
                    text=r[4],
                    final=True,
                    latency=float(r[5]),
                    avg_logprob=float(r[6]),
                    no_speech_prob=float(r[7]),
                    revised=bool(r[8]),
                )
                for r in segments
            ),
        )
        buckets: dict[str, list[Any]] = {
            "step": session.step_events,
            "flag": session.flag_events,
            "direction": session.directions,
            "mark": session.marks,
            "error": session.errors,
            "level": session.levels,
            "stats": session.stats,
        }
        for kind, payload in events:
            event = event_from_dict(kind, json.loads(payload))
            if kind == "summary":
                session.summary = event
            elif kind in buckets:
                buckets[kind].append(event)
        if row[21]:
            session.summary = event_from_dict("summary", json.loads(row[21]))
        # revision 0 is what the live call decided, rebuilt from its events (also when interrupted)
        session.scorings.append(
            make_scoring(
                0,
                session.step_events,
                session.flag_events,
                session.direction,
                config_path=config_path,
                note="live",
                created_at=ended_at or info.started_at,
            )
        )
        for r in scorings:
            session.scorings.append(
                Scoring(
                    revision=int(r[0]),
                    created_at=float(r[1]),
                    config_path=r[2],
                    direction=r[3],
                    score=None if r[4] is None else float(r[4]),
                    steps=tuple(event_from_dict("step", d) for d in json.loads(r[5])),
                    flags=tuple(event_from_dict("flag", d) for d in json.loads(r[6])),
                    note=r[7],
                )
            )
        return session

    # -- deleting and rescoring --

    def _delete_ids(self, conn: sqlite3.Connection, ids: Sequence[int]) -> list[str]:
        audio: list[str] = []
        for session_id in ids:
            row = conn.execute(
                "SELECT audio_path FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row and row[0]:
                audio.append(row[0])
            for table in ("segments", "events", "scorings"):
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return audio

    def _remove_audio(self, paths: Sequence[str]) -> None:
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                Path(path).unlink()

    def delete_session(self, session_id: int | str) -> None:
        session_id = self.resolve(session_id)
        with self._write() as conn:
            audio = self._delete_ids(conn, [session_id])
        self._remove_audio(audio)

    def purge(self, older_than_days: float) -> int:
        cutoff = time.time() - older_than_days * 86400.0
        with self._write() as conn:
            ids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT id FROM sessions WHERE started_at < ? AND (status = 'complete' "
                    "OR heartbeat < ?)",
                    (cutoff, time.time() - STALE_S),
                )
            ]
            audio = self._delete_ids(conn, ids)
        self._remove_audio(audio)
        return len(ids)

    def save_rescore(self, session_id: int, scoring: Scoring, config_text: str = "") -> int:
        with self._write() as conn:
            row = conn.execute(
                "SELECT MAX(revision) FROM scorings WHERE session_id = ?", (session_id,)
            ).fetchone()
            revision = int(row[0] or 0) + 1
            conn.execute(
                """INSERT INTO scorings (session_id, revision, created_at, config_path, direction,
                    score, steps_json, flags_json, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    session_id,
                    revision,
                    scoring.created_at,
                    scoring.config_path,
                    scoring.direction,
                    scoring.score,
                    json.dumps([asdict(s) for s in scoring.steps]),
                    json.dumps([asdict(f) for f in scoring.flags]),
                    scoring.note,
                ),
            )
            conn.execute(
                "UPDATE sessions SET score = ?, flags = ? WHERE id = ?",
                (scoring.score, len(scoring.flags), session_id),
            )
        return revision


# ---- the writer ----

_CLOSE = object()  # write what is queued, then mark the session complete
_ABANDON = object()  # write what is queued, leave the session open (process exiting)
_OPEN_WRITERS: set[SqliteSessionWriter] = set()


@atexit.register
def _flush_open_writers() -> None:
    """A process that exits without closing its call still keeps every queued event."""
    for writer in list(_OPEN_WRITERS):
        writer.abandon()


class SqliteSessionWriter(SessionWriter):
    """Queues events from the pipeline thread; a background thread writes and commits them."""

    def __init__(self, store: SqliteStore, session_id: int, meta: SessionMeta) -> None:
        self.store = store
        self.session_id = session_id
        self.meta = meta
        self.sample_interval_s = store.cfg.sample_interval_s
        self.record_audio = store.cfg.record_audio
        self.error: str | None = None
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._last_sample: dict[tuple[str, str], float] = {}
        self._closed = False
        # state owned by the writer thread
        self._seq = 0
        self._duration = 0.0
        self._flags: dict[tuple[int, str], FlagEvent] = {}
        self._steps: dict[str, StepEvent] = {}
        self._direction = meta.direction
        self._summary: SummaryEvent | None = None
        self._audio: _AudioRecorder | None = None
        self._speakers: tuple[str, ...] = meta.speakers
        self._thread = threading.Thread(
            target=self._run, name=f"callmon-store-{session_id}", daemon=True
        )
        self._thread.start()
        _OPEN_WRITERS.add(self)

    # -- called from the pipeline thread --

    def __call__(self, event: Event) -> None:
        """Queue one event (partials and over-frequent level/stats samples are dropped)."""
        if isinstance(event, SegmentEvent) and not event.segment.final:
            return
        if isinstance(event, LevelEvent | StatsEvent):
            key = (event.type, getattr(event, "speaker", ""))
            with self._lock:
                last = self._last_sample.get(key)
                if last is not None and event.at - last < self.sample_interval_s:
                    return
                self._last_sample[key] = event.at
        if self._closed:
            return
        if isinstance(event, SummaryEvent):  # the pipeline's last event: finish the session
            try:
                self.close(event)
            except StoreError as exc:  # the call itself went fine; say so and go on
                print(f"callmon: warning: {exc}", file=sys.stderr)
            return
        self._queue.put(event)

    def write_audio(self, chunk: AudioChunk) -> None:
        """Queue a block of call audio for the session's FLAC file (when record_audio is on)."""
        if self.record_audio and not self._closed:
            self._queue.put(chunk)

    def close(self, summary: SummaryEvent | None = None, timeout: float = 30.0) -> None:
        """Write what is queued, the summary, and mark the session complete."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _OPEN_WRITERS.discard(self)
        if summary is not None:
            self._queue.put(summary)
        self._queue.put(_CLOSE)
        self._thread.join(timeout)
        if self.error:
            raise StoreError(self.error)

    def abandon(self, timeout: float = 5.0) -> None:
        """Write what is queued but leave the session open (it reads back as interrupted)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _OPEN_WRITERS.discard(self)
        self._queue.put(_ABANDON)
        self._thread.join(timeout)

    # -- the writer thread --

    def _run(self) -> None:
        conn = None
        ended = False
        try:
            conn = self.store.connect(synchronous="FULL")
            closing = False
            last_beat = 0.0
            while not closing:
                try:
                    items = [self._queue.get(timeout=HEARTBEAT_S)]
                except queue.Empty:
                    items = []
                deadline = time.monotonic() + COMMIT_INTERVAL_S
                while items and not _is_end(items[-1]) and time.monotonic() < deadline:
                    try:
                        items.append(self._queue.get_nowait())
                    except queue.Empty:
                        if _urgent(items):
                            break
                        time.sleep(0.01)
                end = items[-1] if items and _is_end(items[-1]) else None
                closing = ended = end is not None
                now = time.time()
                if items or now - last_beat >= HEARTBEAT_S:
                    events = [i for i in items if not _is_end(i)]
                    self._write(conn, events, complete=end is _CLOSE)
                    last_beat = now
        except Exception as exc:  # never take the call down; report on close()
            self.error = f"session {self.session_id}: writing failed ({exc})"
            while not ended:  # drain so the pipeline's puts never pile up forever
                try:
                    ended = _is_end(self._queue.get(timeout=1.0))
                except queue.Empty:
                    continue
        finally:
            if self._audio is not None:
                with contextlib.suppress(Exception):
                    self._audio.close()
            if conn is not None:
                conn.close()

    def _write(self, conn: sqlite3.Connection, items: list[Any], complete: bool) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for item in items:
                if isinstance(item, AudioChunk):
                    self._write_chunk(conn, item)
                else:
                    self._write_event(conn, item)
            now = time.time()
            conn.execute(
                "UPDATE sessions SET heartbeat = ?, duration = ?, score = ?, flags = ?, "
                "direction = ? WHERE id = ?",
                (
                    now,
                    self._duration,
                    checklist_score(list(self._steps.values())),
                    sum(1 for f in self._flags.values() if not f.withdrawn),
                    self._direction,
                    self.session_id,
                ),
            )
            if complete:
                summary = self._summary
                if summary is not None:
                    self._duration = max(self._duration, summary.duration)
                conn.execute(
                    "UPDATE sessions SET status = 'complete', ended_at = ?, duration = ?, "
                    "summary_json = ? WHERE id = ?",
                    (
                        now,
                        self._duration,
                        event_to_json(summary) if summary else None,
                        self.session_id,
                    ),
                )
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _write_event(self, conn: sqlite3.Connection, event: Any) -> None:
        self._seq += 1
        if isinstance(event, SegmentEvent):
            s = event.segment
            self._duration = max(self._duration, s.end)
            conn.execute(
                """INSERT INTO segments (session_id, seq, utterance_id, speaker, start_s, end_s,
                    text, latency, avg_logprob, no_speech_prob, revised)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    self.session_id,
                    self._seq,
                    s.utterance_id,
                    s.speaker,
                    s.start,
                    s.end,
                    s.text,
                    s.latency,
                    s.avg_logprob,
                    s.no_speech_prob,
                    int(s.revised),
                ),
            )
            return
        if isinstance(event, StartEvent):
            self._speakers = tuple(event.speakers)
            conn.execute(
                "UPDATE sessions SET speakers = ?, devices = ?, model = ? WHERE id = ?",
                (
                    ",".join(event.speakers),
                    "\n".join(event.devices),
                    event.model or self.meta.model,
                    self.session_id,
                ),
            )
            return
        if isinstance(event, SummaryEvent):
            self._summary = event
            return
        if isinstance(event, StepEvent):
            self._steps[event.step_id] = event
        elif isinstance(event, FlagEvent):
            self._flags[(event.turn, event.category)] = event
        elif isinstance(event, DirectionEvent):
            self._direction = event.direction
        at = _event_at(event)
        if at is not None:
            self._duration = max(self._duration, at)
        conn.execute(
            "INSERT INTO events (session_id, seq, kind, at, payload) VALUES (?, ?, ?, ?, ?)",
            (self.session_id, self._seq, event.type, at, event_to_json(event)),
        )

    def _write_chunk(self, conn: sqlite3.Connection, chunk: AudioChunk) -> None:
        if self._audio is None:
            speakers = self._speakers or ("agent", "customer")
            self.store.audio_dir.mkdir(parents=True, exist_ok=True)
            path = self.store.audio_dir / f"session-{self.session_id}.flac"
            self._audio = _AudioRecorder(path, speakers)
            conn.execute(
                "UPDATE sessions SET audio_path = ? WHERE id = ?", (str(path), self.session_id)
            )
        self._audio.add(chunk)


def _is_end(item: Any) -> bool:
    return item is _CLOSE or item is _ABANDON


def _urgent(items: list[Any]) -> bool:
    """Commit at once after the events a reader waits for (finals, steps, flags, marks)."""
    return isinstance(items[-1], SegmentEvent | StepEvent | FlagEvent | MarkEvent | SummaryEvent)


class _AudioRecorder:
    """Writes one FLAC file, one channel per speaker, placing each chunk at its call time."""

    def __init__(self, path: Path, speakers: Sequence[str]) -> None:
        import soundfile

        self.path = path
        self.speakers = tuple(speakers)
        self.file = soundfile.SoundFile(
            path, "w", samplerate=SAMPLE_RATE, channels=len(self.speakers), format="FLAC"
        )
        self.pending = {s: np.zeros(0, dtype=np.float32) for s in self.speakers}
        self.next_sample = {s: 0 for s in self.speakers}  # sample index after pending
        self.written = 0

    def add(self, chunk: AudioChunk) -> None:
        if chunk.speaker not in self.pending:
            return
        start = round(chunk.t0 * SAMPLE_RATE)
        gap = start - self.next_sample[chunk.speaker]
        samples = np.asarray(chunk.samples, dtype=np.float32)
        if gap > 0:  # paused or dropped audio: keep the timeline with silence
            samples = np.concatenate([np.zeros(gap, dtype=np.float32), samples])
        elif gap < 0:
            samples = samples[-gap:]
        self.pending[chunk.speaker] = np.concatenate([self.pending[chunk.speaker], samples])
        self.next_sample[chunk.speaker] += len(samples)
        self._flush(min(len(p) for p in self.pending.values()))

    def _flush(self, frames: int) -> None:
        if frames <= 0:
            return
        block = np.stack([self.pending[s][:frames] for s in self.speakers], axis=1)
        self.file.write(np.clip(block, -1.0, 1.0))
        self.written += frames
        for s in self.speakers:
            self.pending[s] = self.pending[s][frames:]

    def close(self) -> None:
        longest = max(len(p) for p in self.pending.values())
        for s in self.speakers:
            pad = longest - len(self.pending[s])
            if pad:
                self.pending[s] = np.concatenate([self.pending[s], np.zeros(pad, np.float32)])
        self._flush(longest)
        self.file.close()
