"""Engine benchmark: callmon's streaming engine vs a naive streaming baseline vs offline.

Replays a two-speaker stereo call at 1x real time through the real console command
(`callmon replay FILE --headless --json --speed 1 --no-store`) and reports, side by side
in one run:

- final-text latency after end of speech (p50/p95), first partial after speech start;
- CPU seconds per second of call audio, peak RSS, dropped blocks, start-up to listening;
- WER per channel against the file's reference turns, and against faster-whisper's own
  offline transcription of the same channel with the same model (the 1.05x target),
  and of that offline transcription with 3 s of silence in front: the same decoder on
  the same speech with its 30 s windows moved, which shows how much a machine-draft
  reference rewards one window placement rather than better recognition;
- the same figures for the naive baseline: re-transcribing each channel's growing
  buffer every 0.5 s and committing all but the last segment (how simple streaming
  Whisper servers work).

Usage: python bench/bench_engine.py [--file WAV] [--seconds N] [--skip-baseline]
                                    [--config PATH]   (e.g. one with [asr] settle = false)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_config  # noqa: E402
from monitor.pipeline import percentile  # noqa: E402
from monitor.wer import edit_distance, normalise  # noqa: E402

DEFAULT_FILE = ROOT.parent / "shared" / "data" / "audio" / "aws-auto-repairs-40.wav"
SPEAKERS = ("agent", "customer")
SHIFT_S = 3.0  # silence put in front for the "windows moved" offline run


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    first_partials: list[float] = field(default_factory=list)
    text: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SPEAKERS})
    settled: dict[str, str] = field(default_factory=dict)  # each utterance's last text
    settle_delays: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    audio_s: float = 0.0
    rss_mb: float = 0.0
    dropped: int = 0
    startup_s: float | None = None


def reference_text(call_json: Path, seconds: float | None) -> dict[str, str]:
    turns = json.loads(call_json.read_text())["turns"]
    return {
        s: " ".join(
            t["text"]
            for t in turns
            if t["speaker"] == s and (seconds is None or t["end"] <= seconds)
        )
        for s in SPEAKERS
    }


def wer(ref: str, hyp: str) -> float:
    r = normalise(ref)
    return edit_distance(r, normalise(hyp)) / max(1, len(r))


def clip(path: Path, seconds: float | None, folder: Path) -> Path:
    if seconds is None:
        return path
    audio, rate = sf.read(path, dtype="int16", always_2d=True)
    out = folder / f"{path.stem}-{int(seconds)}s.wav"
    sf.write(out, audio[: int(seconds * rate)], rate)
    return out


def run_callmon(path: Path, config: Path | None = None) -> Run:
    """The real console command, paced at 1x; every JSON line is timed as it arrives."""
    run = Run("callmon")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "replay", str(path), "--headless", "--json",
         "--speed", "1", "--no-store", *(["--config", str(config)] if config else [])],
        stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    t_wall0 = 0.0
    seen: set[int] = set()
    latest: dict[int, dict] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        received = time.time()
        event = json.loads(line)
        if event["type"] == "start":
            t_wall0 = event["t_wall"]
            run.startup_s = t_wall0 - launched
        elif event["type"] == "segment":
            if event["final"]:
                latest[event["utterance_id"]] = event
            if event.get("revised"):
                run.settle_delays.append(event["latency"])
            elif event["final"]:
                run.latencies.append(event["latency"])
                run.text[event["speaker"]].append(event["text"])
            elif event["utterance_id"] not in seen:
                seen.add(event["utterance_id"])
                run.first_partials.append(received - (t_wall0 + event["start"]))
        elif event["type"] == "summary":
            run.audio_s = event["duration"]
            run.dropped = event["dropped_blocks"]
    proc.wait()
    ordered = sorted(latest.values(), key=lambda e: (e["start"], e["end"]))
    run.settled = {s: " ".join(e["text"] for e in ordered if e["speaker"] == s) for s in SPEAKERS}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run.rss_mb = after.ru_maxrss / 1024
    return run


def run_offline(model, path: Path, lead_s: float = 0.0) -> dict[str, str]:
    """faster-whisper's own offline transcription of each channel (same model and settings);
    ``lead_s``: seconds of silence put in front, which moves every 30 s window."""
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    audio = np.concatenate([np.zeros((int(lead_s * rate), audio.shape[1]), np.float32), audio])
    out = {}
    for index, speaker in enumerate(SPEAKERS):
        segments, _ = model.transcribe(
            audio[:, index], beam_size=1, language="en", vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 300},
        )  # fmt: skip
        out[speaker] = " ".join(s.text.strip() for s in segments)
    return out


def run_naive(model, path: Path, step_s: float = 0.5) -> Run:
    """Baseline: every 0.5 s re-transcribe each channel's uncommitted buffer, paced at 1x."""
    run = Run("naive growing buffer")
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    duration = len(audio) / rate
    committed = [0.0, 0.0]  # audio seconds already committed, per channel
    cpu0 = time.process_time()
    start = time.time()
    rss = [0.0]
    stop = threading.Event()

    def watch_rss() -> None:
        import psutil

        me = psutil.Process()
        while not stop.wait(0.2):
            rss[0] = max(rss[0], me.memory_info().rss / 2**20)

    threading.Thread(target=watch_rss, daemon=True).start()
    while True:
        now_audio = min(time.time() - start, duration)
        done = now_audio >= duration
        for index, speaker in enumerate(SPEAKERS):
            buffer = audio[int(committed[index] * rate) : int(now_audio * rate), index]
            if len(buffer) < rate * 0.5:
                continue
            segments = list(
                model.transcribe(
                    buffer, beam_size=1, language="en", condition_on_previous_text=False
                )[0]
            )
            ready = segments if done or (len(buffer) / rate > 25) else segments[:-1]
            for seg in ready:
                if seg.text.strip():
                    end_abs = committed[index] + seg.end
                    run.latencies.append(time.time() - (start + min(end_abs, now_audio)))
                    run.text[speaker].append(seg.text.strip())
            if ready:
                committed[index] += ready[-1].end if not done else len(buffer) / rate
        if done:
            break
        wait = step_s - ((time.time() - start) % step_s)
        time.sleep(wait)
    stop.set()
    run.cpu_s = time.process_time() - cpu0
    run.audio_s = duration
    run.rss_mb = rss[0]
    return run


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--seconds", type=float, help="only the first N seconds of the file")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--config", type=Path, help="callmon config (default: config.toml)")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    call_json = args.file.with_suffix("").with_suffix(".call.json")
    reference = reference_text(call_json, args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        path = clip(args.file, args.seconds, Path(tmp))
        print(f"file: {args.file.name}{f' (first {args.seconds:.0f} s)' if args.seconds else ''}")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
        ours = run_callmon(path, args.config)
        from monitor.asr import Transcriber

        config = load_config(ROOT / "config.toml")
        transcriber = Transcriber(config.asr)
        offline = run_offline(transcriber.model, path)
        shifted = run_offline(transcriber.model, path, lead_s=SHIFT_S)
        naive = None if args.skip_baseline else run_naive(transcriber.model, path)

    rows = [ours] + ([naive] if naive else [])
    print()
    print(f"{'':34}" + "".join(f"{r.name:>24}" for r in rows))

    def row(label: str, values: list[str]) -> None:
        print(f"{label:34}" + "".join(f"{v:>24}" for v in values))

    row("final latency p50 / p95 (s)", [
        f"{fmt(percentile(r.latencies, 50))} / {fmt(percentile(r.latencies, 95))}" for r in rows
    ])  # fmt: skip
    row("first partial p50 / p95 (s)", [
        f"{fmt(percentile(r.first_partials, 50))} / {fmt(percentile(r.first_partials, 95))}"
        if r.first_partials else "-" for r in rows
    ])  # fmt: skip
    row("CPU s per audio s", [fmt(r.cpu_s / max(r.audio_s, 1e-9)) for r in rows])
    row("peak RSS (MB)", [fmt(r.rss_mb, 0) for r in rows])
    row("dropped blocks", [str(r.dropped) if r is ours else "-" for r in rows])
    row("start-up to listening (s)", [fmt(r.startup_s) for r in rows])
    row("settled text after speech p50/p95 (s)", [
        f"{fmt(percentile(r.settle_delays, 50), 1)} / {fmt(percentile(r.settle_delays, 95), 1)}"
        if r.settle_delays else "-" for r in rows
    ])  # fmt: skip
    for speaker in SPEAKERS:
        offline_wer = wer(reference[speaker], offline[speaker])
        row(
            f"WER {speaker} vs reference (live)",
            [fmt(wer(reference[speaker], " ".join(r.text[speaker])), 3) for r in rows],
        )
        ratios = [
            wer(reference[speaker], " ".join(r.text[speaker])) / max(offline_wer, 1e-9)
            for r in rows
        ]
        row(f"  (offline faster-whisper: {offline_wer:.3f})", [f"x{x:.2f} offline" for x in ratios])
        settled = wer(reference[speaker], ours.settled[speaker])
        print(
            f"  settled text (callmon): {settled:.3f} = x{settled / max(offline_wer, 1e-9):.2f}"
            f" offline, {wer(offline[speaker], ours.settled[speaker]):.3f} WER vs offline text"
        )
        moved = wer(reference[speaker], shifted[speaker])
        ratio = moved / max(offline_wer, 1e-9)
        print(f"  (offline, {SHIFT_S:.0f} s silence in front: {moved:.3f} = x{ratio:.2f})")
    total_ref = " ".join(reference.values())
    row(
        "WER both channels",
        [fmt(wer(total_ref, " ".join(" ".join(r.text[s]) for s in SPEAKERS)), 3) for r in rows],
    )
    print(f"{'offline WER both channels':34}{wer(total_ref, ' '.join(offline.values())):>24.3f}")
    settled_all = " ".join(ours.settled[s] for s in SPEAKERS)
    print(f"{'settled WER both channels':34}{wer(total_ref, settled_all):>24.3f}")


if __name__ == "__main__":
    main()
