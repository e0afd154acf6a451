"""Conformance of a RUNNING registerd to hw/PROTOCOL.md, seen from the register's side of the line.

By default each test gets a fresh socat pty pair and a fresh registerd. To run on hardware, wire two
USB-serial adapters null-modem and set PAIRPAY_REGISTER_PORT (ours) and PAIRPAY_TERMINAL_PORT
(registerd's); see hw/hil/. REGISTERD overrides the binary, REGISTERD_ARGS adds options,
PAIRPAY_BAUD and PAIRPAY_FLOW_CONTROL set the line on both sides.
"""

import itertools
import os
import re
import time

import pytest

from pairpay_register import build
from pairpay_register.framing import ACK, NAK, encode_frame, encode_nak
from pairpay_register.link import Fault
from pairpay_register.messages import Message, encode_tlv

T_BYTE, T_ACK, N_RETRY = 0.2, 0.5, 3
BAUD = int(os.environ.get("PAIRPAY_BAUD", "115200"))
_receipts = itertools.count(1)


def receipt():
    """A receipt number no earlier test used (registerd may remember completed sales)."""
    return "R-%d-%04d" % (os.getpid() % 100000, next(_receipts))


def acks(rig, seq, start=0):
    return rig.link.entries(dir="rx", kind="frame", type_=ACK, seq=seq, start=start)


def naks(rig, start=0):
    return rig.link.entries(dir="rx", kind="frame", type_=NAK, start=start)


def on_wire(nbytes):
    """Seconds that nbytes take on the line (10 bits a byte): the slack slow HIL lines need."""
    return nbytes * 10 / BAUD


def send_ok(rig, msg, **kw):
    out = rig.link.send(msg, **kw)
    slack = on_wire(len(out.payload) * 2 + 20) * (N_RETRY + 1)
    assert out.wait(T_ACK * (N_RETRY + 1) + 1 + slack), "registerd did not ACK %r\n%s" % (out, rig.context())
    return out


def expect(rig, names, timeout=3.0, skip=("PROGRESS",)):
    try:
        return rig.link.expect(names, timeout, skip=skip)
    except (TimeoutError, AssertionError) as e:
        raise AssertionError("%s\n%s" % (e, rig.context())) from None


def expect_error(rig, code, in_reply_to):
    e = expect(rig, "ERROR")
    assert e["ERROR CODE"] == code, "ERROR CODE %s, expected %d: %s" % (e.get("ERROR CODE"), code, e.describe())
    if "IN REPLY TO" in e:
        assert e["IN REPLY TO"] == in_reply_to, e.describe()
    assert not e.problems, e.describe()
    return e


def nothing_more(rig, duration=0.4):
    got = rig.link.quiet(duration)
    assert got == [], "unexpected: %s" % [r.describe() for r in got]


# ---------------------------------------------------------------- start-up

def test_hello_reply_version_1(rig):
    out = send_ok(rig, build.hello("REG-CONF", "pairpay hw conformance"))
    r = expect(rig, "HELLO REPLY")
    assert r["PROTOCOL VERSION"] == 1
    assert r["DEVICE ID"] == rig.terminal_id
    if "MAX PAYLOAD" in r:
        assert r["MAX PAYLOAD"] == 4096
    assert len(acks(rig, out.seq)) == 1
    rig.audit()


def test_hello_unsupported_version(rig):
    send_ok(rig, build.hello(version=2))
    expect_error(rig, 3, 0x10)
    nothing_more(rig, 0.3)
    rig.audit()


def test_hello_with_unknown_tag_is_accepted(rig):
    """Section 6: a receiver ignores tags it does not know."""
    msg = build.hello()
    msg.add(0x6F, b"future field")
    send_ok(rig, msg)
    assert expect(rig, "HELLO REPLY")["PROTOCOL VERSION"] == 1
    rig.audit()


# ---------------------------------------------------------------- sale without a settlement server

