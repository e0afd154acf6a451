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
mkdir -p artifacts "$corpus/frame" "$corpus/message" "$corpus/iso8583"

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
PY

status=0
for fuzzer in FrameDecoderFuzzer:frame RegisterMessageFuzzer:message ISO8583Fuzzer:iso8583; do
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
