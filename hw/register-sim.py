#!/usr/bin/python3
"""register-sim.py — a cash register simulator for PairPay's registerd (hw/PROTOCOL.md, version 1).

It plays the register's side of the serial link: it sends HELLO, SALE, ABORT, RELAY, STATUS REQUEST,
VOID and TOTALS REQUEST, acknowledges everything registerd sends, and prints every message it gets
in readable form: progress lines as they come, the PHONE PAYLOAD of a payment request (as an ASCII
QR code too, if the Python module `qrcode` happens to be installed), and the result.

Interactive (no command given): a prompt; type `help`. Ctrl-C while a sale runs sends ABORT; if
the sale had already ended, registerd answers ERROR 6 abort-too-late (it ended approved: paid;
the simulator waits for the RESULT, or asks STATUS REQUEST) or ERROR 10 already-ended (it ended
unpaid: the simulator asks STATUS REQUEST with the receipt and exits 3).
  hw/register-sim.py --port /tmp/pairpay/register

One command, for scripts, CI and demos:
  hw/register-sim.py --port P hello
  hw/register-sim.py --port P sale --yes                      the example basket of PROTOCOL.md
  hw/register-sim.py --port P sale --yes --currency USD --item 0001:Coffee:350 --item 0002:Bagel:275:2:44
  hw/register-sim.py --port P abort R-000123
  hw/register-sim.py --port P relay --receipt R-000123 'PAIRPAY-RESULT1:...'
  hw/register-sim.py --port P status [--receipt R-000123]      newest transaction, or that one
  hw/register-sim.py --port P void PP-TERM-1-000042 [--receipt R-VOID-1]
  hw/register-sim.py --port P refund PP-TERM-1-000042 500 [--currency JPY] [--receipt F-1]
  hw/register-sim.py --port P totals [--close]
  hw/register-sim.py --port P end-of-day [--batch PP-TERM-1-3]   close the day (or ask about batch 3 again)
A list of commands from a file (or - for standard input), one per line, '#' starts a comment:
  hw/register-sim.py --port P --script demo.txt

Items: --item CODE:NAME:UNIT_PRICE[:QUANTITY[:TAX]], amounts in minor units of the currency
(yen for JPY, cents for USD). TOTAL is the sum of the lines unless --total is given (a wrong
--total makes registerd refuse the sale: useful to see ERROR invalid-sale).

Exit status of a command: 0 done (a sale: approved), 3 a sale that ended not paid (declined,
expired, cancelled, error), 4 refused by registerd (ERROR or BUSY), 1 no answer / line problem,
2 bad command line. With --script: the first non-zero status, after running every line.

The port defaults to $PAIRPAY_REGISTER_PORT, else /tmp/pairpay/register (see hw/pty-pair.sh).
"""

import argparse
import os
import random
import shlex
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pairpay_register import build  # noqa: E402
from pairpay_register.link import Link  # noqa: E402
from pairpay_register.messages import (ERROR_CODES, STAGES, STATUSES, TRANSACTION_STATES,  # noqa: E402
                                       EncodeError)

EXIT_OK, EXIT_LINK, EXIT_USAGE, EXIT_NOT_PAID, EXIT_REFUSED = 0, 1, 2, 3, 4
T_RESP = 5.0
# ISO 4217 minor-unit exponents that are not 2, for display only.
EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0, "PYG": 0,
             "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3}


class UsageError(Exception):
    pass


class ArgParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError("%s: %s" % (self.prog, message))