def test_sale_example_basket_settlement_not_configured(rig):
    r_no = receipt()
    send_ok(rig, build.example_sale(r_no))
    res = expect(rig, "RESULT", timeout=5)
    assert res["RECEIPT"] == r_no
    assert res["STATUS"] == 4, res.describe()
    assert res["REASON"] == "settlement-not-configured", res.describe()
    assert "ORDER ID" not in res, "refused before an order exists: RESULT comes without ORDER ID"
    assert not any(r.name == "PAYMENT REQUEST" for r in rig.link.received)
    for p in getattr(rig.link, "skipped", []):
        assert p.name == "PROGRESS" and 1 <= p["STAGE"] <= 5 and not p.problems, p.describe()
    nothing_more(rig, 0.3)
    rig.audit()


def test_identical_sale_resend_gets_the_same_result(rig):
    r_no = receipt()
    send_ok(rig, build.example_sale(r_no))
    first = expect(rig, "RESULT", timeout=5)
    send_ok(rig, build.example_sale(r_no))
    second = expect(rig, "RESULT", timeout=5)
    assert (second["RECEIPT"], second["STATUS"], second.get("REASON")) == \
           (first["RECEIPT"], first["STATUS"], first.get("REASON"))
    rig.audit()


@pytest.mark.parametrize("case", ["total-not-sum", "unknown-currency", "total-zero", "amount-overflow"])
def test_sale_invalid(rig, case):
    r_no = receipt()
    if case == "total-not-sum":
        msg = build.sale(r_no, "JPY", build.EXAMPLE_BASKET, total=1154)
    elif case == "unknown-currency":
        msg = build.sale(r_no, "QQQ", build.EXAMPLE_BASKET)
    elif case == "total-zero":
        msg = build.sale(r_no, "JPY", [dict(code="0001", name="Free sample", unit_price=0, quantity=1, tax=0)])
    else:  # UNIT PRICE x QUANTITY does not fit i64; TOTAL is some valid i64
        msg = build.sale(r_no, "JPY", [dict(code="0002", name="Gold bar", unit_price=2 ** 62, quantity=4, tax=0)],
                         total=2 ** 62)
    send_ok(rig, msg)
    expect_error(rig, 4, 0x20)
    nothing_more(rig, 0.3)
    rig.audit()


@pytest.mark.parametrize("total, refused", [(10 ** 12, True), (10 ** 12 - 1, False)],
                         ids=["1000000000000-refused", "999999999999-accepted"])
def test_sale_total_at_most_12_digits(rig, total, refused):
    """Section 6.2: TOTAL at most 999 999 999 999 (ISO 8583 field 4 has 12 digits), even when the
    lines add up to it. A refused SALE is no transaction: its RECEIPT stays unknown."""
    r_no = receipt()
    lines = [dict(code="0003", name="Sailing yacht", unit_price=total - 1, quantity=1, tax=1)]
    msg = build.sale(r_no, "JPY", lines)
    assert msg["TOTAL"] == total
    send_ok(rig, msg)
    if refused:
        e = expect_error(rig, 4, 0x20)
        assert e.get("RECEIPT") in (None, r_no), e.describe()
        nothing_more(rig, 0.3)
        send_ok(rig, build.status_request(r_no))
        st = expect(rig, "STATUS")
        assert st["TRANSACTION STATE"] == 0, "a refused SALE leaves no transaction: " + st.describe()
    else:
        res = expect(rig, ("RESULT", "ERROR"), timeout=5)
        assert res.name == "RESULT", "999 999 999 999 is a valid TOTAL: " + res.describe()
        assert res["RECEIPT"] == r_no and res["STATUS"] == 4, res.describe()
        assert res["REASON"] == "settlement-not-configured", res.describe()
        if "TOTAL" in res:
            assert res["TOTAL"] == total, res.describe()
    rig.audit()


def _raw_sale(*fields):
    return b"".join(fields)


