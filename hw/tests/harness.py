"""Test plumbing: a socat pty pair and a running registerd, with bounded waits only."""

import os
import shutil
import subprocess
import tempfile
import threading
import time

HW = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(HW)


class PtyPair:
    """socat pty,raw,echo=0 <-> pty,raw,echo=0 with links DIR/register and DIR/terminal."""

    def __init__(self, directory=None):
        if shutil.which("socat") is None:
            raise RuntimeError("socat not installed (apt-get install socat)")
        self._tmp = None
        if directory is None:
            self._tmp = tempfile.mkdtemp(prefix="pairpay-pty-")
            directory = self._tmp
        self.dir = directory
        self.register = os.path.join(directory, "register")
        self.terminal = os.path.join(directory, "terminal")
        self._start()

    def _start(self):
        self.proc = subprocess.Popen(
            ["socat", "pty,raw,echo=0,link=%s" % self.register, "pty,raw,echo=0,link=%s" % self.terminal],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 5
        while not (os.path.exists(self.register) and os.path.exists(self.terminal)):
            if self.proc.poll() is not None:
                raise RuntimeError("socat exited: %s" % self.proc.stderr.read().decode(errors="replace"))
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError("socat pty links did not appear")
            time.sleep(0.01)

    def alive(self):
        return self.proc.poll() is None

    def unplug(self):
        """Stop socat: both ptys hang up and the links go away (a cable pulled out)."""
        self._stop()

    def replug(self):
        """A new pty pair under the same link names (the cable plugged in again)."""
        self._start()

    def close(self):
        self._stop()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(3)
        if self.proc.stderr:
            self.proc.stderr.close()


def registerd_path():
    return os.environ.get("REGISTERD") or os.path.join(REPO, ".build", "debug", "registerd")


class Registerd:
    """registerd on a device, stderr collected line by line."""

    def __init__(self, device, extra_args=(), binary=None, ready_timeout=15.0):
        self.binary = binary or registerd_path()
        self.args = [self.binary, "--device", device, "--log-level", "debug", *extra_args]
        self.lines = []
        self._cv = threading.Condition()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stderr, "E"), daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stdout, "O"), daemon=True)]
        for t in self._threads:
            t.start()
        if not self.wait_line("link open", ready_timeout):
            self.close()
            raise RuntimeError("registerd did not print 'link open' within %.0f s; exit=%s; output:\n%s"
                               % (ready_timeout, self.proc.returncode, self.output()))

    def _pump(self, stream, tag):
        for raw in iter(stream.readline, b""):
            with self._cv:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def wait_line(self, text, timeout, start=0):
        deadline = time.monotonic() + timeout
        with self._cv:
            i = start
            while True:
                while i < len(self.lines):
                    if text in self.lines[i]:
                        return self.lines[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and i >= len(self.lines)):
                    return None
                self._cv.wait(min(left, 0.1))

    def mark(self):
        with self._cv:
            return len(self.lines)

    def output(self, start=0, tail=60):
        with self._cv:
            return "\n".join(self.lines[start:][-tail:])

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for t in self._threads:
            t.join(2)
        for s in (self.proc.stdout, self.proc.stderr):
            s.close()


# ---------------------------------------------------------------- a register linked to registerd

from pairpay_register.framing import ACK, NAK  # noqa: E402
from pairpay_register.link import Link  # noqa: E402


class Rig:
    """registerd on the terminal side and our Link on the register side."""

    T_BYTE, T_ACK, N_RETRY = 0.2, 0.5, 3

    def __init__(self, register_port, terminal_port, pair=None, terminal_id="PP-TERM-CONF",
                 baud=115200, flow_control="none", extra_args=()):
        self.pair = pair
        self.register_port, self.terminal_port = register_port, terminal_port
        self.terminal_id = terminal_id
        args = ["--terminal-id", terminal_id, "--baud", str(baud), *extra_args]
        if flow_control != "none":
            args += ["--flow-control", flow_control]
        self.registerd = Registerd(terminal_port, args)
        self.link = Link(register_port, name="register", t_byte=self.T_BYTE, t_ack=self.T_ACK,
                         n_retry=self.N_RETRY, baud=baud, flow_control=flow_control).start()

    def close(self):
        self.link.close()
        self.registerd.close()

    def context(self):
        return ("--- link log (register side) ---\n%s\n--- registerd output ---\n%s"
                % ("\n".join(str(e) for e in self.link.log[-40:]), self.registerd.output()))

    def audit(self, start=0, withheld_ok=False):
        """Link-layer rules of section 4 over everything logged since ``start``:
        every data frame we sent was ACKed by registerd with its SEQ, within T_ack;
        every data frame registerd sent was ACKed by us; registerd numbers its data frames
        1..255 in order; registerd never sent a damaged or interrupted frame; every message
        it sent decodes cleanly."""
        log = self.link.log[start:]
        problems = []
        sent = {}
        for i, e in enumerate(log):
            if e.dir == "tx" and e.kind == "frame" and e.type not in (ACK, NAK) and "corrupt" not in e.note:
                sent.setdefault(e.seq, []).append(i)
        for seq, idx in sent.items():
            acks = [i for i, e in enumerate(log) if e.dir == "rx" and e.type == ACK and e.seq == seq and i > idx[0]]
            if not acks:
                problems.append("our data frame SEQ 0x%02X was never ACKed" % seq)
        sent_seqs = set(sent)
        for e in log:
            if e.dir == "rx" and e.type == ACK and e.seq not in sent_seqs and start == 0:
                problems.append("registerd ACKed SEQ 0x%02X which we never sent" % e.seq)
            if e.dir == "rx" and e.kind in ("bad", "timeout", "resync"):
                problems.append("registerd sent a %s frame: %s %s" % (e.kind, e.note, e.data.hex(" ")))
        theirs = []
        for i, e in enumerate(log):
            if e.dir == "rx" and e.kind == "frame" and e.type not in (ACK, NAK):
                if e.seq == 0:
                    problems.append("registerd used SEQ 0 for a data frame")
                if "duplicate" not in e.note:
                    theirs.append(e.seq)
                acked = any(x.dir == "tx" and x.type == ACK and x.seq == e.seq and x.kind == "frame"
                            for x in log[i + 1:i + 40])
                if not acked and not withheld_ok:
                    problems.append("we did not ACK registerd's SEQ 0x%02X" % e.seq)
        for a, b in zip(theirs, theirs[1:]):
            if b != a % 255 + 1:
                problems.append("registerd's SEQ went 0x%02X -> 0x%02X (expected the next number)" % (a, b))
        for r in self.link.received:
            if r.problems:
                problems.append("registerd sent malformed %s: %s" % (r.name, "; ".join(r.problems)))
        assert not problems, "\n".join(problems) + "\n" + self.context()