def money(amount, currency):
    e = EXPONENTS.get(currency, 2)
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if e == 0:
        return "%s %s%s" % (currency, sign, format(a, ","))
    return "%s %s%s.%0*d" % (currency, sign, format(a // 10 ** e, ","), e, a % 10 ** e)


def parse_item(text):
    parts = text.split(":")
    if not 3 <= len(parts) <= 5:
        raise UsageError("bad --item %r: use CODE:NAME:UNIT_PRICE[:QUANTITY[:TAX]]" % text)
    code, name = parts[0], parts[1]
    nums = []
    for label, p in zip(("UNIT_PRICE", "QUANTITY", "TAX"), parts[2:]):
        try:
            nums.append(int(p))
        except ValueError:
            raise UsageError("bad --item %r: %s must be a whole number (minor units), got %r" % (text, label, p))
    price, qty, tax = (nums + [1, 0])[:3] if len(nums) == 1 else (nums + [0])[:3] if len(nums) == 2 else nums
    if not code or not name:
        raise UsageError("bad --item %r: CODE and NAME must not be empty" % text)
    if price < 0 or tax < 0 or qty < 1:
        raise UsageError("bad --item %r: UNIT_PRICE and TAX must be >= 0 and QUANTITY >= 1" % text)
    return dict(code=code, name=name, unit_price=price, quantity=qty, tax=tax)


def render_qr(text, out):
    try:
        import qrcode  # optional; not needed
        from qrcode.util import MODE_8BIT_BYTE, QRData
    except Exception:
        return False
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(QRData(text.encode("ascii"), mode=MODE_8BIT_BYTE))
    qr.make(fit=True)
    qr.print_ascii(out=out, invert=True)
    return True


def command_parser():
    p = ArgParser(prog="register-sim.py", add_help=False)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND", parser_class=ArgParser)
    h = sub.add_parser("hello", help="HELLO -> HELLO REPLY")
    h.add_argument("--version", type=int, default=1, help="PROTOCOL VERSION to claim (default 1)")
    s = sub.add_parser("sale", help="SALE; waits for the RESULT (Ctrl-C: ABORT)")
    s.add_argument("--receipt", help="receipt number (default: R-<time>)")
    s.add_argument("--currency", default="JPY", help="ISO 4217 code (default JPY)")
    s.add_argument("--item", action="append", default=[], metavar="CODE:NAME:PRICE[:QTY[:TAX]]",
                   help="a line item (repeat); default: the example basket of PROTOCOL.md")
    s.add_argument("--total", type=int, help="TOTAL to send (default: sum of the lines)")
    s.add_argument("--yes", action="store_true", help="do not ask before sending")
    s.add_argument("--wait", type=float, default=300.0, help="longest wait for the RESULT, seconds (default 300)")
    a = sub.add_parser("abort", help="ABORT the open sale")
    a.add_argument("receipt", nargs="?", help="receipt (default: the last sale's)")
    r = sub.add_parser("relay", help="RELAY the text read from the customer's phone")
    r.add_argument("--receipt", help="receipt (default: the last sale's)")
    r.add_argument("text", help="RELAY DATA")
    st = sub.add_parser("status", help="STATUS REQUEST -> STATUS")
    st.add_argument("--receipt", help="ask about the sale or void with this RECEIPT (default: the newest)")
    v = sub.add_parser("void", help="VOID a completed payment (returns the money)")
    v.add_argument("order", help="ORDER ID of the sale")
    v.add_argument("--receipt", help="receipt number of the void (default: V-<time>)")
    v.add_argument("--wait", type=float, default=120.0)
    f = sub.add_parser("refund", help="REFUND part or all of a completed payment")
    f.add_argument("order", help="ORDER ID of the sale")
    f.add_argument("total", type=int, help="amount to give back, in minor units (100 = JPY 100, USD 1.00)")
    f.add_argument("--currency", default="JPY", help="the sale's ISO 4217 code (default JPY)")
    f.add_argument("--receipt", help="receipt number of the refund (default: F-<time>)")
    f.add_argument("--wait", type=float, default=150.0)
    t = sub.add_parser("totals", help="TOTALS REQUEST -> TOTALS")
    t.add_argument("--close", action="store_true", help="close the period after reporting it")
    e = sub.add_parser("end-of-day", help="END OF DAY -> END OF DAY REPORT (three-way totals)")
    e.add_argument("--batch", help="BATCH ID of an earlier close to ask about again (nothing is closed)")
    e.add_argument("--wait", type=float, default=90.0)
    sub.add_parser("help", help="list the commands")
    sub.add_parser("quit", help="leave")
    sub.add_parser("exit", help="leave")
    return p


class Simulator:
    def __init__(self, link, out=sys.stdout, interactive=False, device_id="REG-01"):
        self.link = link
        self.device_id = device_id
        self.out = out
        self.interactive = interactive
        self.last_receipt = None
        self.messages = []
        self._cv = threading.Condition()
        self._abort_requested = False
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._run, daemon=True)
        self._pump.start()

    def say(self, text):
        print(text, file=self.out, flush=True)

    def close(self):
        self._stop.set()
        self._pump.join(1)

    # ------------------------------------------------------------ incoming

    def _run(self):
        while not self._stop.is_set():
            rec = self.link.recv(0.1)
            if rec is None:
                continue
            self.show(rec)
            with self._cv:
                self.messages.append(rec)
                self._cv.notify_all()

    def show(self, rec):
        m = rec.message
        self.say("<< %s" % m.describe())
        if rec.name == "PROGRESS":
            stage = STAGES.get(m.get("STAGE"), "stage %s" % m.get("STAGE"))
            left = " (%d s left)" % m["SECONDS LEFT"] if "SECONDS LEFT" in m else ""
            self.say("   progress: %s%s: %s" % (stage, left, m.get("MESSAGE", "")))
        elif rec.name == "PAYMENT REQUEST":
            payload = m.get("PHONE PAYLOAD", "")
            self.say("   order %s: %s, expires in %s s" % (m.get("ORDER ID"), money(m.get("TOTAL", 0), m.get("CURRENCY", "")),
                                                          m.get("EXPIRES IN", "?")))
            self.say("   PHONE PAYLOAD (show as QR code or send over NFC):")
            self.say("   " + payload)
            if payload and not render_qr(payload, self.out):
                self.say("   (install the Python module qrcode to see it as a QR code here)")
        elif rec.name == "RESULT":
            st = m.get("STATUS")
            verdict = "PAID: print the receipt" if st == 0 else (
                "MONEY RETURNED" if st == 3 and m.get("REASON") == "voided" else "NOT PAID")
            extra = ""
            if "CARD LAST4" in m:
                extra = ", card ...%s, approval %s" % (m["CARD LAST4"], m.get("APPROVAL CODE", "?"))
            self.say("   result: %s (%s%s) — %s" % (STATUSES.get(st, st), m.get("REASON", "?"), extra, verdict))
        elif rec.name == "ERROR":
            code = m.get("ERROR CODE")
            note = {6: " — the sale ended approved: PAID (void it to return the money)",
                    10: " — the sale had already ended unpaid: NOT PAID, nothing was charged"}.get(code, "")
            self.say("   refused: %s%s" % (ERROR_CODES.get(code, code), note))
        elif rec.name == "STATUS":
            self.say("   transaction: %s" % TRANSACTION_STATES.get(m.get("TRANSACTION STATE"), "?"))
        elif rec.name == "TOTALS":
            groups = m.getall("CURRENCY TOTALS")
            if not groups:
                self.say("   no sales in this period")
            for g in groups:
                c = g.get("CURRENCY", "")
                self.say("   %s: approved %d (%s), voided %d (%s), declined %d" % (
                    c, g.get("APPROVED COUNT", 0), money(g.get("APPROVED AMOUNT", 0), c), g.get("VOIDED COUNT", 0),
                    money(g.get("VOIDED AMOUNT", 0), c), g.get("DECLINED COUNT", 0)))

    def mark(self):
        with self._cv:
            return len(self.messages)

    def wait_for(self, start, names, timeout, receipt=None):
        """First message from index ``start`` whose type is in names (and RECEIPT matches)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            i = start
            while True:
                while i < len(self.messages):
                    r = self.messages[i]
                    i += 1
                    if r.name in names and (receipt is None or r.get("RECEIPT") in (None, receipt)
                                            or r.name == "BUSY"):
                        return r, i
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, i
                self._cv.wait(min(left, 0.2))

    # ------------------------------------------------------------ outgoing

    def send(self, msg):
        self.say(">> %s" % msg.describe())
        out = self.link.send(msg)
        if not out.wait(self.link.t_ack * (self.link.n_retry + 1) + 1.0):
            self.say("!! registerd did not acknowledge %s (after %d transmissions): check the cable, the port "
                     "and that registerd runs" % (msg.name, out.transmissions))
            return False
        return True

    def request(self, msg, replies, timeout=5.0):
        start = self.mark()
        if not self.send(msg):
            return EXIT_LINK
        r, _ = self.wait_for(start, set(replies) | {"ERROR", "BUSY"}, timeout)
        if r is None:
            self.say("!! no answer to %s within %.0f s" % (msg.name, timeout))
            return EXIT_LINK
        return EXIT_REFUSED if r.name in ("ERROR", "BUSY") else EXIT_OK

    def run(self, argv):
        a = command_parser().parse_args(argv)
        if a.cmd in (None, "help"):
            self.say(COMMANDS_HELP)
            return EXIT_OK
        if a.cmd in ("quit", "exit"):
            raise EOFError
        return getattr(self, "cmd_" + a.cmd.replace("-", "_"))(a)

    def cmd_hello(self, a):
        return self.request(build.hello(self.device_id, version=a.version), ["HELLO REPLY"])

    def cmd_status(self, a):
        return self.request(build.status_request(a.receipt), ["STATUS"])

    def cmd_totals(self, a):
        return self.request(build.totals_request(close=a.close), ["TOTALS"])

    def cmd_end_of_day(self, a):
        """Exit 0 when balanced, 3 when out of balance or incomplete, 4 refused (BUSY, ERROR)."""
        start = self.mark()
        if not self.send(build.end_of_day(a.batch)):
            return EXIT_LINK
        r, _ = self.wait_for(start, {"END OF DAY REPORT", "ERROR", "BUSY"}, a.wait)
        if r is None:
            self.say("!! no END OF DAY REPORT within %.0f s" % a.wait)
            return EXIT_LINK
        if r.name != "END OF DAY REPORT":
            return EXIT_REFUSED
        return EXIT_OK if r["BALANCE"] == 0 else EXIT_NOT_PAID

    def cmd_abort(self, a):
        receipt = a.receipt or self.last_receipt
        if not receipt:
            raise UsageError("abort: no receipt given and no sale made in this session")
        return self.request(build.abort(receipt), ["RESULT"], timeout=30)

    def cmd_relay(self, a):
        receipt = a.receipt or self.last_receipt
        if not receipt:
            raise UsageError("relay: no --receipt given and no sale made in this session")
        return self.request(build.relay(receipt, a.text), ["RESULT"], timeout=30)

    def cmd_void(self, a):
        receipt = a.receipt or time.strftime("V-%y%m%d-%H%M%S")
        start = self.mark()
        if not self.send(build.void(receipt, a.order)):
            return EXIT_LINK
        return self._await_result(start, receipt, a.wait)

    def cmd_refund(self, a):
        receipt = a.receipt or time.strftime("F-%y%m%d-%H%M%S")
        start = self.mark()
        if not self.send(build.refund(receipt, a.order, a.total, a.currency)):
            return EXIT_LINK
        return self._await_result(start, receipt, a.wait)

    def cmd_sale(self, a):
        receipt = a.receipt or time.strftime("R-%y%m%d-%H%M%S")
        msg, lines = make_sale(a, receipt)
        self.say("sale %s:" % receipt)
        for ln in lines:
            self.say("  %-14s %-24s %3d x %s + tax %s" % (ln["code"], ln["name"], ln["quantity"],
                                                        money(ln["unit_price"], a.currency), money(ln["tax"], a.currency)))
        self.say("  TOTAL %s" % money(msg["TOTAL"], a.currency))
        if not a.yes:
            if not (self.interactive and sys.stdin.isatty()):
                raise UsageError("sale: add --yes to send a sale without asking")
            if input("send this sale? [y/N] ").strip().lower() not in ("y", "yes"):
                self.say("not sent")
                return EXIT_OK
        self.last_receipt = receipt
        start = self.mark()
        if not self.send(msg):
            return EXIT_LINK
        return self._await_result(start, receipt, a.wait)

    def _await_result(self, start, receipt, wait):
        """Wait for RESULT/ERROR/BUSY; after T_resp of silence ask with STATUS REQUEST (section 7);
        Ctrl-C sends ABORT once. STATUS REQUEST carries the receipt, so the answer is about this
        transaction even if another one is newer."""
        deadline = time.monotonic() + wait
        i = start
        last_heard = time.monotonic()
        ended_unpaid = False
        while time.monotonic() < deadline:
            try:
                r, i = self.wait_for(i, {"RESULT", "ERROR", "BUSY", "STATUS", "PROGRESS", "PAYMENT REQUEST"},
                                     min(0.5, deadline - time.monotonic()), receipt)
            except KeyboardInterrupt:
                self.say("-- Ctrl-C: aborting sale %s" % receipt)
                if not self.send(build.abort(receipt)):
                    return EXIT_LINK
                continue
            if r is None:
                if time.monotonic() - last_heard > T_RESP:
                    self.say("-- %.0f s without a word from registerd: asking with STATUS REQUEST" % T_RESP)
                    last_heard = time.monotonic()
                    if not self.send(build.status_request(receipt)):
                        return EXIT_LINK
                continue
            last_heard = time.monotonic()
            if r.name == "RESULT" and r.get("RECEIPT") == receipt:
                return EXIT_OK if r.get("STATUS") == 0 or (r.get("STATUS") == 3 and r.get("REASON") == "voided") \
                    else EXIT_NOT_PAID
            if r.name in ("ERROR", "BUSY"):
                if r.name == "ERROR" and r.get("ERROR CODE") == 6:
                    continue          # abort too late: the sale ended approved; its RESULT follows
                if r.name == "ERROR" and r.get("ERROR CODE") == 10 and r.get("RECEIPT") == receipt:
                    # already-ended: the sale ended unpaid before the ABORT; ask for its result
                    ended_unpaid = True
                    if not self.send(build.status_request(receipt)):
                        return EXIT_NOT_PAID
                    continue
                return EXIT_REFUSED
            if r.name == "STATUS" and ended_unpaid and r.get("TRANSACTION STATE") != 1:
                return EXIT_NOT_PAID
            if r.name == "STATUS" and r.get("RECEIPT") == receipt and r.get("TRANSACTION STATE") == 2:
                self.say("-- the transaction completed while the line was quiet (see STATUS above)")
                return EXIT_OK if r.get("STATUS") == 0 else EXIT_NOT_PAID
        self.say("!! no RESULT for %s within %.0f s" % (receipt, wait))
        return EXIT_LINK


def make_sale(a, receipt):
    lines = [parse_item(i) for i in a.item] or list(build.EXAMPLE_BASKET)
    try:
        msg = build.sale(receipt, a.currency, lines, total=a.total)
        msg.encode()
    except EncodeError as e:
        raise UsageError("sale: %s" % e)
    return msg, lines


def check_command(argv):
    """Parse and validate a command without sending anything (UsageError if wrong)."""
    a = command_parser().parse_args(argv)
    if a.cmd == "sale":
        make_sale(a, a.receipt or "R-CHECK")
    elif a.cmd == "void":
        try:
            build.void(a.receipt or "V-CHECK", a.order).encode()
        except EncodeError as e:
            raise UsageError("void: %s" % e)
    elif a.cmd == "refund":
        try:
            build.refund(a.receipt or "F-CHECK", a.order, a.total, a.currency).encode()
        except EncodeError as e:
            raise UsageError("refund: %s" % e)
    elif a.cmd == "end-of-day" and a.batch is not None:
        try:
            build.end_of_day(a.batch).encode()
        except EncodeError as e:
            raise UsageError("end-of-day: %s" % e)
    elif a.cmd == "status" and a.receipt is not None:
        try:
            build.status_request(a.receipt).encode()
        except EncodeError as e:
            raise UsageError("status: %s" % e)
    elif a.cmd in ("abort", "relay"):
        try:
            if a.cmd == "abort" and a.receipt:
                build.abort(a.receipt).encode()
            if a.cmd == "relay":
                build.relay(a.receipt or "R-CHECK", a.text).encode()
        except EncodeError as e:
            raise UsageError("%s: %s" % (a.cmd, e))
    return a


COMMANDS_HELP = """commands:
  hello [--version N]                         HELLO
  sale [--receipt R] [--currency C] [--item CODE:NAME:PRICE[:QTY[:TAX]]]... [--total N] [--yes]
                                              SALE (default: the example basket), then wait for the RESULT
  abort [RECEIPT]                             ABORT (default: the last sale)
  relay [--receipt R] TEXT                    RELAY the text read from the phone
  status [--receipt R]                        STATUS REQUEST (of that receipt; default: the newest)
  void ORDER_ID [--receipt R]                 VOID a completed payment
  refund ORDER_ID TOTAL [--currency C] [--receipt R]
                                              REFUND part or all of a completed payment
  totals [--close]                            TOTALS REQUEST (--close: start a new period)
  end-of-day [--batch B]                      END OF DAY: close the day, or ask about batch B again
  help, quit"""


def main(argv=None):
    ap = ArgParser(prog="register-sim.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", default=os.environ.get("PAIRPAY_REGISTER_PORT", "/tmp/pairpay/register"),
                    help="serial device of the register's end (default: $PAIRPAY_REGISTER_PORT or /tmp/pairpay/register)")
    ap.add_argument("--baud", type=int, default=115200, help="default 115200")
    ap.add_argument("--parity", choices=["none", "odd", "even"], default="none")
    ap.add_argument("--stop-bits", type=int, choices=[1, 2], default=1)
    ap.add_argument("--flow-control", choices=["none", "rts-cts", "xon-xoff"], default="none")
    ap.add_argument("--device-id", default="REG-01", help="DEVICE ID sent in HELLO (default REG-01)")
    ap.add_argument("--ack-timeout-ms", type=int, default=500, help="T_ack (default 500)")
    ap.add_argument("--max-retransmissions", type=int, default=3, help="N_retry (default 3)")
    ap.add_argument("--trace", action="store_true", help="also print every frame in hex")
    ap.add_argument("--no-hello", action="store_true", help="interactive: do not send HELLO at start")
    ap.add_argument("--script", metavar="FILE", help="run the commands in FILE ('-': standard input)")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="one command and its options (see above)")
    try:
        a = ap.parse_args(argv)
        if a.script and a.command:
            raise UsageError("give either --script or a command, not both")
        if a.command:
            check_command(a.command)   # report bad commands before opening the port
        script = None
        if a.script:
            try:
                script = sys.stdin.read() if a.script == "-" else open(a.script, encoding="utf-8").read()
            except OSError as e:
                raise UsageError("cannot read script %s: %s" % (a.script, e))
            for n, line in enumerate(script.splitlines(), 1):
                if line.split("#", 1)[0].strip():
                    try:
                        check_command(shlex.split(line, comments=True))
                    except (UsageError, ValueError) as e:
                        raise UsageError("%s line %d: %s" % (a.script, n, e))
    except UsageError as e:
        print(e, file=sys.stderr)
        print("try: register-sim.py --help", file=sys.stderr)
        return EXIT_USAGE

    trace = (lambda e: print("   %s" % e, flush=True)) if a.trace else None
    try:
        # A random first SEQ: registerd cannot see this program restart (on a pty, or a USB adapter
        # that stays plugged in), and the same first frame with the same SEQ within T_dup (3 s) of the
        # previous run would be taken for a retransmission: ACKed and not answered (section 4).
        link = Link(a.port, name="register", first_seq=random.randint(1, 255), t_ack=a.ack_timeout_ms / 1000, n_retry=a.max_retransmissions,
                    trace=trace, baud=a.baud, parity=a.parity, stop_bits=a.stop_bits,
                    flow_control=a.flow_control).start()
    except Exception as e:
        print("register-sim.py: cannot open %s: %s" % (a.port, e), file=sys.stderr)
        if a.port.startswith("/tmp/pairpay"):
            print("  (is hw/pty-pair.sh running?)", file=sys.stderr)
        return EXIT_LINK
    interactive = not a.command and not a.script
    sim = Simulator(link, interactive=interactive, device_id=a.device_id)
    status = EXIT_OK
    try:
        if a.command:
            status = sim.run(a.command)
        elif script is not None:
            for line in script.splitlines():
                argv_line = shlex.split(line, comments=True)
                if not argv_line:
                    continue
                sim.say("# %s" % line.strip())
                try:
                    rc = sim.run(argv_line)
                except EOFError:
                    break
                status = status or rc
        else:
            sim.say("register-sim on %s — type help; Ctrl-D or quit to leave" % a.port)
            if not a.no_hello:
                sim.run(["hello"])
            while True:
                try:
                    line = input("register> ")
                except KeyboardInterrupt:
                    print()
                    continue
                try:
                    argv_line = shlex.split(line)
                    if argv_line:
                        sim.run(argv_line)
                except UsageError as e:
                    sim.say("?? %s (type help)" % e)
                except ValueError as e:
                    sim.say("?? %s" % e)
    except EOFError:
        pass
    except UsageError as e:
        print(e, file=sys.stderr)
        status = EXIT_USAGE
    finally:
        time.sleep(0.05)    # let the last ACK go out
        sim.close()
        link.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
