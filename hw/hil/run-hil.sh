#!/usr/bin/env bash
# run-hil.sh — hardware-in-the-loop: the register conformance suite over two real serial adapters.
#
#   hw/hil/run-hil.sh REGISTER_PORT TERMINAL_PORT [extra pytest arguments...]
#
#   REGISTER_PORT   the adapter that plays the cash register (this suite's side), e.g. /dev/pairpay-bench-ecr
#   TERMINAL_PORT   the adapter registerd opens, e.g. /dev/pairpay-register
#
# The two adapters are wired null-modem (hw/hil/WIRING.md). Steps: check both devices, check the
# cable with check-wiring.py, then run hw/tests/test_conformance.py with PAIRPAY_REGISTER_PORT and
# PAIRPAY_TERMINAL_PORT set; each test starts its own registerd on TERMINAL_PORT.
#
# Environment:
#   BAUD=115200            line speed for both sides (registerd --baud)
#   FLOW_CONTROL=none      none or rts-cts, both sides
#   REGISTERD=path         registerd binary (default <repo>/.build/debug/registerd)
#   REGISTERD_ARGS="..."   more registerd options, e.g. "--transport libserialport"
#   SKIP_WIRING_CHECK=1    skip the cable check
#   PYTHON=/usr/bin/python3
# Exit status: pytest's (0 all passed), or 2 for a setup problem.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
hw="$(dirname "$here")"
repo="$(dirname "$hw")"
py="${PYTHON:-/usr/bin/python3}"

if [[ $# -lt 2 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    [[ $# -ge 2 ]] && exit 0 || exit 2
fi
reg="$1"; term="$2"; shift 2
baud="${BAUD:-115200}"
flow="${FLOW_CONTROL:-none}"
registerd="${REGISTERD:-$repo/.build/debug/registerd}"

die() { echo "run-hil.sh: $*" >&2; exit 2; }

for dev in "$reg" "$term"; do
    [[ -e "$dev" ]] || die "$dev does not exist (plugged in? udev rule installed? try: registerd --list-ports)"
    [[ -c "$(readlink -f "$dev")" ]] || die "$dev is not a character device"
    [[ -r "$dev" && -w "$dev" ]] || die "no read/write access to $dev (add yourself to the pairpay or dialout group)"
done
[[ "$(readlink -f "$reg")" != "$(readlink -f "$term")" ]] || die "both names point to the same device"
[[ -x "$registerd" ]] || die "registerd not found at $registerd (swift build --product registerd, or set REGISTERD)"
if command -v fuser >/dev/null; then
    for dev in "$reg" "$term"; do
        real="$(readlink -f "$dev")"
        [[ "$real" == /dev/pts/* ]] && continue      # a pty pair (rehearsal): socat holds it open
        users="$(fuser "$real" 2>/dev/null | tr -s ' ' || true)"
        [[ -z "${users// /}" ]] || die "$dev is in use by process(es)$users; stop registerd.service / ModemManager / screen first"
    done
fi
if command -v systemctl >/dev/null && systemctl is-active --quiet ModemManager 2>/dev/null; then
    echo "run-hil.sh: warning: ModemManager is running; without ID_MM_DEVICE_IGNORE (hw/udev) it may probe the ports" >&2
fi

echo "== HIL: register side $reg, registerd side $term, $baud baud, flow control $flow"
if [[ "${SKIP_WIRING_CHECK:-0}" != 1 ]]; then
    echo "== cable check"
    "$py" "$here/check-wiring.py" "$reg" "$term" --baud "$baud" --flow-control "$flow" \
        || die "the cable check failed; see hw/hil/WIRING.md"
fi

echo "== conformance suite"
export PAIRPAY_REGISTER_PORT="$reg" PAIRPAY_TERMINAL_PORT="$term" PAIRPAY_BAUD="$baud" \
       PAIRPAY_FLOW_CONTROL="$flow" REGISTERD="$registerd"
cd "$repo"
exec "$py" -m pytest "$hw/tests/test_conformance.py" -v -rsxX "$@"
