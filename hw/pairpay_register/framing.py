"""Frames on the wire: DLE stuffing, encoding, and the byte-by-byte receiver (PROTOCOL.md 2, 2.1)."""

import time
from dataclasses import dataclass, field

from .crc import crc16_ibm3740

__all__ = [
    "DLE", "STX", "ETX", "ACK", "NAK", "MAX_PAYLOAD", "MAX_BODY",
    "stuff", "unstuff", "encode_frame", "encode_ack", "encode_nak", "parse_wire",
    "Frame", "ParseEvent", "FrameParser", "FrameError",
]

DLE, STX, ETX = 0x10, 0x02, 0x03
ACK, NAK = 0x06, 0x15
MAX_PAYLOAD = 4096
MAX_BODY = MAX_PAYLOAD + 4  # SEQ + TYPE + PAYLOAD + CRC, unstuffed


class FrameError(ValueError):
    pass


def stuff(data):
    """Double every DLE (0x10)."""
    return bytes(data).replace(b"\x10", b"\x10\x10")


def unstuff(data):
    """Inverse of :func:`stuff` for the bytes between DLE STX and DLE ETX."""
    out = bytearray()
    it = iter(bytes(data))
    for b in it:
        if b == DLE:
            nxt = next(it, None)
            if nxt != DLE:
                raise FrameError("DLE followed by %r inside frame" % (nxt,))
        out.append(b)
    return bytes(out)


def encode_frame(seq, type_, payload=b"", *, crc=None, crc_xor=0):
    """Complete wire bytes of one frame.

    ``crc`` overrides the computed CRC; ``crc_xor`` flips bits of it (fault injection).
    The payload size limit is *not* enforced here so tests can build oversize frames.
    """
    if not 0 <= seq <= 0xFF or not 0 <= type_ <= 0xFF:
        raise ValueError("SEQ and TYPE are single bytes")
    body = bytes([seq, type_]) + bytes(payload)
    c = crc16_ibm3740(body) if crc is None else crc
    c ^= crc_xor
    body += bytes([(c >> 8) & 0xFF, c & 0xFF])
    return bytes([DLE, STX]) + stuff(body) + bytes([DLE, ETX])


def encode_ack(seq):
    return encode_frame(seq, ACK)


def encode_nak():
    return encode_frame(0x00, NAK)


@dataclass
class Frame:
    seq: int
    type: int
    payload: bytes
    crc: int
    wire_len: int = 0

    @property
    def is_control(self):
        return self.type in (ACK, NAK)

    def wire(self):
        return encode_frame(self.seq, self.type, self.payload, crc=self.crc)


@dataclass
class ParseEvent:
    """What the receiver saw.

    kind is one of:
      "frame"    -- good CRC, ``frame`` set
      "bad"      -- must be answered with NAK; ``reason`` in {"crc", "framing", "oversize"}.
                    A framing error (DLE + a byte other than DLE/STX/ETX) and a frame growing past
                    the maximum are reported at once, at the offending byte, and the receiver goes
                    back to hunting (2.1 step 2); a CRC mismatch at DLE ETX (step 4).
      "short"    -- under 4 bytes between the delimiters, dropped silently
      "timeout"  -- partial frame dropped because of T_byte, silently
      "resync"   -- DLE STX inside a frame: partial dropped, new frame started
    """
    kind: str
    frame: Frame = None
    reason: str = ""
    body: bytes = b""
    t: float = 0.0


HUNT, HUNT_DLE, IN, IN_DLE = range(4)


class FrameParser:
    """Receiver state machine of PROTOCOL.md 2.1, fed bytes with their arrival time."""

    def __init__(self, t_byte=0.2, max_payload=MAX_PAYLOAD, clock=time.monotonic):
        self.t_byte = t_byte
        self.max_body = max_payload + 4
        self.clock = clock
        self.reset()

    def reset(self):
        self.state = HUNT
        self.body = bytearray()
        self.wire_len = 0
        self.last = None  # arrival time of the previous byte of the current frame

    def in_frame(self):
        return self.state in (IN, IN_DLE, HUNT_DLE)

    def tick(self, now=None):
        """Drop a partial frame whose inter-byte gap already exceeds T_byte."""
        now = self.clock() if now is None else now
        if self.in_frame() and self.last is not None and now - self.last > self.t_byte:
            ev = ParseEvent("timeout", body=bytes(self.body), t=now) if self.state != HUNT_DLE else None
            self.reset()
            return [ev] if ev else []
        return []

    def _start(self):
        self.state = IN
        self.body = bytearray()
        self.wire_len = 2

    def _append(self, b, now):
        """Store one unstuffed byte; past the maximum: NAK at once, hunt through the rest."""
        if len(self.body) >= self.max_body:
            ev = ParseEvent("bad", reason="oversize", body=bytes(self.body), t=now)
            self.reset()
            return [ev]
        self.body.append(b)
        return []

    def feed(self, data, now=None):
        now = self.clock() if now is None else now
        events = []
        for b in bytes(data):
            events.extend(self.tick(now))
            self.last = now
            st = self.state
            if st == HUNT:
                if b == DLE:
                    self.state = HUNT_DLE
            elif st == HUNT_DLE:
                if b == STX:
                    self._start()
                elif b != DLE:  # DLE DLE STX still contains DLE STX
                    self.state = HUNT
            elif st == IN:
                self.wire_len += 1
                if b == DLE:
                    self.state = IN_DLE
                else:
                    events.extend(self._append(b, now))
            else:  # IN_DLE
                self.wire_len += 1
                if b == DLE:
                    self.state = IN
                    events.extend(self._append(DLE, now))
                elif b == ETX:
                    events.append(self._finish(now))
                    self.reset()
                elif b == STX:
                    events.append(ParseEvent("resync", body=bytes(self.body), t=now))
                    self._start()
                else:
                    # Framing error: answered with NAK at once, then hunting (2.1 step 2).
                    events.append(ParseEvent("bad", reason="framing", body=bytes(self.body), t=now))
                    self.reset()
            if self.state == HUNT:
                self.last = None
        return events

    def _finish(self, now):
        body = bytes(self.body)
        if len(body) < 4:
            return ParseEvent("short", body=body, t=now)
        crc = (body[-2] << 8) | body[-1]
        if crc16_ibm3740(body[:-2]) != crc:
            return ParseEvent("bad", reason="crc", body=body, t=now)
        fr = Frame(body[0], body[1], body[2:-2], crc, self.wire_len + 1)
        return ParseEvent("frame", frame=fr, t=now)


def parse_wire(data):
    """Parse complete wire bytes (no timing); return the list of good Frames. Raises on anything else."""
    p = FrameParser(t_byte=float("inf"), clock=lambda: 0.0)
    frames = []
    for ev in p.feed(data, 0.0):
        if ev.kind != "frame":
            raise FrameError("%s %s" % (ev.kind, ev.reason))
        frames.append(ev.frame)
    if p.state != HUNT:
        raise FrameError("incomplete frame at end of data")
    return frames
