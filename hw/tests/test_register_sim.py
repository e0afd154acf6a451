"""hw/register-sim.py driven as CI or a demo would: against the mini terminal, and against registerd
when it is built."""

import os
import subprocess
import sys

import pytest

from harness import HW, PtyPair, Registerd, registerd_path

SIM = os.path.join(HW, "register-sim.py")
MINI = os.path.join(HW, "mini-terminal.py")
PY = sys.executable


def sim(*args, stdin=None, timeout=30):
    return subprocess.run([PY, SIM, *args], input=stdin, capture_output=True, text=True, timeout=timeout)


class MiniProc:
    """mini-terminal.py on a device, ready once it printed 'link open'."""

    def __init__(self, device, *extra):
        self.proc = subprocess.Popen([PY, MINI, "--device", device, *extra], stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True)
        line = self.proc.stderr.readline()
        assert "link open" in line, line

    def close(self):
        self.proc.terminate()
        self.proc.wait(5)
        self.proc.stderr.close()


@pytest.fixture
def mini_demo():
    pp = PtyPair()
    m = MiniProc(pp.terminal, "--settlement", "demo", "--approve-after", "1.5", "--progress-interval-ms", "300")
    yield pp.register
    m.close()
    pp.close()


@pytest.fixture
def registerd_port():
    binary = registerd_path()
    if not os.access(binary, os.X_OK):
        pytest.skip("registerd binary not found at %s (swift build --product registerd, or set REGISTERD)" % binary)
    pp = PtyPair()
    d = Registerd(pp.terminal)
    yield pp.register
    d.close()
    pp.close()


def test_help_lists_every_command():
    r = sim("--help")
    assert r.returncode == 0
    for word in ("hello", "sale", "abort", "relay", "status", "void", "refund", "totals", "--script", "--yes", "--item",
                 "Exit status", "PAIRPAY_REGISTER_PORT"):
        assert word in r.stdout, word


