"""The link layer against itself: two instances of this implementation on a socat pty pair, one
playing a minimal terminal. Runs without registerd; also checks the receiver state machine alone."""

import time

import pytest

from pairpay_register import build
from pairpay_register.framing import ACK, NAK, FrameParser, encode_frame, encode_nak
from pairpay_register.link import Fault, Link
from pairpay_register.messages import Message
from pairpay_register.terminal import MiniTerminal

from harness import PtyPair

T_ACK = 0.3


# ---------------------------------------------------------------- receiver alone (fake clock)

def feed_all(p, data, t=0.0, step=0.0):
    evs = []
    for i, b in enumerate(data):
        evs += p.feed(bytes([b]), t + i * step)
    return evs


def test_parser_inter_byte_timeout():
    p = FrameParser(t_byte=0.2)
    wire = encode_frame(1, 0x30)
    assert feed_all(p, wire[:4], 0.0, 0.01) == []
    evs = feed_all(p, wire[4:], 0.5, 0.01)     # 460 ms gap: partial dropped, tail is garbage
    assert [e.kind for e in evs] == ["timeout"]
    evs = feed_all(p, wire, 1.0, 0.19)         # 190 ms between bytes is still one frame
    assert [e.kind for e in evs] == ["frame"]


def test_parser_timeout_fires_without_next_byte():
    p = FrameParser(t_byte=0.2)
    p.feed(b"\x10\x02\x01", 0.0)
    assert p.tick(0.1) == []
    assert [e.kind for e in p.tick(0.25)] == ["timeout"]
    assert [e.kind for e in p.feed(encode_frame(2, 0x30), 0.3)] == ["frame"]


def test_parser_short_framing_crc_oversize_resync():
    p = FrameParser(t_byte=1.0)
    assert [e.kind for e in feed_all(p, b"\x10\x02\x01\x30\x10\x03")] == ["short"]
    bad = bytearray(encode_frame(1, 0x30))
    bad[-3] ^= 1
    assert [(e.kind, e.reason) for e in feed_all(p, bytes(bad))] == [("bad", "crc")]
    framing = b"\x10\x02\x01\x30\x10\x41\xAA\xBB\x10\x03"
    assert [(e.kind, e.reason) for e in feed_all(p, framing)] == [("bad", "framing")]
    big = encode_frame(1, 0x30, b"\x7f" + (4094).to_bytes(2, "big") + b"x" * 4094)  # 4097-byte payload
    assert [(e.kind, e.reason) for e in feed_all(p, big)] == [("bad", "oversize")]
    ok4096 = encode_frame(1, 0x30, b"\x7f" + (4093).to_bytes(2, "big") + b"x" * 4093)
    assert [e.kind for e in feed_all(p, ok4096)] == ["frame"]
    evs = feed_all(p, b"\x10\x02\x07\x99" + encode_frame(3, 0x30))
    assert [e.kind for e in evs] == ["resync", "frame"]


def test_parser_naks_framing_error_and_oversize_at_once():
    """2.1 step 2: the NAK-worthy event comes at the offending byte, not at DLE ETX, and the
    receiver hunts through the rest of the frame (a later DLE ETX gets no second reply)."""
    p = FrameParser(t_byte=1.0)
    assert [(e.kind, e.reason) for e in feed_all(p, b"\x10\x02\x01\x30\x10\x41")] == [("bad", "framing")]
    assert p.state == 0                                   # hunting again
    assert feed_all(p, b"\xAA\xBB\x10\x03") == []            # the rest of it is garbage
    evs = feed_all(p, b"\x10\x02\x01\x30\x10\x41" + encode_frame(2, 0x30))
    assert [(e.kind, e.reason) for e in evs] == [("bad", "framing"), ("frame", "")]
    big = encode_frame(1, 0x30, b"\x7f" + (4094).to_bytes(2, "big") + b"x" * 4094)  # 4097-byte payload
    cut = 2 + 4100                                        # DLE STX, then 4100 unstuffed bytes (no DLE in them)
    assert b"\x10" not in big[2:cut]
    assert feed_all(p, big[:cut]) == []
    assert [(e.kind, e.reason) for e in feed_all(p, big[cut:cut + 1])] == [("bad", "oversize")]
    assert feed_all(p, big[cut + 1:]) == []


def test_parser_hunting_finds_dle_stx_after_odd_dle():
    # "10 10 02" while hunting contains DLE STX at its second byte.
    p = FrameParser(t_byte=1.0)
    evs = feed_all(p, b"\x10" + encode_frame(4, 0x30))
    assert [e.kind for e in evs] == ["frame"] and evs[0].frame.seq == 4


