"""Link layer of PROTOCOL.md section 4 over a pyserial port, with fault-injection hooks.

One reader thread parses incoming bytes (T_byte), ACKs data frames at once, NAKs damaged
frames, suppresses duplicates (T_dup) and queues decoded messages.  One writer thread sends
data frames stop-and-wait with retransmission (T_ack, N_retry).  All writes go through one
lock and are whole frames, so an ACK is never put inside a data frame.

Every frame in both directions is recorded in ``link.log`` (a list of :class:`LogEntry`) so tests
can audit the exchange afterwards.
"""

import queue
import threading
import time
from dataclasses import dataclass, field

from . import framing
from .framing import ACK, NAK, FrameParser, encode_ack, encode_frame, encode_nak
from .messages import Message, type_name

__all__ = ["Link", "Fault", "Outgoing", "Received", "LogEntry", "LinkClosed", "open_port"]


class LinkClosed(Exception):
    pass


def open_port(url, baud=115200, parity="none", stop_bits=1, flow_control="none", timeout=0.02):
    """Open a serial device (or any pyserial URL) in raw 8-bit mode."""
    import serial

    par = {"none": serial.PARITY_NONE, "odd": serial.PARITY_ODD, "even": serial.PARITY_EVEN}[parity]
    stop = {1: serial.STOPBITS_ONE, 2: serial.STOPBITS_TWO}[int(stop_bits)]
    return serial.serial_for_url(
        url, baudrate=baud, bytesize=serial.EIGHTBITS, parity=par, stopbits=stop, timeout=timeout,
        rtscts=(flow_control == "rts-cts"), xonxoff=(flow_control == "xon-xoff"), exclusive=None)


@dataclass
class Fault:
    """Ways to damage the transmission of one data frame (see Link.send).

    corrupt_crc   the first N transmissions go out with a wrong CRC (peer should NAK)
    byte_delay    write the frame one byte at a time with this pause between bytes
    delay_all     apply byte_delay to retransmissions too (default: first transmission only)
    gap_at/gap    first transmission: stop after ``gap_at`` wire bytes, pause ``gap`` seconds, go on
    prefix        garbage written just before the first transmission
    repeat        after the frame is ACKed, write the identical bytes again N more times
    """
    corrupt_crc: int = 0
    byte_delay: float = 0.0
    delay_all: bool = False
    gap_at: int = None
    gap: float = 0.0
    prefix: bytes = b""
    repeat: int = 0


@dataclass
class LogEntry:
    t: float
    dir: str            # "tx" or "rx"
    kind: str           # frame, raw, bad, short, timeout, resync, withheld, dup, failed, lost
    seq: int = None
    type: int = None
    data: bytes = b""
    note: str = ""

    def __str__(self):
        what = type_name(self.type) if self.type is not None else ""
        seq = "" if self.seq is None else " seq=0x%02X" % self.seq
        return "%9.3f %s %-8s %s%s %s %s" % (self.t, self.dir, self.kind, what, seq, self.note,
                                           self.data.hex(" ") if self.data else "")


class Outgoing:
    """One data frame handed to the link."""

    def __init__(self, type_, payload, message=None, seq=None, fault=None):
        self.type = type_
        self.payload = payload
        self.message = message
        self.seq = seq
        self.fault = fault or Fault()
        self.wire = None
        self.transmissions = 0
        self.naks = 0
        self.result = None          # "acked", "failed", "closed"
        self.done = threading.Event()
        self.t_sent = None
        self.t_acked = None

    @property
    def acked(self):
        return self.result == "acked"

    def wait(self, timeout=5.0):
        """Wait until ACKed or given up; return True when ACKed."""
        self.done.wait(timeout)
        return self.acked

    def __repr__(self):
        return "Outgoing(%s seq=%s result=%s tx=%d)" % (type_name(self.type), self.seq, self.result, self.transmissions)


@dataclass
class Received:
    seq: int
    type: int
    payload: bytes
    crc: int
    t: float
    message: Message = None

    @property
    def name(self):
        return type_name(self.type)

    @property
    def problems(self):
        return self.message.problems if self.message else []

    def get(self, name, default=None):
        return self.message.get(name, default)

    def __getitem__(self, name):
        return self.message[name]

    def getall(self, name):
        """Every value of a repeatable field (CURRENCY TOTALS, DIFFERENCE), in order."""
        return self.message.getall(name)

    def __contains__(self, name):
        return name in self.message

    def describe(self):
        return "seq=0x%02X %s" % (self.seq, self.message.describe())


