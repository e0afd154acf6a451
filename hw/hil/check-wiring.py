#!/usr/bin/python3
"""check-wiring.py — check a null-modem cable between two serial ports before the HIL run.

    hw/hil/check-wiring.py PORT_A PORT_B [--baud 115200] [--flow-control none|rts-cts]

Sends random bytes A->B and B->A (checks TX<->RX crossed both ways, GND, same baud), then toggles
RTS and DTR on each side and reads CTS, DSR and DCD on the other (checks RTS<->CTS, DTR<->DSR+DCD).
Exit 0 when the data path works (and, with --flow-control rts-cts, RTS<->CTS too); 1 otherwise.
"""

import argparse
import os
import sys
import time

import serial


def transfer(tx, rx, n, timeout):
    data = os.urandom(n)
    rx.reset_input_buffer()
    tx.write(data)
    tx.flush()
    got = bytearray()
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        got += rx.read(n - len(got))
    return data, bytes(got)


def modem(a, b, name_a, name_b):
    """Return list of (signal pair, ok/None) for A's outputs seen at B."""
    results = []
    for out_name, set_line, in_names in (("RTS", "rts", ("cts",)), ("DTR", "dtr", ("dsr", "cd"))):
        for inp in in_names:
            try:
                seen = []
                for level in (True, False, True):
                    setattr(a, set_line, level)
                    time.sleep(0.02)
                    seen.append(getattr(b, inp))
                ok = seen == [True, False, True]
            except (OSError, serial.SerialException) as e:
                ok = None
                seen = str(e).splitlines()[0][:60]
            results.append(("%s %s -> %s %s" % (name_a, out_name, name_b, inp.upper()), ok, seen))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port_a")
    ap.add_argument("port_b")
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--flow-control", choices=["none", "rts-cts"], default="none")
    ap.add_argument("--bytes", type=int, default=512)
    a = ap.parse_args(argv)
    if os.path.realpath(a.port_a) == os.path.realpath(a.port_b):
        print("check-wiring: %s and %s are the same device" % (a.port_a, a.port_b), file=sys.stderr)
        return 1
    try:
        pa = serial.Serial(a.port_a, a.baud, timeout=0.1, exclusive=True)
        pb = serial.Serial(a.port_b, a.baud, timeout=0.1, exclusive=True)
    except (serial.SerialException, OSError) as e:
        print("check-wiring: cannot open: %s (in use by registerd, ModemManager, a console?)" % e, file=sys.stderr)
        return 1
    ok = True
    t = max(1.0, a.bytes * 10 / a.baud * 3)
    for tx, rx, label in ((pa, pb, "A->B"), (pb, pa, "B->A")):
        sent, got = transfer(tx, rx, a.bytes, t)
        if sent == got:
            print("data %s: %d bytes OK" % (label, len(got)))
        else:
            ok = False
            hint = ("nothing arrived: TX and RX must be crossed (TX of one to RX of the other), GND connected"
                    if not got else "bytes garbled or lost: same baud rate on both? cable too long? level mismatch?")
            print("data %s: FAILED, sent %d, received %d (%s)" % (label, len(sent), len(got), hint))
    lines_ok = True
    for name_a, name_b, x, y in (("A", "B", pa, pb), ("B", "A", pb, pa)):
        for what, res, seen in modem(x, y, name_a, name_b):
            state = {True: "OK", False: "not wired (saw %s)" % (seen,), None: "not available (%s)" % (seen,)}[res]
            print("line %-16s %s" % (what, state))
            if "RTS" in what and res is not True:
                lines_ok = False
    if a.flow_control == "rts-cts" and not lines_ok:
        print("RTS/CTS flow control requested but RTS<->CTS is not crossed both ways")
        ok = False
    pa.close()
    pb.close()
    print("wiring %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
