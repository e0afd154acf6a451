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

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(3)
        if self.proc.stderr:
            self.proc.stderr.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


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
