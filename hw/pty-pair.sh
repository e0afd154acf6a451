#!/usr/bin/env bash
# pty-pair.sh — a virtual null-modem cable: two linked pseudo-terminals with stable names.
#
#   hw/pty-pair.sh [--dir DIR] [--register NAME] [--terminal NAME] [--debug]
#
# Creates DIR/register (open it with the register side: register-sim.py, the pytest suite)
# and DIR/terminal (give it to `registerd --device`), both in raw mode (no echo, no line
# discipline, 8-bit clean). Default DIR is $PAIRPAY_PTY_DIR or /tmp/pairpay.
# Prints the two names (lines "register=PATH" and "terminal=PATH"), then waits until
# interrupted (Ctrl-C, SIGTERM, SIGHUP) and removes the links. Either end may be closed and
# opened again while it runs: the cable stays.
set -euo pipefail

dir="${PAIRPAY_PTY_DIR:-/tmp/pairpay}"
reg_name=register
term_name=terminal
debug=()

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) dir="${2:?--dir needs a directory}"; shift 2 ;;
        --register) reg_name="${2:?--register needs a name}"; shift 2 ;;
        --terminal) term_name="${2:?--terminal needs a name}"; shift 2 ;;
        --debug) debug=(-d -d -x); shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "pty-pair.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

command -v socat >/dev/null || { echo "pty-pair.sh: socat not found (apt-get install socat)" >&2; exit 1; }
mkdir -p "$dir"
reg="$dir/$reg_name"
term="$dir/$term_name"
for l in "$reg" "$term"; do
    if [[ -e "$l" || -L "$l" ]]; then
        if [[ -L "$l" ]]; then rm -f "$l"; else echo "pty-pair.sh: $l exists and is not a symlink" >&2; exit 1; fi
    fi
done

socat_pid=""
cleanup() {
    trap - INT TERM HUP EXIT
    if [[ -n "$socat_pid" ]]; then kill "$socat_pid" 2>/dev/null || true; wait "$socat_pid" 2>/dev/null || true; fi
    rm -f "$reg" "$term"
}
trap 'cleanup; exit 0' INT TERM HUP
trap cleanup EXIT

# raw,echo=0: no line discipline; the links are created by socat and removed when it exits.
socat "${debug[@]}" \
    "pty,raw,echo=0,link=$reg,mode=660" \
    "pty,raw,echo=0,link=$term,mode=660" &
socat_pid=$!

for _ in $(seq 100); do
    [[ -e "$reg" && -e "$term" ]] && break
    kill -0 "$socat_pid" 2>/dev/null || { echo "pty-pair.sh: socat exited" >&2; exit 1; }
    sleep 0.05
done
[[ -e "$reg" && -e "$term" ]] || { echo "pty-pair.sh: links did not appear" >&2; exit 1; }

echo "register=$reg"
echo "terminal=$term"
echo "pty-pair.sh: running (socat pid $socat_pid); Ctrl-C to remove the pair" >&2
wait "$socat_pid"
