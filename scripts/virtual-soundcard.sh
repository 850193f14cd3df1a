#!/usr/bin/env bash
# A virtual sound card for tests and CI: a private PulseAudio daemon with a null sink.
#
#   eval "$(scripts/virtual-soundcard.sh start [DIR])"   # start; exports HOME, XDG_RUNTIME_DIR, PULSE_SERVER
#   paplay --device=callsink --latency-msec=20 call.wav  # "the call": plays in real time
#   callmon live --device pulse ...                      # records callsink.monitor (agent L, customer R)
#   scripts/virtual-soundcard.sh stop [DIR]
#
# HOME and XDG_RUNTIME_DIR point at private folders (mode 700) under DIR, so nothing touches the
# user's own PulseAudio. Needs: libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils.
set -euo pipefail

action="${1:-}"
dir="${2:-${CALLMON_SOUNDCARD_DIR:-/tmp/callmon-soundcard}}"

die() { echo "virtual-soundcard: $*" >&2; exit 1; }

env_lines() {
    echo "export HOME='$dir/home'"
    echo "export XDG_RUNTIME_DIR='$dir/run'"
    echo "export PULSE_SERVER='unix:$dir/run/pulse/native'"
}

case "$action" in
start)
    command -v pulseaudio >/dev/null || die "pulseaudio not installed: sudo apt-get install -y pulseaudio pulseaudio-utils libasound2-plugins alsa-utils libportaudio2"
    command -v pactl >/dev/null || die "pactl not installed: sudo apt-get install -y pulseaudio-utils"
    mkdir -p "$dir/home" "$dir/run"
    chmod 700 "$dir" "$dir/home" "$dir/run"
    export HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run"
    export PULSE_SERVER="unix:$dir/run/pulse/native"
    if pactl info >/dev/null 2>&1; then
        env_lines  # already running
        exit 0
    fi
    cat > "$dir/callsink.pa" <<'PA'
load-module module-native-protocol-unix
load-module module-null-sink sink_name=callsink rate=16000 channels=2
set-default-sink callsink
set-default-source callsink.monitor
PA
    pulseaudio -D -n -F "$dir/callsink.pa" --exit-idle-time=-1 --log-target="file:$dir/pulseaudio.log" \
        2>>"$dir/pulseaudio.log" || die "pulseaudio failed to start; see $dir/pulseaudio.log"
    for _ in $(seq 50); do
        pactl info >/dev/null 2>&1 && { env_lines; exit 0; }
        sleep 0.1
    done
    die "pulseaudio did not answer within 5 s; see $dir/pulseaudio.log"
    ;;
stop)
    export HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run"
    export PULSE_SERVER="unix:$dir/run/pulse/native"
    if command -v pulseaudio >/dev/null && pactl info >/dev/null 2>&1; then
        pulseaudio --kill 2>/dev/null || pactl exit 2>/dev/null || true
    fi
    ;;
env)
    env_lines
    ;;
*)
    echo "usage: $0 start|stop|env [DIR]" >&2
    exit 2
    ;;
esac
