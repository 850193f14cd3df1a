"""Capture through the PulseAudio null sink: dropped blocks, delivery jitter, capture CPU.

    python bench/bench_capture.py [FILE.wav] [--rate 0|16000|48000]

Starts a private virtual sound card (scripts/virtual-soundcard.sh), plays FILE (default: the
TTS outbound call) into ``callsink`` at real time with ``paplay``, records ``pulse`` with
``LiveSource`` and prints one line of numbers. Needs pulseaudio, pulseaudio-utils, libportaudio2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.audio import open_live, rescan_devices  # noqa: E402
from monitor.config import AudioConfig  # noqa: E402

DEFAULT_FILE = ROOT.parent / "shared" / "data" / "audio" / "tts-outbound-callback.wav"
SCRIPT = ROOT / "scripts" / "virtual-soundcard.sh"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--rate", type=int, default=0, help="capture rate (0 = device default)")
    parser.add_argument("--block-ms", type=int, default=32)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="callmon-bench-"))
    started = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True)
    if started.returncode != 0:
        print(started.stderr.strip(), file=sys.stderr)
        return 1
    env = dict(os.environ)
    for line in started.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]
    rescan_devices()
    try:
        cfg = AudioConfig(sample_rate=args.rate, block_ms=args.block_ms)
        t_open = time.monotonic()
        source = open_live(cfg, device="pulse")
        source.start()
        first_block_s = None
        while not (chunks := source.read(0.5)):
            pass
        first_block_s = time.monotonic() - t_open
        player = subprocess.Popen(
            ["paplay", "--device=callsink", "--latency-msec=20", args.file], env=env
        )
        offsets, read_delays, audio_s = [], [], 0.0
        cpu0, wall0 = time.process_time(), time.monotonic()
        ended = None
        while ended is None or time.monotonic() - ended < 0.5:
            chunks = source.read(0.1)
            now = time.time()
            for c in chunks:
                if c.speaker == "agent":
                    offsets.append(c.t_wall - c.t_end)  # constant if blocks arrive on time
                    read_delays.append(now - c.t_wall)
                    audio_s = c.t_end
            if ended is None and player.poll() is not None:
                ended = time.monotonic()
        cpu = time.process_time() - cpu0
        wall = time.monotonic() - wall0
        dropped = source.dropped_blocks
        rate = source.inputs[0].rate
        source.close()
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], check=False)

    jitter = np.abs(np.array(offsets) - np.median(offsets)) * 1000
    print(
        f"capture {Path(args.file).name}: device rate {rate} Hz, block {args.block_ms} ms, "
        f"first block after {first_block_s:.2f} s, {audio_s:.1f} s captured in {wall:.1f} s wall, "
        f"dropped blocks {dropped}, delivery jitter p95 {np.percentile(jitter, 95):.1f} ms "
        f"max {np.max(jitter):.1f} ms, callback→read p50 "
        f"{np.median(read_delays) * 1000:.1f} ms, capture+resample CPU {cpu / audio_s:.4f} s "
        "per audio s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
