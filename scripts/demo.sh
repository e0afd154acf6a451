#!/usr/bin/env bash
# The main job: the whole in-store flow on this machine (`pairpay demo`). banksim, settlementd,
# registerd on a pty pair with a simulated cash register, and payagent as the customer's phone run
# as real processes; the seed's Fig. 5 basket is paid once per result path, then a tampered sale
# is declined. The demo checks what it shows and exits non-zero if anything did not hold.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --demo
echo "== building (first build from scratch takes several minutes)"
swift build 2>&1 | tail -n 1
exec .build/debug/pairpay demo "$@"
