#!/usr/bin/env python3
"""pyiso8583's encode and decode rate on PairPay's 0100 and 0110 messages: the ceiling for the Swift
codec in `pairpay-bench iso8583`, which runs this script (or run it by hand):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install pyiso8583==4.0.1
    .venv-bench/bin/python bench/iso8583_bench.py --seconds 2 --repeats 3

The spec and messages are those of Tests/ISO8583Tests/Vectors/generate_vectors.py (docs/ISO8583.md).
Prints one JSON object: messages per second for each repeat, encode and decode.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "ISO8583Tests", "Vectors"))
import iso8583  # noqa: E402
from generate_vectors import AUTH, AUTH_RESPONSE, SPEC  # noqa: E402

MESSAGES = [AUTH, AUTH_RESPONSE]


def rate(work, seconds):
    """Calls work() (which handles len(MESSAGES) messages) until `seconds` pass; messages per second."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            work()
        count += 100 * len(MESSAGES)
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    encoded = [bytes(iso8583.encode(dict(m), SPEC)[0]) for m in MESSAGES]

    def encode():
        for message in MESSAGES:
            iso8583.encode(dict(message), SPEC)

    def decode():
        for raw in encoded:
            iso8583.decode(raw, SPEC)

    encode()
    decode()
    result = {
        "library": "pyiso8583 " + getattr(iso8583, "__version__", "?"),
        "python": sys.version.split()[0],
        "bytes": [len(e) for e in encoded],
        "encode": [rate(encode, args.seconds) for _ in range(args.repeats)],
        "decode": [rate(decode, args.seconds) for _ in range(args.repeats)],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
