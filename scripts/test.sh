#!/usr/bin/env bash
# Runs every test: the Swift suites (real ptys, real TCP, real SQLite, real processes) and the
# hw/ suites (an independent Python register against the real registerd on a socat pty pair).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== PostgreSQL: a throwaway cluster for the shared-store tests (removed on exit)"
# Without PostgreSQL the shared-store suites cannot run: stop here and say so, never skip them.
if ! cluster=$(scripts/postgres-cluster.sh start); then
    echo "test.sh: the PostgreSQL test cluster did not start (see above); the PostgreSQL suites need it" >&2
    exit 1
fi
eval "$cluster"
trap 'scripts/postgres-cluster.sh stop "$PAIRPAY_TEST_POSTGRES_DIR"' EXIT
echo "   $PAIRPAY_TEST_POSTGRES_URL"

echo "== building (debug, with tests)"
swift build --build-tests

echo "== Swift tests"
swift test --skip-build

echo "== hw/ tests: PROTOCOL.md vectors, link self-test, register simulator, conformance against registerd"
REGISTERD="$PWD/.build/debug/registerd" /usr/bin/python3 -m pytest hw/tests -q -rsx -p no:cacheprovider

echo "== fuzzing (short CI run; the long run is documented in RELIABILITY.md)"
fuzz/run.sh "${PAIRPAY_FUZZ_SECONDS:-20}"