LINE = Message("SALE", [("LINE ITEM", build.line_item("4901234567894", "Peanut butter", 500, 1, 25))]).encode(strict=False)
RCPT, CUR, TOT = encode_tlv(0x10, b"R-MALFORMED"), encode_tlv(0x12, b"JPY"), encode_tlv(0x13, (525).to_bytes(8, "big"))
MALFORMED_SALES = {
    "missing-total": _raw_sale(RCPT, CUR, LINE),
    "missing-currency": _raw_sale(RCPT, TOT, LINE),
    "missing-receipt": _raw_sale(CUR, TOT, LINE),
    "no-line-item": _raw_sale(RCPT, CUR, TOT),
    "total-4-bytes": _raw_sale(RCPT, CUR, encode_tlv(0x13, (525).to_bytes(4, "big")), LINE),
    "receipt-twice": _raw_sale(RCPT, RCPT, CUR, TOT, LINE),
    "receipt-control-char": _raw_sale(encode_tlv(0x10, b"R-\x07"), CUR, TOT, LINE),
    "truncated-tlv": _raw_sale(RCPT, CUR, TOT, LINE, b"\x13\x00\x08\x00\x00"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_SALES))
def test_sale_malformed(rig, case):
    send_ok(rig, "SALE", payload=MALFORMED_SALES[case])
    expect_error(rig, 1, 0x20)
    nothing_more(rig, 0.3)
    rig.audit()


# ---------------------------------------------------------------- other requests

# Every TYPE registerd does not accept: unassigned ones and the registerd->register ones, sent with an
# empty payload (the direction is checked before the fields: registerd before e8adfd7 answered 1 here).
NOT_ACCEPTED = {0x55: "unassigned", 0x00: "zero", 0x11: "hello-reply", 0x21: "payment-request",
                0x22: "progress", 0x23: "result", 0x31: "status", 0x51: "totals", 0x7E: "error", 0x7F: "busy"}


@pytest.mark.parametrize("type_", sorted(NOT_ACCEPTED), ids=lambda t: "0x%02X-%s" % (t, NOT_ACCEPTED[t]))
def test_unknown_type_is_acked_then_error_2(rig, type_):
    mark = rig.link.mark()
    out = send_ok(rig, type_)
    e = expect_error(rig, 2, type_)
    log = rig.link.log[mark:]
    i_ack = next(i for i, x in enumerate(log) if x.dir == "rx" and x.type == ACK and x.seq == out.seq)
    i_err = next(i for i, x in enumerate(log) if x.dir == "rx" and x.type == 0x7E)
    assert i_ack < i_err, "the ACK must come before the ERROR"
    rig.audit()


def test_status_request(rig):
    send_ok(rig, build.status_request())
    st = expect(rig, "STATUS")
    assert st["TRANSACTION STATE"] in (0, 1, 2)
    if st["TRANSACTION STATE"] == 0:
        assert "STATUS" not in st
    rig.audit()


def test_status_after_refused_sale(rig):
    r_no = receipt()
    send_ok(rig, build.example_sale(r_no))
    expect(rig, "RESULT", timeout=5)
    send_ok(rig, build.status_request())
    st = expect(rig, "STATUS")
    assert st["TRANSACTION STATE"] != 1, "nothing can be open after the RESULT: " + st.describe()
    if st["TRANSACTION STATE"] == 2:
        assert st["RECEIPT"] == r_no and st["STATUS"] == 4, st.describe()
    rig.audit()


@pytest.mark.parametrize("close", [False, True])
def test_totals_request(rig, close):
    send_ok(rig, build.totals_request(close=close))
    t = expect(rig, "TOTALS")
    seen = set()
    for g in t.message.getall("CURRENCY TOTALS"):
        assert g["CURRENCY"] not in seen, "one CURRENCY TOTALS group per currency"
        seen.add(g["CURRENCY"])
    rig.audit()


def test_abort_without_transaction(rig):
    send_ok(rig, build.abort(receipt()))
    expect_error(rig, 5, 0x24)
    rig.audit()


