#!/usr/bin/env bash
# Installs the system packages PairPay needs (Debian/Ubuntu), skipping those already present.
# libserialport-dev: the serial transport for real devices; socat: pty pairs for the demo and
# the hw/ conformance suite; python3-serial/pytest: the hw/ register implementation and tests;
# gcc: the LD_PRELOAD shim of the libserialport smoke test; libqrencode-dev: the QR codes (PairPayQR);
# chromium, chromium-driver: the real browser of the payment-page tests and the demo's browser leg;
# fonts-ipafont-gothic: Japanese text on those pages (without a CJK font Chromium draws boxes);
# postgresql: the shared settlement store's tests run on a throwaway cluster (scripts/postgres-cluster.sh);
# nginx, libnginx-mod-stream: the deployment test puts two settlementd behind deploy/nginx's TLS
# passthrough.
#   scripts/install-deps.sh          everything the tests need
#   scripts/install-deps.sh --demo   only what building and `pairpay demo` need (no PostgreSQL,
#                                    nginx or pytest: the demo runs on SQLite)
set -euo pipefail

packages=(libserialport-dev libqrencode-dev pkg-config socat python3 python3-serial gcc libc6-dev
    util-linux chromium chromium-driver fonts-ipafont-gothic)
if [[ "${1:-}" != "--demo" ]]; then
    packages+=(python3-pytest postgresql nginx libnginx-mod-stream)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
