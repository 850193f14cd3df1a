#!/usr/bin/env bash
# Set up callmon on Debian/Ubuntu: system packages, a virtual environment in .venv,
# and the package itself (editable). `--dev` adds what the tests need.
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

# libportaudio2: live capture. The rest: the virtual sound card the capture tests use
# (PulseAudio null sink) and tmux, in which a test drives the real terminal UI.
packages=(libportaudio2)
[ "$dev" = 1 ] && packages+=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils tmux)
python3 -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
python3 -c "import ensurepip" >/dev/null 2>&1 || packages+=(python3-venv)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" = 1 ]; then
    .venv/bin/python -m pip install -q -e '.[dev]'
else
    .venv/bin/python -m pip install -q -e .
fi
echo "setup: ready (.venv/bin/callmon)" >&2