def test_abort_of_a_sale_that_ended_unpaid_is_error_10(rig):
    """Section 6.7/7: ABORT of a sale that already ended unpaid (here RESULT settlement-not-configured,
    STATUS error) is ERROR 10 already-ended, never 6 abort-too-late (which means: paid). MESSAGE
    names the status, RECEIPT is the aborted one, and nothing else follows."""
    r_no = receipt()
    send_ok(rig, build.example_sale(r_no))
    res = expect(rig, "RESULT", timeout=5)
    assert res["STATUS"] == 4 and res["REASON"] == "settlement-not-configured", res.describe()
    send_ok(rig, build.abort(r_no))
    e = expect(rig, "ERROR")
    assert e["ERROR CODE"] != 6, "abort-too-late tells the register the sale is PAID: " + e.describe()
    assert e["ERROR CODE"] == 10, e.describe()
    assert e.get("IN REPLY TO") in (None, 0x24), e.describe()
    assert e.get("RECEIPT") == r_no, e.describe()
    assert "error" in e.get("MESSAGE", ""), "MESSAGE must name the status: " + e.describe()
    assert not e.problems, e.describe()
    nothing_more(rig, 0.4)              # no RESULT: the sale ended before the abort
    # the sale is unchanged: its result is still there, by its RECEIPT
    send_ok(rig, build.status_request(r_no))
    st = expect(rig, "STATUS")
    assert (st["TRANSACTION STATE"], st.get("RECEIPT"), st.get("STATUS"), st.get("REASON")) == \
           (2, r_no, 4, "settlement-not-configured"), st.describe()
    rig.audit()


def test_status_request_with_receipt_reports_that_sale(rig):
    """Section 6.8/7: STATUS REQUEST with RECEIPT describes the sale with that receipt, not the newest,
    with the same fields; without RECEIPT, the newest."""
    first, second = receipt(), receipt()
    send_ok(rig, build.example_sale(first))
    res = expect(rig, "RESULT", timeout=5)
    send_ok(rig, build.example_sale(second))
    expect(rig, "RESULT", timeout=5)
    send_ok(rig, build.status_request(first))
    st = expect(rig, "STATUS")
    assert st["TRANSACTION STATE"] == 2, st.describe()
    assert st["RECEIPT"] == first, "STATUS must describe the receipt asked for: " + st.describe()
    assert (st["STATUS"], st["REASON"]) == (res["STATUS"], res["REASON"]) == (4, "settlement-not-configured")
    assert "ORDER ID" not in st, "no order reached the settlement server: " + st.describe()
    for name in ("CURRENCY", "TOTAL"):
        if name in st:
            assert st[name] == build.example_sale(first)[name], st.describe()
    send_ok(rig, build.status_request())
    newest = expect(rig, "STATUS")
    assert newest["TRANSACTION STATE"] == 2 and newest["RECEIPT"] == second, newest.describe()
    assert set(newest.message.names()) == set(st.message.names()), \
        "the same fields for both forms: %s / %s" % (newest.describe(), st.describe())
    rig.audit()


def test_status_request_with_unknown_receipt_is_state_0(rig):
    """Section 7: TRANSACTION STATE 0 when registerd knows no transaction with that RECEIPT, even
    when there is a newest transaction."""
    send_ok(rig, build.example_sale(receipt()))
    expect(rig, "RESULT", timeout=5)
    unknown = receipt()
    send_ok(rig, build.status_request(unknown))
    st = expect(rig, "STATUS")
    assert st["TRANSACTION STATE"] == 0, st.describe()
    assert st.message.names() == ["TRANSACTION STATE"], "state 0 carries no other field: " + st.describe()
    rig.audit()


def test_relay_without_transaction(rig):
    send_ok(rig, build.relay(receipt(), "PAIRPAY-RESULT1:EXAMPLE"))
    e = expect(rig, "ERROR")
    assert e["ERROR CODE"] in (5, 7), e.describe()
    rig.audit()


def test_void_unknown_order(rig):
    send_ok(rig, build.void(receipt(), "PP-TERM-CONF-999999"))
    res = expect(rig, ("ERROR", "RESULT"))
    assert res.name == "ERROR" and res["ERROR CODE"] == 5, res.describe()
    rig.audit()


