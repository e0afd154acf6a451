#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for SECONDS (default 30), seeded from the
# protocol vectors. A crash stops the run with a non-zero status and leaves the input in
# fuzz/artifacts/, to be turned into a regression test. The long run in RELIABILITY.md is
#   fuzz/run.sh 3600
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
scratch=../.build-fuzz

echo "== building fuzzers (libFuzzer + AddressSanitizer)"
swift build --sanitize fuzzer --sanitize address --scratch-path "$scratch" 2>&1 \
    | grep -vE "Cannot export local symbol" | tail -n 1

corpus=$(mktemp -d /tmp/pairpay-fuzz-XXXXXX)
trap 'rm -rf "$corpus"' EXIT
mkdir -p artifacts "$corpus/frame" "$corpus/message" "$corpus/iso8583" "$corpus/settlement"

/usr/bin/python3 - "$corpus" <<'PY'
import json, os, re, sys
corpus = sys.argv[1]
doc = open("../hw/PROTOCOL.md").read()
for i, block in enumerate(re.findall(r"<!-- vector: [^>]+ -->\n```hex\n(.*?)```", doc, re.S)):
    frame = bytes.fromhex(block.replace("\n", " "))
    open(os.path.join(corpus, "frame", f"v{i}"), "wb").write(b"\x05" + frame)
    # The message corpus: TYPE then the unstuffed payload (between SEQ/TYPE and the CRC).
    body = frame[2:-2].replace(b"\x10\x10", b"\x10")
    open(os.path.join(corpus, "message", f"v{i}"), "wb").write(body[1:-2])
vectors = json.load(open("../Tests/ISO8583Tests/Vectors/vectors.json"))
items = vectors if isinstance(vectors, list) else vectors.get("vectors", list(vectors.values()))
for i, item in enumerate(items):
    text = item.get("hex") if isinstance(item, dict) else item
    if isinstance(text, str):
        open(os.path.join(corpus, "iso8583", f"v{i}"), "wb").write(bytes.fromhex(text))
first = {"orderId": "PP-1", "contents": {"merchantId": "shop-1", "orderId": "PP-1", "currency": "JPY",
         "total": 1155, "lineItems": [
             {"code": "4901234567894", "name": "Peanut butter", "unitPrice": 500, "quantity": 1, "tax": 25},
             {"code": "4909876543210", "name": "Grape jelly", "unitPrice": 600, "quantity": 1, "tax": 30}]}}
second = {"merchantId": "shop-1", "orderId": "PP-1", "currency": "JPY", "total": 1155,
          "contents": first["contents"], "payment": {"card": {"pan": "4111111111111111", "expiry": "3012", "cvc": "123"}}}
digest_only = dict(second, contents=None, contentsDigest="0" * 64, payment={"vaultReference": "vault_abc"})
del digest_only["contents"]
for name, selector, value in [("first", 0, first), ("second", 1, second), ("digest", 1, digest_only)]:
    open(os.path.join(corpus, "settlement", name), "wb").write(bytes([selector]) + json.dumps(value).encode())
open(os.path.join(corpus, "settlement", "relay"), "wb").write(b"\x02PAIRPAY-RESULT1:eyJyZXN1bHQiOnt9fQ")
PY

status=0
for fuzzer in FrameDecoderFuzzer:frame RegisterMessageFuzzer:message ISO8583Fuzzer:iso8583 \
    SettlementRequestFuzzer:settlement; do
    name=${fuzzer%%:*}
    dir=$corpus/${fuzzer##*:}
    echo "== $name for ${seconds}s (seeds: $(ls "$dir" | wc -l))"
    if ! "$scratch/debug/$name" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix=artifacts/"$name"- "$dir" 2>"$corpus/$name.log"; then
        tail -n 40 "$corpus/$name.log"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$corpus/$name.log" | sed -e "s/^/   /"
done
exit $status