# ---------------------------------------------------------------- two links on a pty pair

@pytest.fixture
def pair():
    pp = PtyPair()
    reg = Link(pp.register, name="register", t_ack=T_ACK).start()
    term = Link(pp.terminal, name="terminal", t_ack=T_ACK).start()
    mini = MiniTerminal(term, terminal_id="PP-SELF-1").start()
    yield reg, term, mini
    mini.stop()
    reg.close()
    term.close()
    pp.close()


def acks_of(link, seq, start=0):
    return link.entries(dir="rx", kind="frame", type_=ACK, seq=seq, start=start)


def test_hello_roundtrip_and_acks(pair):
    reg, term, _ = pair
    r = reg.request(build.hello(), "HELLO REPLY")
    assert r["PROTOCOL VERSION"] == 1 and r["DEVICE ID"] == "PP-SELF-1"
    hello_seq = reg.entries(dir="tx", kind="frame", type_=0x10)[0].seq
    assert len(acks_of(reg, hello_seq)) == 1
    assert term.wait_log(lambda e: e.dir == "rx" and e.type == ACK and e.seq == r.seq, 2)


def test_errors_from_mini_terminal(pair):
    reg, _, _ = pair
    e = reg.request(build.hello(version=2), "ERROR")
    assert e["ERROR CODE"] == 3
    e = reg.request(build.sale("R-T1", total=1000), "ERROR")
    assert e["ERROR CODE"] == 4
    e = reg.request(Message("SALE", [("RECEIPT", "R-T2"), ("CURRENCY", "JPY")]), "ERROR", strict=False)
    assert e["ERROR CODE"] == 1
    # section 6: meaning, not form, is invalid-sale (4): lower-case currency, QUANTITY 0, TOTAL > 12 digits
    e = reg.request(build.sale("R-T3", "jpy"), "ERROR", strict=False)
    assert e["ERROR CODE"] == 4, e.describe()
    zero = [dict(code="1", name="Tea", unit_price=100, quantity=0, tax=0)]
    e = reg.request(build.sale("R-T4", "JPY", zero, total=100), "ERROR", strict=False)
    assert e["ERROR CODE"] == 4, e.describe()
    big = [dict(code="2", name="Yacht", unit_price=10 ** 12, quantity=1, tax=0)]
    e = reg.request(build.sale("R-T5", "JPY", big), "ERROR")
    assert e["ERROR CODE"] == 4, e.describe()
    st = reg.request(build.status_request("R-T5"), "STATUS")
    assert st["TRANSACTION STATE"] == 0 and st.message.names() == ["TRANSACTION STATE"]
    out = reg.send(0x55)
    e = reg.expect("ERROR")
    assert out.wait(2) and e["ERROR CODE"] == 2 and e["IN REPLY TO"] == 0x55


def test_bad_crc_is_naked_and_retransmission_accepted(pair):
    reg, term, _ = pair
    out = reg.send(build.status_request(), fault=Fault(corrupt_crc=1))
    assert reg.expect("STATUS")["TRANSACTION STATE"] == 0
    assert out.wait(2) and out.transmissions == 2 and out.naks == 1
    assert term.entries(dir="rx", kind="bad")[0].note == "crc"


def test_byte_by_byte(pair):
    reg, _, _ = pair
    out = reg.send(build.hello(), fault=Fault(byte_delay=0.005))
    assert reg.expect("HELLO REPLY")
    assert out.wait(2) and out.transmissions == 1


def test_gap_longer_than_t_byte_drops_partial_frame(pair):
    reg, term, _ = pair
    out = reg.send(build.status_request(), fault=Fault(gap_at=4, gap=0.35))
    assert reg.expect("STATUS", timeout=3)
    assert out.wait(2) and out.transmissions == 2 and out.naks == 0
    assert term.entries(dir="rx", kind="timeout")
    assert not reg.entries(dir="rx", type_=NAK)


def test_leading_garbage_and_fake_start(pair):
    reg, term, _ = pair
    garbage = b"\x00\xff\x10\x10\x10\x41\x03\x10\x03" + b"\x10\x02\x07\x99\x42"
    out = reg.send(build.hello(), fault=Fault(prefix=garbage))
    assert reg.expect("HELLO REPLY")
    assert out.wait(2) and out.transmissions == 1
    assert term.entries(dir="rx", kind="resync")