def test_refund_of_an_unknown_order_is_error_5_and_records_nothing(rig):
    r = receipt()
    send_ok(rig, build.refund(r, "PP-TERM-CONF-999999", 100))
    res = expect(rig, ("ERROR", "RESULT"))
    assert res.name == "ERROR" and res["ERROR CODE"] == 5, res.describe()
    assert res["IN REPLY TO"] == 0x41 and res["RECEIPT"] == r
    send_ok(rig, build.status_request(r))
    assert expect(rig, "STATUS")["TRANSACTION STATE"] == 0, "a refused REFUND leaves no transaction"
    rig.audit()


def test_refund_of_a_sale_that_was_not_paid_is_error_5(rig):
    """A sale that ended unpaid (here: settlement not configured) has nothing to give back."""
    sale = receipt()
    send_ok(rig, build.example_sale(sale))
    res = expect(rig, "RESULT")
    assert res["STATUS"] != 0
    send_ok(rig, build.refund(receipt(), res.get("ORDER ID", "PP-TERM-CONF-1"), 100))
    err = expect(rig, ("ERROR", "RESULT"))
    assert err.name == "ERROR" and err["ERROR CODE"] == 5, err.describe()
    rig.audit()


MALFORMED_REFUNDS = {
    "missing-total": RCPT + encode_tlv(0x11, b"PP-TERM-CONF-1") + CUR,
    "missing-currency": RCPT + encode_tlv(0x11, b"PP-TERM-CONF-1") + TOT,
    "missing-order-id": RCPT + CUR + TOT,
    "order-id-control-char": RCPT + encode_tlv(0x11, b"PP-\x07") + CUR + TOT,
}


@pytest.mark.parametrize("case", sorted(MALFORMED_REFUNDS))
def test_refund_malformed_is_error_1(rig, case):
    send_ok(rig, "REFUND", payload=MALFORMED_REFUNDS[case])
    expect_error(rig, 1, 0x41)
    nothing_more(rig, 0.3)
    rig.audit()


# ---------------------------------------------------------------- end of day

def test_end_of_day_without_a_settlement_server_closes_nothing(rig):
    """registerd's own count, BALANCE 2 and PERIOD CLOSED 0: the period stays open (section 7)."""
    send_ok(rig, build.totals_request())
    before = expect(rig, "TOTALS")
    send_ok(rig, build.end_of_day())
    progress = expect(rig, "PROGRESS", skip=())
    assert progress["STAGE"] == 7 and progress["RECEIPT"] == "END-OF-DAY", progress.describe()
    report = expect(rig, "END OF DAY REPORT", timeout=10)
    assert not report.problems, report.describe()
    assert report["BALANCE"] == 2 and report["PERIOD CLOSED"] == 0, report.describe()
    assert re.fullmatch(r"[A-Za-z0-9._~-]+-[0-9]+", report["BATCH ID"]), report.describe()
    groups = report.getall("CURRENCY TOTALS")
    assert all(g["SOURCE"] == 1 for g in groups), "only registerd counted: %s" % report.describe()
    assert len(groups) == len(before.getall("CURRENCY TOTALS"))
    assert any("nothing was closed" in d for d in report.getall("DIFFERENCE")), report.describe()
    # Nothing was closed: TOTALS still counts the period, and a SALE is taken as before.
    send_ok(rig, build.totals_request())
    assert expect(rig, "TOTALS").payload == before.payload
    send_ok(rig, build.example_sale(receipt()))
    assert expect(rig, ("RESULT", "BUSY"), timeout=10).name == "RESULT"
    rig.audit()