class Link:
    def __init__(self, port, *, t_byte=0.2, t_ack=0.5, n_retry=3, t_dup=3.0, first_seq=1,
                 name="register", trace=None, baud=115200, **port_opts):
        self.url = port if isinstance(port, str) else None
        self.port_opts = dict(baud=baud, **port_opts)
        self.port = open_port(port, **self.port_opts) if isinstance(port, str) else port
        self.t_byte, self.t_ack, self.n_retry, self.t_dup = t_byte, t_ack, n_retry, t_dup
        self.name = name
        self.trace = trace
        self._seq = (first_seq - 1) % 255  # next_seq() adds one
        self.parser = FrameParser(t_byte=t_byte)
        self.inbox = queue.Queue()
        self.received = []          # every delivered message, in order
        self.skipped = []           # messages expect() passed over
        self.log = []
        self.lost = None            # reason, once the line hung up
        self._cv = threading.Condition()
        self._wlock = threading.Lock()
        self._outq = queue.Queue()
        self._acks = []             # SEQs of ACKs that arrived for the outstanding frame
        self._nak = False
        self._outstanding = None
        self._last_accepted = None  # (seq, crc, time last received)
        self._withhold = 0          # >0: that many data frames get no ACK; <0: all of them
        self.nak_damaged = True     # answer damaged frames with NAK
        self._stop = threading.Event()
        self._threads = []
        self.t0 = time.monotonic()

    # ------------------------------------------------------------ lifecycle

    def start(self):
        self._stop.clear()
        self._threads = [threading.Thread(target=self._reader, name=self.name + "-rx", daemon=True),
                         threading.Thread(target=self._writer, name=self.name + "-tx", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def close(self):
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        for t in self._threads:
            t.join(2.0)
        self._threads = []
        try:
            self.port.close()
        except Exception:
            pass
        self._fail_all("closed")

    def __enter__(self):
        return self.start() if not self._threads else self

    def __exit__(self, *exc):
        self.close()

    def reopen(self):
        """Close the device, forget all link state (as after a hang-up), open it again."""
        if self.url is None:
            raise LinkClosed("reopen needs a port given by name")
        self.close()
        self.port = open_port(self.url, **self.port_opts)
        self.parser.reset()
        self._last_accepted = None
        self.lost = None
        self.start()

    def _fail_all(self, why):
        while True:
            try:
                out = self._outq.get_nowait()
            except queue.Empty:
                break
            out.result = why
            out.done.set()

    # ------------------------------------------------------------ log

    def _now(self):
        return time.monotonic() - self.t0

    def _record(self, entry):
        with self._cv:
            self.log.append(entry)
            self._cv.notify_all()
        if self.trace:
            self.trace(entry)

    def wait_log(self, pred, timeout, start=0):
        """Wait until some log entry (from index ``start``) satisfies pred; return it or None."""
        deadline = time.monotonic() + timeout
        i = start
        with self._cv:
            while True:
                while i < len(self.log):
                    if pred(self.log[i]):
                        return self.log[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cv.wait(left)

    def entries(self, dir=None, kind=None, type_=None, seq=None, start=0):
        with self._cv:
            return [e for e in self.log[start:]
                    if (dir is None or e.dir == dir) and (kind is None or e.kind == kind)
                    and (type_ is None or e.type == type_) and (seq is None or e.seq == seq)]

    def mark(self):
        """Index into the log, to look only at what happens after this point."""
        with self._cv:
            return len(self.log)

    # ------------------------------------------------------------ writing

    def _write(self, data, byte_delay=0.0, gap_at=None, gap=0.0):
        with self._wlock:
            if byte_delay > 0 or gap_at is not None:
                for i in range(len(data)):
                    if gap_at is not None and i == gap_at:
                        self.port.flush()
                        time.sleep(gap)
                    self.port.write(data[i:i + 1])
                    if byte_delay > 0:
                        self.port.flush()
                        time.sleep(byte_delay)
            else:
                self.port.write(data)
            self.port.flush()

    def send_raw(self, data, byte_delay=0.0, note="raw"):
        """Write bytes as they are (garbage, hand-made frames, ...)."""
        data = bytes(data)
        self._record(LogEntry(self._now(), "tx", "raw", data=data, note=note))
        self._write(data, byte_delay)

    def next_seq(self):
        self._seq = self._seq % 255 + 1
        return self._seq

    def send(self, message, *, seq=None, fault=None, strict=True, payload=None):
        """Queue a data frame; returns an :class:`Outgoing` to wait on.

        ``message`` is a Message, a type name or a TYPE number (then ``payload`` gives raw bytes).
        ``seq`` forces a sequence number (normally the next one is used).
        """
        if isinstance(message, Message):
            out = Outgoing(message.type, message.encode(strict=strict) if payload is None else bytes(payload),
                           message, seq, fault)
        else:
            m = Message(message)
            out = Outgoing(m.type, bytes(payload or b""), None, seq, fault)
        if self._stop.is_set() or not self._threads:
            raise LinkClosed("link not running")
        self._outq.put(out)
        return out

    def _writer(self):
        while not self._stop.is_set():
            try:
                out = self._outq.get(timeout=0.05)
            except queue.Empty:
                continue
            if self.lost:
                out.result = "closed"
                out.done.set()
                continue
            if out.seq is None:
                out.seq = self.next_seq()
            out.wire = encode_frame(out.seq, out.type, out.payload)
            with self._cv:
                self._outstanding = out
            try:
                self._run_outgoing(out)
            except Exception as e:  # port gone
                self._record(LogEntry(self._now(), "tx", "lost", note=repr(e)))
                out.result = "closed"
            finally:
                with self._cv:
                    self._outstanding = None
                out.done.set()

    def _run_outgoing(self, out):
        f = out.fault
        for attempt in range(self.n_retry + 1):
            if self._stop.is_set():
                out.result = "closed"
                return
            wire = out.wire
            note = "retransmission %d" % attempt if attempt else ""
            if attempt < f.corrupt_crc:
                wire = encode_frame(out.seq, out.type, out.payload, crc_xor=0x5A5A)
                note = (note + " corrupt-crc").strip()
            with self._cv:
                self._acks.clear()
                self._nak = False
            if attempt == 0 and f.prefix:
                self.send_raw(f.prefix, note="garbage")
            delay = f.byte_delay if (attempt == 0 or f.delay_all) else 0.0
            gap_at = f.gap_at if attempt == 0 else None
            if gap_at is not None:
                note = (note + " gap %.0f ms after byte %d" % (f.gap * 1000, gap_at)).strip()
            self._record(LogEntry(self._now(), "tx", "frame", out.seq, out.type, wire, note))
            out.transmissions += 1
            self._write(wire, delay, gap_at, f.gap)
            if out.t_sent is None:
                out.t_sent = time.monotonic()
            deadline = time.monotonic() + self.t_ack
            with self._cv:
                while True:
                    if out.seq in self._acks:
                        out.result = "acked"
                        out.t_acked = time.monotonic()
                        break
                    if self._nak:
                        out.naks += 1
                        break
                    left = deadline - time.monotonic()
                    if left <= 0 or self._stop.is_set() or self.lost:
                        break
                    self._cv.wait(left)
            if out.result == "acked":
                for _ in range(f.repeat):
                    self._record(LogEntry(self._now(), "tx", "frame", out.seq, out.type, out.wire, "repeat"))
                    self._write(out.wire)
                return
            if self.lost:
                out.result = "closed"
                return
        out.result = "failed"
        self._record(LogEntry(self._now(), "tx", "failed", out.seq, out.type,
                              note="no ACK after %d transmissions" % out.transmissions))

    # ------------------------------------------------------------ ACK control

    def withhold_acks(self, n=-1):
        """Do not ACK the next ``n`` data frames (``-1``: none at all until :meth:`resume_acks`)."""
        self._withhold = n

    def resume_acks(self):
        self._withhold = 0

    # ------------------------------------------------------------ reading

    def _reader(self):
        while not self._stop.is_set():
            try:
                n = self.port.in_waiting
                data = self.port.read(max(1, min(n, 65536)))
            except Exception as e:
                if self._stop.is_set():
                    break
                self.lost = repr(e)
                self._record(LogEntry(self._now(), "rx", "lost", note=repr(e)))
                with self._cv:
                    self._cv.notify_all()
                break
            now = time.monotonic()
            events = self.parser.feed(data, now) if data else self.parser.tick(now)
            for ev in events:
                self._handle(ev)

    def _handle(self, ev):
        t = self._now()
        if ev.kind != "frame":
            self._record(LogEntry(t, "rx", ev.kind, data=ev.body, note=ev.reason))
            if ev.kind == "bad" and self.nak_damaged:
                self._send_control(encode_nak(), 0, NAK)
            return
        fr = ev.frame
        if fr.type == ACK:
            self._record(LogEntry(t, "rx", "frame", fr.seq, fr.type, fr.wire()))
            with self._cv:
                if self._outstanding is not None:
                    self._acks.append(fr.seq)
                    self._cv.notify_all()
            return
        if fr.type == NAK:
            self._record(LogEntry(t, "rx", "frame", fr.seq, fr.type, fr.wire()))
            with self._cv:
                if self._outstanding is not None:
                    self._nak = True
                    self._cv.notify_all()
            return
        now = time.monotonic()
        la = self._last_accepted
        dup = la is not None and la[0] == fr.seq and la[1] == fr.crc and now - la[2] <= self.t_dup
        self._record(LogEntry(t, "rx", "frame", fr.seq, fr.type, fr.wire(), "duplicate" if dup else ""))
        if self._withhold:
            if self._withhold > 0:
                self._withhold -= 1
            self._record(LogEntry(t, "tx", "withheld", fr.seq, ACK, note="ACK withheld"))
        else:
            self._send_control(encode_ack(fr.seq), fr.seq, ACK)
        if dup:
            self._last_accepted = (fr.seq, fr.crc, now)
            return
        self._last_accepted = (fr.seq, fr.crc, now)
        rec = Received(fr.seq, fr.type, fr.payload, fr.crc, t, Message.decode(fr.type, fr.payload))
        with self._cv:
            self.received.append(rec)
        self.inbox.put(rec)

    def _send_control(self, wire, seq, type_):
        self._record(LogEntry(self._now(), "tx", "frame", seq, type_, wire))
        try:
            self._write(wire)
        except Exception as e:
            self._record(LogEntry(self._now(), "tx", "lost", note=repr(e)))

    # ------------------------------------------------------------ messages

    def recv(self, timeout=1.0):
        """Next received message, or None."""
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self):
        """Everything already received and not yet taken."""
        out = []
        while True:
            try:
                out.append(self.inbox.get_nowait())
            except queue.Empty:
                return out

    def expect(self, names, timeout=3.0, skip=("PROGRESS",)):
        """Next message whose type is one of ``names``; messages of a type in ``skip`` are passed
        over (kept in ``self.skipped``). Anything else raises AssertionError, silence TimeoutError."""
        if isinstance(names, str):
            names = (names,)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            rec = self.recv(max(0.0, left)) if left > 0 else None
            if rec is None:
                raise TimeoutError("no %s within %.1f s; link log tail:\n%s"
                                   % ("/".join(names), timeout, "\n".join(str(e) for e in self.log[-12:])))
            if rec.name in names:
                return rec
            if skip and rec.name in skip:
                self.skipped.append(rec)
                continue
            raise AssertionError("expected %s, got %s" % ("/".join(names), rec.describe()))

    def quiet(self, duration, skip=("PROGRESS",)):
        """Collect messages for ``duration`` seconds (bounded wait); return them."""
        deadline = time.monotonic() + duration
        got = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got
            rec = self.recv(left)
            if rec is not None and not (skip and rec.name in skip):
                got.append(rec)

    def request(self, message, reply, timeout=3.0, **send_kw):
        """Send and wait for the ACK and then for a reply of type(s) ``reply``."""
        out = self.send(message, **send_kw)
        if not out.wait(self.t_ack * (self.n_retry + 1) + 1.0):
            raise AssertionError("%r was not ACKed" % out)
        return self.expect(reply, timeout)
