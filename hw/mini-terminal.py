#!/usr/bin/python3
"""mini-terminal.py — a stand-in for registerd built on the Python kit (pairpay_register.terminal).

Takes the same core options as registerd, prints "link open" to stderr like it does, and answers
the register per hw/PROTOCOL.md without any settlement server. Uses:
  * try register-sim.py without building registerd:   hw/mini-terminal.py --device /tmp/pairpay/terminal
  * a demo with a payment that gets approved:          ... --settlement demo --approve-after 5
  * check the conformance suite itself:                REGISTERD=hw/mini-terminal.py pytest hw/tests/test_conformance.py
It is NOT registerd: it never pays anything.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pairpay_register.link import Link  # noqa: E402
from pairpay_register.terminal import MiniTerminal  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", required=True, help="serial device (registerd's end of the line)")
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--parity", choices=["none", "odd", "even"], default="none")
    ap.add_argument("--stop-bits", type=int, choices=[1, 2], default=1)
    ap.add_argument("--flow-control", choices=["none", "rts-cts", "xon-xoff"], default="none")
    ap.add_argument("--terminal-id", default="PP-MINI-1")
    ap.add_argument("--inter-byte-timeout-ms", type=int, default=200)
    ap.add_argument("--ack-timeout-ms", type=int, default=500)
    ap.add_argument("--max-retransmissions", type=int, default=3)
    ap.add_argument("--progress-interval-ms", type=int, default=1000)
    ap.add_argument("--log-level", choices=["info", "debug", "trace"], default="info")
    ap.add_argument("--settlement", choices=["none", "demo"], default="none",
                    help="none: every sale ends in settlement-not-configured (like registerd without a "
                         "server); demo: payment request, progress, approval after --approve-after seconds")
    ap.add_argument("--approve-after", type=float, default=10.0)
    a = ap.parse_args(argv)

    trace = None
    if a.log_level != "info":
        trace = lambda e: print("mini-terminal: %s" % e, file=sys.stderr, flush=True)  # noqa: E731
    link = Link(a.device, name="terminal", t_byte=a.inter_byte_timeout_ms / 1000, t_ack=a.ack_timeout_ms / 1000,
                n_retry=a.max_retransmissions, trace=trace, baud=a.baud, parity=a.parity,
                stop_bits=a.stop_bits, flow_control=a.flow_control).start()
    term = MiniTerminal(link, terminal_id=a.terminal_id, settlement=a.settlement, approve_after=a.approve_after,
                        progress_interval=a.progress_interval_ms / 1000).start()
    print("mini-terminal: link open on %s (terminal id %s, settlement %s)" % (a.device, a.terminal_id, a.settlement),
          file=sys.stderr, flush=True)
    stop = threading.Event()
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, lambda *_: stop.set())
    while not stop.wait(0.2):
        if link.lost:
            # like registerd: reopen with back-off (100 ms doubling, at most 5 s), keep the transactions
            print("mini-terminal: line lost (%s); reopening" % link.lost, file=sys.stderr, flush=True)
            backoff = 0.1
            while not stop.is_set():
                try:
                    link.reopen()
                    print("mini-terminal: link open again on %s" % a.device, file=sys.stderr, flush=True)
                    break
                except Exception:
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
    term.stop()
    link.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