@pytest.mark.parametrize("batch", ["NOT-THIS-LANE-1", "%s-0", "nonsense"])
def test_end_of_day_for_a_batch_that_is_no_earlier_close_is_error_1(rig, batch):
    send_ok(rig, build.hello())
    terminal = expect(rig, "HELLO REPLY")["DEVICE ID"]
    send_ok(rig, build.end_of_day(batch % terminal if "%s" in batch else batch))
    e = expect_error(rig, 1, 0x52)
    assert "BATCH ID" in e["MESSAGE"], e.describe()
    rig.audit()


def test_end_of_day_malformed_batch_id_is_error_1(rig):
    send_ok(rig, "END OF DAY", payload=encode_tlv(0x52, b"PP-\x07-1"))
    expect_error(rig, 1, 0x52)
    nothing_more(rig, 0.3)
    rig.audit()


# ---------------------------------------------------------------- link layer

def test_every_frame_acked_with_right_seq(rig):
    """A mixed exchange; then every frame in both directions must have been ACKed by SEQ."""
    rig.link._seq = 0x0D   # walk across SEQ 0x10, which is stuffed on the wire
    for msg, reply in [(build.hello(), "HELLO REPLY"), (build.status_request(), "STATUS"),
                       (build.totals_request(), "TOTALS"), (build.example_sale(receipt()), "RESULT"),
                       (build.abort(receipt()), "ERROR"), (build.status_request(), "STATUS")]:
        out = send_ok(rig, msg)
        expect(rig, reply, timeout=5)
        assert out.transmissions == 1, "%r needed a retransmission" % out
        ack = acks(rig, out.seq)[-1]
        assert ack.data == encode_frame(out.seq, ACK)
    assert [e.seq for e in rig.link.entries(dir="tx", kind="frame") if e.type not in (ACK, NAK)] == \
           list(range(0x0E, 0x14))
    rig.audit()


def test_bad_crc_is_naked_then_retransmission_accepted(rig):
    out = rig.link.send(build.hello(), fault=Fault(corrupt_crc=1))
    assert out.wait(3), rig.context()
    assert expect(rig, "HELLO REPLY")
    assert out.naks == 1 and out.transmissions == 2, "%r\n%s" % (out, rig.context())
    nothing_more(rig, 0.3)          # the damaged copy was not acted on
    rig.audit()


def test_framing_error_is_naked(rig):
    mark = rig.link.mark()
    rig.link.send_raw(b"\x10\x02\x01\x30\x10\x41\x12\x34\x10\x03", note="DLE 0x41 inside")
    assert rig.link.wait_log(lambda e: e.dir == "rx" and e.type == NAK, 2, start=mark), rig.context()
    assert not acks(rig, 1, mark)
    send_ok(rig, build.hello())
    expect(rig, "HELLO REPLY")


def test_short_frame_is_dropped_silently(rig):
    mark = rig.link.mark()
    rig.link.send_raw(b"\x10\x02\x01\x30\x10\x03", note="3 bytes")
    assert rig.link.wait_log(lambda e: e.dir == "rx", 0.7, start=mark) is None, rig.context()
    send_ok(rig, build.hello())
    expect(rig, "HELLO REPLY")


def test_split_byte_by_byte(rig):
    out = send_ok(rig, build.example_sale(receipt()), fault=Fault(byte_delay=0.005))
    assert expect(rig, "RESULT", timeout=5)
    assert out.transmissions == 1, "%r\n%s" % (out, rig.context())
    rig.audit()


def test_gap_longer_than_t_byte_drops_partial_frame(rig):
    mark = rig.link.mark()
    # pause after DLE STX SEQ TYPE (no 0x10 follows, so the tail cannot look like a frame start)
    out = rig.link.send(build.status_request(), fault=Fault(gap_at=4, gap=T_BYTE + 0.2))
    assert out.wait(T_ACK * 3 + 1), rig.context()
    assert expect(rig, "STATUS")
    assert out.transmissions == 2, "the first copy must be dropped: %r\n%s" % (out, rig.context())
    assert out.naks == 0, "a partial frame is dropped without a reply\n" + rig.context()
    first_tx = rig.link.entries(dir="tx", kind="frame", type_=0x30, seq=out.seq, start=mark)
    assert len(first_tx) == 2
    between = [e for e in rig.link.log[mark:] if e.dir == "rx" and e.t < first_tx[1].t]
    assert between == [], "registerd answered the interrupted frame: %s" % between
    rig.audit()