@pytest.mark.parametrize("args, message", [
    (["sale", "--yes", "--item", "x"], "use CODE:NAME:UNIT_PRICE"),
    (["sale", "--yes", "--item", "1:Tea:abc"], "UNIT_PRICE must be a whole number"),
    (["sale", "--yes", "--item", "1:Tea:100:0"], "QUANTITY >= 1"),
    (["sale", "--yes", "--currency", "yen"], "CURRENCY"),
    (["sale", "--yes", "--receipt", "R-" + "9" * 40], "RECEIPT"),
    (["relay", "caf\u00e9"], "RELAY DATA"),
    (["status", "--receipt", "R-" + "9" * 40], "RECEIPT"),
    (["void", "PP/1"], "ORDER ID"),
    (["refund", "PP-1", "many"], "invalid int value"),
    (["refund", "PP/1", "100"], "ORDER ID"),
    (["refund", "PP-1", "100", "--currency", "yen"], "CURRENCY"),
    (["rebate"], "invalid choice"),
    (["totals", "--close", "now"], "unrecognized arguments"),
])
def test_bad_command_lines_are_refused_before_opening_the_port(args, message):
    r = sim("--port", "/nonexistent/port", *args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert "cannot open" not in r.stderr


def test_sale_without_yes_is_refused_when_not_interactive(mini_demo):
    r = sim("--port", mini_demo, "sale")
    assert r.returncode == 2 and "--yes" in r.stderr


def test_missing_port_is_reported():
    r = sim("--port", "/nonexistent/port", "hello")
    assert r.returncode == 1 and "cannot open /nonexistent/port" in r.stderr


def test_script_errors_name_the_line(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("hello\n# fine\nsale --yes --item bad\n")
    r = sim("--port", "/nonexistent/port", "--script", str(f))
    assert r.returncode == 2 and "line 3" in r.stderr


def test_demo_sale_shows_phone_payload_progress_and_result(mini_demo):
    r = sim("--port", mini_demo, "sale", "--yes", "--receipt", "R-SIM-1", "--item", "0001:Coffee:350",
            "--item", "0002:Bagel:275:2:44", "--currency", "USD")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "TOTAL USD 9.44" in out
    assert "PHONE PAYLOAD" in out and "PAIRPAY1:DEMO:" in out
    assert "progress: registering" in out and "progress: waiting-for-phone" in out
    assert "result: approved" in out and "PAID" in out


def test_interactive_session_from_a_pipe(mini_demo):
    r = sim("--port", mini_demo, stdin="status\nsale\ntotals --close\nbogus\nquit\n")
    assert r.returncode == 0, r.stderr
    assert "<< HELLO REPLY" in r.stdout            # sent at start
    assert "<< STATUS" in r.stdout and "<< TOTALS" in r.stdout
    assert "?? " in r.stdout                        # 'sale' without --yes and 'bogus' are reported


def test_hello_sale_and_script_against_registerd(registerd_port, tmp_path):
    r = sim("--port", registerd_port, "hello")
    assert r.returncode == 0 and "<< HELLO REPLY: PROTOCOL VERSION=1" in r.stdout, r.stdout + r.stderr
    r = sim("--port", registerd_port, "sale", "--yes", "--receipt", "R-SIM-REGD-1")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "settlement-not-configured" in r.stdout and "NOT PAID" in r.stdout
    f = tmp_path / "demo.txt"
    f.write_text("hello   # say hello first\nstatus\nsale --yes --receipt R-SIM-REGD-2 --total 1\n"
                 "abort R-NONE\ntotals\n")
    r = sim("--port", registerd_port, "--script", str(f))
    assert r.returncode == 4, r.stdout + r.stderr       # first failure: the refused sale
    assert r.stdout.count("<< ") >= 5
    assert "refused: invalid-sale" in r.stdout and "refused: no-transaction" in r.stdout


def test_silence_during_a_sale_triggers_status_request():
    """Section 7: after T_resp (5 s) without a word from the terminal the register asks with STATUS
    REQUEST. The mini terminal is told to stay quiet (no progress) for 6 s, then approves."""
    pp = PtyPair()
    m = MiniProc(pp.terminal, "--settlement", "demo", "--approve-after", "6.5", "--progress-interval-ms", "20000")
    try:
        r = sim("--port", pp.register, "sale", "--yes", "--receipt", "R-QUIET-1")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "asking with STATUS REQUEST" in r.stdout and "<< STATUS: TRANSACTION STATE=1" in r.stdout
        assert r.stdout.index(">> STATUS REQUEST") < r.stdout.index("result: approved")
    finally:
        m.close()
        pp.close()


def test_abort_of_an_unpaid_sale_and_status_by_receipt(tmp_path):
    """ABORT after the sale ended unpaid is ERROR 10 already-ended (not 6: that would mean paid);
    `status --receipt` asks about that sale, an unknown receipt gets TRANSACTION STATE 0."""
    pp = PtyPair()
    m = MiniProc(pp.terminal)            # no settlement: every sale ends settlement-not-configured
    try:
        f = tmp_path / "s.txt"
        f.write_text("sale --yes --receipt R-SIM-U1\nsale --yes --receipt R-SIM-U2\nabort R-SIM-U1\n"
                     "status --receipt R-SIM-U1\nstatus --receipt R-SIM-NONE\nstatus\n")
        r = sim("--port", pp.register, "--script", str(f))
        assert r.returncode == 3, r.stdout + r.stderr           # first failure: the unpaid sale
        out = r.stdout
        assert "ERROR CODE=10 (already-ended)" in out and "NOT PAID, nothing was charged" in out, out
        assert "abort-too-late" not in out
        assert "<< STATUS: TRANSACTION STATE=2 (completed), RECEIPT='R-SIM-U1'" in out, out
        assert "<< STATUS: TRANSACTION STATE=0 (none)" in out, out
        assert "<< STATUS: TRANSACTION STATE=2 (completed), RECEIPT='R-SIM-U2'" in out, out
    finally:
        m.close()
        pp.close()
