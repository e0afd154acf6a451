"""hw/PROTOCOL.md section 9: every vector, encoded from its heading's field values and decoded back."""

import pytest

from pairpay_register import build
from pairpay_register.crc import CHECK_VALUE, crc16_ibm3740
from pairpay_register.framing import (ACK, NAK, FrameParser, encode_frame, parse_wire, stuff, unstuff)
from pairpay_register.messages import Fields, Message

from vectors import count_markers, load_vectors

VECTORS = load_vectors()
BY_NAME = {v.name: v for v in VECTORS}


def test_every_vector_block_was_read():
    assert len(VECTORS) == count_markers() >= 20
    assert len(BY_NAME) == len(VECTORS), "vector names must be unique"


def test_crc_check_value():
    assert crc16_ibm3740(b"123456789") == CHECK_VALUE == 0x29B1


def test_crc_matches_reference_bitwise():
    def ref(p):
        crc = 0xFFFF
        for b in p:
            crc ^= b << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        return crc
    for data in (b"", b"\x00", b"\x10\x10", bytes(range(256)), b"PairPay" * 100):
        assert crc16_ibm3740(data) == ref(data)


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v.name)
def test_encode(v):
    """The frame built from the heading's SEQ, TYPE and fields equals the vector's bytes exactly."""
    if v.type in (ACK, NAK):
        wire = encode_frame(v.seq, v.type)
    else:
        msg = Message(v.type, v.fields.items)
        wire = encode_frame(v.seq, v.type, msg.encode())
    assert wire.hex(" ") == v.wire.hex(" ")


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v.name)
def test_decode(v):
    """Parsing the vector's bytes gives back SEQ, TYPE and the heading's fields, in order."""
    frames = parse_wire(v.wire)
    assert len(frames) == 1
    fr = frames[0]
    assert (fr.seq, fr.type) == (v.seq, v.type)
    msg = Message.decode(fr.type, fr.payload, strict=True)
    assert msg.problems == []
    assert msg.unknown == []
    assert msg.to_plain() == v.fields.to_plain()


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v.name)
def test_decode_byte_by_byte_with_noise(v):
    """The receiver finds the frame one byte at a time, after garbage, and between two copies."""
    p = FrameParser(t_byte=0.2, clock=lambda: 0.0)
    events = []
    noise = b"\x00\xff\x10\x10\x03\x10\x03"
    for b in noise + v.wire + v.wire:
        events += p.feed(bytes([b]), 0.0)
    assert [e.kind for e in events] == ["frame", "frame"]
    assert events[0].frame.wire() == v.wire


def test_builders_match_vectors():
    """The register's own message builders (used by the simulator and the tests) give vector bytes."""
    cases = {
        "hello": build.hello("REG-01", "ACME POS 4.2"),
        "sale": build.example_sale("R-000123"),
        "abort": build.abort("R-000123"),
        "relay": build.relay("R-000123", "PAIRPAY-RESULT1:EXAMPLE"),
        "status-request": build.status_request(),
        "status-request-receipt": build.status_request("R-000123"),
        "void": build.void("R-000124", "PP-TERM-7-000042"),
        "refund": build.refund("R-000125", "PP-TERM-7-000042", 500),
        "totals-request": build.totals_request(close=True),
        "end-of-day": build.end_of_day(),
        "stuffed": build.abort("R-0010"),
    }
    for name, msg in cases.items():
        v = BY_NAME[name]
        assert encode_frame(v.seq, msg.type, msg.encode()) == v.wire, name


def test_stuffing_roundtrip():
    data = bytes(range(256)) + b"\x10\x10\x10"
    assert unstuff(stuff(data)) == data
    assert b"\x10\x02" not in stuff(data).replace(b"\x10\x10", b"")


def test_stuffed_vector_doubles_seq_and_tag():
    v = BY_NAME["stuffed"]
    assert v.seq == 0x10
    assert v.wire[2:5] == b"\x10\x10\x24"


def test_error_codes_of_the_vectors_are_named():
    """ERROR CODE 6 is abort-too-late (a sale that ended approved), 10 already-ended (ended unpaid)."""
    from pairpay_register.messages import ERROR_CODES
    assert BY_NAME["error"].fields["ERROR CODE"] == 6 and ERROR_CODES[6] == "abort-too-late"
    v = BY_NAME["error-already-ended"]
    assert v.fields["ERROR CODE"] == 10 and ERROR_CODES[10] == "already-ended"
    assert v.fields["IN REPLY TO"] == 0x24 and v.fields["RECEIPT"] == "R-000123"
    assert v.fields["MESSAGE"].startswith("Nothing to abort: the sale already ended ")