def test_leading_garbage_and_fake_frame_start(rig):
    garbage = b"\x00\x55\xff\x10\x10\x10\x41\x03\x10\x03" + b"\x10\x02\x07\x99\x42"
    out = send_ok(rig, build.hello(), fault=Fault(prefix=garbage))
    assert expect(rig, "HELLO REPLY")
    assert out.transmissions == 1 and out.naks == 0, "%r\n%s" % (out, rig.context())
    rig.audit()


def test_odd_dle_right_before_frame(rig):
    """'10 | 10 02 ...': while hunting, the DLE STX starting at the second byte must be found."""
    out = send_ok(rig, build.hello(), fault=Fault(prefix=b"\x33\x10"))
    assert expect(rig, "HELLO REPLY")
    assert out.transmissions == 1, "%r\n%s" % (out, rig.context())


@pytest.mark.parametrize("what", ["status-request", "sale"])
def test_duplicate_frame_acked_twice_acted_on_once(rig, what):
    msg = build.status_request() if what == "status-request" else build.example_sale(receipt())
    reply = "STATUS" if what == "status-request" else "RESULT"
    out = send_ok(rig, msg, fault=Fault(repeat=1))
    expect(rig, reply, timeout=5)
    assert rig.link.wait_log(lambda e: len(acks(rig, out.seq)) >= 2, 2), \
        "the duplicate must be ACKed again\n" + rig.context()
    nothing_more(rig, 0.8)
    assert len(acks(rig, out.seq)) == 2
    rig.audit()


def test_withheld_ack_makes_registerd_retransmit_at_most_n_retry(rig):
    rig.link.withhold_acks(-1)
    send_ok(rig, build.status_request())
    st = expect(rig, "STATUS")
    # registerd sends it N_retry more times, T_ack apart, then gives up
    def copies():
        return rig.link.entries(dir="rx", kind="frame", type_=0x31, seq=st.seq)
    rig.link.wait_log(lambda e: len(copies()) >= N_RETRY + 1, T_ACK * (N_RETRY + 1) * 3)
    rig.link.wait_log(lambda e: len(copies()) > N_RETRY + 1, T_ACK * 2.5)   # a 5th must not come
    copies = copies()
    assert len(copies) == N_RETRY + 1, "%d transmissions of STATUS SEQ 0x%02X\n%s" % (len(copies), st.seq, rig.context())
    assert all(c.data == copies[0].data for c in copies), "a retransmission must be identical"
    gaps = [b.t - a.t for a, b in zip(copies, copies[1:])]
    assert all(T_ACK * 0.8 <= g <= T_ACK * 3 for g in gaps), "retransmission gaps %s" % gaps
    nothing_more(rig, 0.3)
    rig.link.resume_acks()
    send_ok(rig, build.hello())
    assert expect(rig, "HELLO REPLY")
    rig.audit(withheld_ok=True)


def test_one_withheld_ack_then_registerd_stops(rig):
    rig.link.withhold_acks(1)
    send_ok(rig, build.status_request())
    st = expect(rig, "STATUS")
    assert rig.link.wait_log(lambda e: len(rig.link.entries(dir="rx", type_=0x31, seq=st.seq)) >= 2, 2)
    nothing_more(rig, 1.2)
    assert len(rig.link.entries(dir="rx", type_=0x31, seq=st.seq)) == 2
    rig.audit(withheld_ok=True)


def test_idle_nak_is_ignored(rig):
    mark = rig.link.mark()
    rig.link.send_raw(encode_nak(), note="NAK with nothing outstanding")
    assert rig.link.wait_log(lambda e: e.dir == "rx", 0.8, start=mark) is None, rig.context()