def test_duplicate_is_acked_twice_acted_on_once(pair):
    reg, _, mini = pair
    out = reg.send(build.status_request(), fault=Fault(repeat=1))
    assert reg.expect("STATUS")
    assert reg.wait_log(lambda e: len(acks_of(reg, out.seq)) >= 2, 2)
    assert reg.quiet(0.5) == []
    assert mini.handled.count("STATUS REQUEST") == 1


def test_withheld_ack_makes_peer_retransmit_n_retry_times(pair):
    reg, term, _ = pair
    reg.withhold_acks(-1)
    r = reg.request(build.status_request(), "STATUS")
    seq = r.seq
    failed = term.wait_log(lambda e: e.kind == "failed", 3 * T_ACK * 4)
    assert failed and failed.seq == seq
    copies = reg.entries(dir="rx", kind="frame", seq=seq, type_=0x31)
    assert len(copies) == 4                   # first transmission + N_retry
    assert reg.quiet(0.2) == []               # delivered once
    reg.resume_acks()
    assert reg.request(build.hello(), "HELLO REPLY")


def test_seq_wraps_and_seq_0x10_is_stuffed():
    pp = PtyPair()
    reg = Link(pp.register, first_seq=0x0F, t_ack=T_ACK).start()
    term = Link(pp.terminal, t_ack=T_ACK).start()
    mini = MiniTerminal(term).start()
    try:
        for _ in range(3):
            reg.request(build.status_request(), "STATUS")
        assert [e.seq for e in reg.entries(dir="tx", kind="frame", type_=0x30)] == [0x0F, 0x10, 0x11]
        assert reg.entries(dir="rx", type_=ACK, seq=0x10)[0].data.startswith(b"\x10\x02\x10\x10\x06")
        reg._seq = 0xFE
        for _ in range(2):
            reg.request(build.status_request(), "STATUS")
        assert [e.seq for e in reg.entries(dir="tx", kind="frame", type_=0x30)][-2:] == [0xFF, 0x01]
    finally:
        mini.stop(); reg.close(); term.close(); pp.close()


def test_stale_ack_and_idle_nak_are_ignored(pair):
    reg, term, mini = pair
    mark = reg.mark()
    term.send_raw(encode_nak(), note="idle NAK")     # nothing outstanding at the register: ignored
    assert reg.wait_log(lambda e: e.dir == "rx" and e.type == NAK, 2, start=mark)
    assert not reg.entries(dir="tx", kind="frame", start=mark)
    mini.stop()
    term.withhold_acks(1)                            # the first transmission gets no real ACK
    out = reg.send(build.status_request())
    assert term.wait_log(lambda e: e.kind == "withheld", 2)
    term.send_raw(encode_frame(out.seq % 255 + 1, ACK), note="stale ACK")
    assert out.wait(T_ACK * 6)
    assert out.transmissions == 2                    # the stale ACK did not complete it


def test_oversize_frame_is_naked(pair):
    reg, term, _ = pair
    mark = reg.mark()
    reg.send_raw(encode_frame(9, 0x30, b"\x7f" + (4094).to_bytes(2, "big") + b"x" * 4094))
    assert reg.wait_log(lambda e: e.dir == "rx" and e.type == NAK, 2, start=mark)


def test_max_payload_with_unknown_tag_is_accepted(pair):
    reg, _, _ = pair
    big = Message("STATUS REQUEST", [(0x7E, b"z" * 4093)])
    assert len(big.encode()) == 4096
    assert reg.request(big, "STATUS")


def test_demo_sale_progress_and_abort():
    pp = PtyPair()
    reg = Link(pp.register, t_ack=T_ACK).start()
    term = Link(pp.terminal, t_ack=T_ACK).start()
    mini = MiniTerminal(term, settlement="demo", approve_after=30, progress_interval=0.2).start()
    try:
        reg.send(build.example_sale("R-DEMO-1"))
        pr = reg.expect("PAYMENT REQUEST")
        assert pr["TOTAL"] == 1155 and pr["PHONE PAYLOAD"].startswith("PAIRPAY1:")
        progress = reg.expect("PROGRESS", skip=None, timeout=2)
        assert progress["STAGE"] == 2
        busy = reg.request(build.sale("R-DEMO-2"), "BUSY")
        assert busy["RECEIPT"] == "R-DEMO-1"
        res = reg.request(build.abort("R-DEMO-1"), "RESULT")
        assert res["STATUS"] == 3 and res["REASON"] == "cancelled"
        st = reg.request(build.status_request(), "STATUS")
        assert st["TRANSACTION STATE"] == 2 and st["STATUS"] == 3
    finally:
        mini.stop(); reg.close(); term.close(); pp.close()