def test_max_payload_accepted(rig):
    big = Message("STATUS REQUEST", [(0x7E, b"z" * 4093)])
    assert len(big.encode()) == 4096
    send_ok(rig, big)
    assert expect(rig, "STATUS")


def test_oversize_frame_is_naked_not_acked(rig):
    mark = rig.link.mark()
    rig.link.send_raw(encode_frame(0x42, 0x30, encode_tlv(0x7E, b"z" * 4094)), note="4097-byte payload")
    nak = rig.link.wait_log(lambda e: e.dir == "rx" and e.type in (ACK, NAK), 2 + on_wire(4200), start=mark)
    assert nak is not None and nak.type == NAK, "expected NAK for a frame over 4096 bytes\n" + rig.context()
    send_ok(rig, build.hello())
    assert expect(rig, "HELLO REPLY")


def test_survives_register_closing_and_reopening_port(rig):
    send_ok(rig, build.hello())
    expect(rig, "HELLO REPLY")
    rig.link.reopen()
    assert rig.pair is None or rig.pair.alive(), "the socat link must stay"
    send_ok(rig, build.hello())
    assert expect(rig, "HELLO REPLY")
    assert rig.registerd.alive()
    rig.link.reopen()
    time.sleep(0.3)                 # closed for a while; registerd must not notice anything
    send_ok(rig, build.status_request())
    assert expect(rig, "STATUS")


def test_wrong_direction_type_with_valid_payload_is_error_2(rig):
    send_ok(rig, Message("HELLO REPLY", [("PROTOCOL VERSION", 1), ("DEVICE ID", "REG-01")]))
    expect_error(rig, 2, 0x11)
    rig.audit()


@pytest.mark.pty_only
def test_reopens_its_device_after_hangup(rig):
    """Section 4 hang-up: the line is lost (socat stopped), then comes back under the same name;
    registerd reopens it (back-off 100 ms doubling, at most 5 s) and answers again."""
    send_ok(rig, build.hello())
    expect(rig, "HELLO REPLY")
    rig.link.close()
    rig.pair.unplug()
    time.sleep(0.5)
    assert rig.registerd.alive(), rig.registerd.output()
    rig.pair.replug()
    rig.link.reopen()
    deadline = time.monotonic() + 10
    got = None
    while time.monotonic() < deadline and got is None:
        out = rig.link.send(build.hello())
        if out.wait(T_ACK * (N_RETRY + 1) + 0.5):
            got = rig.link.expect("HELLO REPLY", 3)
    assert got is not None, "registerd did not come back after the hang-up\n" + rig.context()
    assert rig.registerd.alive()


def test_gap_shorter_than_t_byte_is_fine(rig):
    out = rig.link.send(build.status_request(), fault=Fault(gap_at=4, gap=T_BYTE * 0.6))
    assert out.wait(T_ACK * 3 + 1), rig.context()
    assert expect(rig, "STATUS")
    assert out.transmissions == 1, "a %.0f ms pause is inside T_byte\n%s" % (T_BYTE * 600, rig.context())
    rig.audit()


def test_nak_makes_registerd_retransmit_at_once(rig):
    rig.link.withhold_acks(1)
    send_ok(rig, build.status_request())
    st = expect(rig, "STATUS")
    first = rig.link.entries(dir="rx", kind="frame", type_=0x31, seq=st.seq)[0]
    rig.link.send_raw(encode_nak(), note="NAK: damaged, send again")
    again = rig.link.wait_log(lambda e: e.dir == "rx" and e.type == 0x31 and e.seq == st.seq and e is not first,
                              T_ACK * 2)
    assert again is not None, "no retransmission after NAK\n" + rig.context()
    assert again.data == first.data
    assert again.t - first.t < T_ACK * 0.8, "the NAK, not T_ack, must trigger it (%.0f ms)" % ((again.t - first.t) * 1000)
    nothing_more(rig, T_ACK * 1.5)          # ACKed now: no third copy
    assert len(rig.link.entries(dir="rx", kind="frame", type_=0x31, seq=st.seq)) == 2
    rig.audit(withheld_ok=True)
