"""TLV payloads and message types (PROTOCOL.md sections 5 and 6).

A message is an ordered list of ``(NAME, value)`` items, NAME being the field name exactly as
the spec spells it ("PROTOCOL VERSION", "LINE ITEM", ...). Groups are :class:`Fields` too.
Items whose name is an ``int`` are raw ``(tag, bytes)`` fields, emitted verbatim (used for
unknown tags and for building malformed messages on purpose).

Required fields are those of section 6.8 (for example STATUS REQUEST has none: its RECEIPT is
optional and asks about that transaction instead of the newest). The decoder reports only what
breaks a message's *form* (section 6: length, characters, a known field twice...), which a
receiver answers with ERROR 1; a SALE whose *meaning* is wrong (lower-case currency, QUANTITY 0,
a negative amount) decodes cleanly and is refused with ERROR 4 by whoever checks the sale. The
encoder (``strict=True``) refuses both. ``ERROR_CODES`` are those of section 6.7, 1-11 (10
``already-ended``: ABORT of a sale that already ended unpaid; 11 ``invalid-refund``).
"""

import re
from dataclasses import dataclass

__all__ = [
    "U8", "U16", "U32", "I64", "ASCII", "TEXT", "GROUP",
    "FieldSpec", "MessageSpec", "TOP_FIELDS", "LINE_ITEM_FIELDS", "CURRENCY_TOTALS_FIELDS",
    "MESSAGE_TYPES", "TYPE_BY_NAME", "type_name",
    "Fields", "Group", "Message", "EncodeError", "DecodeError",
    "encode_tlv", "decode_tlv",
    "STAGES", "STATUSES", "REASONS", "ERROR_CODES", "TRANSACTION_STATES", "MAX_SALE_TOTAL",
    "BALANCES", "SOURCES",
]

U8, U16, U32, I64, ASCII, TEXT, GROUP = "u8", "u16", "u32", "i64", "ascii", "text", "group"
_INT_SIZES = {U8: 1, U16: 2, U32: 4}


class EncodeError(ValueError):
    pass


class DecodeError(ValueError):
    """The payload breaks section 6: what registerd answers with ERROR invalid-message (1)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class FieldSpec:
    tag: int
    name: str
    form: str
    min_len: int = 0
    max_len: int = None
    repeatable: bool = False
    group: tuple = None          # FieldSpecs of the nested fields
    check: object = None         # callable(value) -> problem string or None
    meaning: bool = False        # check is about meaning (ERROR 4), not form: encoder only


def _upper3(v):
    return None if re.fullmatch(r"[A-Z]{3}", v) else "must be 3 upper-case letters"


def _digits4(v):
    return None if re.fullmatch(r"[0-9]{4}", v) else "must be exactly 4 digits"


def _order_id(v):
    """Section 6.1: 1-64 of A-Z a-z 0-9 - . _ ~ (URL-safe), not "." or ".."."""
    if not re.fullmatch(r"[A-Za-z0-9._~-]{1,64}", v):
        return "must be 1-64 characters of A-Z a-z 0-9 - . _ ~"
    return 'must not be "." or ".."' if v in (".", "..") else None


def _nonneg(v):
    return None if v >= 0 else "must be >= 0"


def _positive(v):
    return None if v >= 1 else "must be >= 1"


LINE_ITEM_FIELDS = (
    FieldSpec(0x01, "CODE", ASCII, 1, 32),
    FieldSpec(0x02, "NAME", TEXT, 1, 64),
    FieldSpec(0x03, "UNIT PRICE", I64, check=_nonneg, meaning=True),
    FieldSpec(0x04, "QUANTITY", U32, check=_positive, meaning=True),
    FieldSpec(0x05, "TAX", I64, check=_nonneg, meaning=True),
)
LINE_ITEM_REQUIRED = ("CODE", "NAME", "UNIT PRICE", "QUANTITY", "TAX")  # 6.8: every field

CURRENCY_TOTALS_FIELDS = (
    FieldSpec(0x01, "CURRENCY", ASCII, 3, 3, check=_upper3),
    FieldSpec(0x02, "APPROVED COUNT", U32),
    FieldSpec(0x03, "APPROVED AMOUNT", I64),
    FieldSpec(0x04, "VOIDED COUNT", U32),
    FieldSpec(0x05, "VOIDED AMOUNT", I64),
    FieldSpec(0x06, "DECLINED COUNT", U32),
    FieldSpec(0x07, "REFUNDED COUNT", U32),
    FieldSpec(0x08, "REFUNDED AMOUNT", I64),
    FieldSpec(0x09, "SOURCE", U8),
)
# REFUNDED COUNT and AMOUNT are optional: a registerd from before refunds does not send them.
# SOURCE is only in END OF DAY REPORT (where every group has it).
CURRENCY_TOTALS_REQUIRED = tuple(f.name for f in CURRENCY_TOTALS_FIELDS
                                 if not f.name.startswith("REFUNDED") and f.name != "SOURCE")

TOP_FIELDS = (
    FieldSpec(0x01, "PROTOCOL VERSION", U8),
    FieldSpec(0x02, "DEVICE ID", ASCII, 1, 32),
    FieldSpec(0x03, "SOFTWARE", TEXT, 0, 64),
    FieldSpec(0x04, "MAX PAYLOAD", U16),
    FieldSpec(0x05, "IN REPLY TO", U8),
    FieldSpec(0x10, "RECEIPT", ASCII, 1, 32),
    FieldSpec(0x11, "ORDER ID", ASCII, 1, 64, check=_order_id),
    FieldSpec(0x12, "CURRENCY", ASCII, 3, 3, check=_upper3, meaning=True),
    FieldSpec(0x13, "TOTAL", I64),
    FieldSpec(0x14, "LINE ITEM", GROUP, repeatable=True, group=LINE_ITEM_FIELDS),
    FieldSpec(0x20, "PHONE PAYLOAD", ASCII, 1, 1024),
    FieldSpec(0x21, "EXPIRES IN", U32),
    FieldSpec(0x30, "STAGE", U8),
    FieldSpec(0x31, "MESSAGE", TEXT, 0, 128),
    FieldSpec(0x32, "SECONDS LEFT", U32),
    FieldSpec(0x40, "STATUS", U8),
    FieldSpec(0x41, "REASON", ASCII, 1, 32),
    FieldSpec(0x42, "CARD LAST4", ASCII, 4, 4, check=_digits4),
    FieldSpec(0x43, "APPROVAL CODE", ASCII, 1, 12),
    FieldSpec(0x44, "RRN", ASCII, 1, 12),
    FieldSpec(0x45, "STAN", ASCII, 6, 6),
    FieldSpec(0x46, "ACQUIRER TERMINAL", ASCII, 1, 8),
    FieldSpec(0x47, "CARD BRAND", ASCII, 1, 16),
    FieldSpec(0x48, "TRANSACTION TIME", U32),
    FieldSpec(0x50, "RELAY DATA", ASCII, 1, 2048),
    FieldSpec(0x51, "CLOSE PERIOD", U8),
    FieldSpec(0x52, "BATCH ID", ASCII, 1, 64, check=_order_id),
    FieldSpec(0x53, "BALANCE", U8),
    FieldSpec(0x54, "PERIOD CLOSED", U8),
    FieldSpec(0x55, "DIFFERENCE", TEXT, 1, 200, repeatable=True),
    FieldSpec(0x60, "TRANSACTION STATE", U8),
    FieldSpec(0x70, "CURRENCY TOTALS", GROUP, repeatable=True, group=CURRENCY_TOTALS_FIELDS),
    FieldSpec(0x7F, "ERROR CODE", U16),
)

_GROUP_REQUIRED = {"LINE ITEM": LINE_ITEM_REQUIRED, "CURRENCY TOTALS": CURRENCY_TOTALS_REQUIRED}


@dataclass(frozen=True)
class MessageSpec:
    type: int
    name: str
    direction: str              # "register" (register -> registerd), "terminal", "both"
    required: tuple = ()
    counts: tuple = ()          # ((name, min, max), ...) for repeatable fields


# What each message must carry: the R fields of PROTOCOL.md section 6.8. STATUS REQUEST has none
# (RECEIPT is optional: with it, STATUS describes the transaction with that receipt).
MESSAGE_TYPES = {
    0x06: MessageSpec(0x06, "ACK", "both"),
    0x15: MessageSpec(0x15, "NAK", "both"),
    0x10: MessageSpec(0x10, "HELLO", "register", ("PROTOCOL VERSION", "DEVICE ID")),
    0x11: MessageSpec(0x11, "HELLO REPLY", "terminal", ("PROTOCOL VERSION", "DEVICE ID")),
    0x20: MessageSpec(0x20, "SALE", "register", ("RECEIPT", "CURRENCY", "TOTAL", "LINE ITEM"),
                      (("LINE ITEM", 1, 99),)),
    0x21: MessageSpec(0x21, "PAYMENT REQUEST", "terminal",
                      ("RECEIPT", "ORDER ID", "CURRENCY", "TOTAL", "PHONE PAYLOAD", "EXPIRES IN")),
    0x22: MessageSpec(0x22, "PROGRESS", "terminal", ("RECEIPT", "STAGE")),
    0x23: MessageSpec(0x23, "RESULT", "terminal", ("RECEIPT", "STATUS", "REASON")),
    0x24: MessageSpec(0x24, "ABORT", "register", ("RECEIPT",)),
    0x25: MessageSpec(0x25, "RELAY", "register", ("RECEIPT", "RELAY DATA")),
    0x30: MessageSpec(0x30, "STATUS REQUEST", "register"),
    0x31: MessageSpec(0x31, "STATUS", "terminal", ("TRANSACTION STATE",)),
    0x40: MessageSpec(0x40, "VOID", "register", ("RECEIPT", "ORDER ID")),
    0x41: MessageSpec(0x41, "REFUND", "register", ("RECEIPT", "ORDER ID", "CURRENCY", "TOTAL")),
    0x50: MessageSpec(0x50, "TOTALS REQUEST", "register"),
    0x51: MessageSpec(0x51, "TOTALS", "terminal"),
    0x52: MessageSpec(0x52, "END OF DAY", "register"),
    0x53: MessageSpec(0x53, "END OF DAY REPORT", "terminal", ("BATCH ID", "BALANCE", "PERIOD CLOSED")),
    0x7E: MessageSpec(0x7E, "ERROR", "terminal", ("ERROR CODE",)),
    0x7F: MessageSpec(0x7F, "BUSY", "terminal", ("RECEIPT",)),
}
TYPE_BY_NAME = {s.name: t for t, s in MESSAGE_TYPES.items()}

STAGES = {1: "registering", 2: "waiting-for-phone", 3: "authorizing", 4: "cancelling", 5: "reconnecting",
          6: "refunding", 7: "closing"}
STATUSES = {0: "approved", 1: "declined", 2: "expired", 3: "cancelled", 4: "error"}
REASONS = ("approved", "declined", "insufficient-funds", "expired-card", "invalid-card", "mismatch",
           "expired", "cancelled", "voided", "settlement-not-configured", "settlement-unreachable",
           "relay-rejected", "internal-error", "refunded", "exceeds-sale", "not-refundable")
ERROR_CODES = {1: "invalid-message", 2: "unknown-message", 3: "unsupported-version", 4: "invalid-sale",
               5: "no-transaction", 6: "abort-too-late", 7: "relay-rejected", 8: "duplicate-receipt",
               9: "abort-failed", 10: "already-ended", 11: "invalid-refund"}
# Section 6.2: the most a SALE's TOTAL may be (ISO 8583 field 4 carries 12 digits).
MAX_SALE_TOTAL = 999_999_999_999
TRANSACTION_STATES = {0: "none", 1: "in progress", 2: "completed"}
# END OF DAY REPORT: BALANCE, and SOURCE of each CURRENCY TOTALS group (section 6.9).
BALANCES = {0: "balanced", 1: "out-of-balance", 2: "incomplete"}
SOURCES = {1: "registerd", 2: "settlementd", 3: "bank"}


def type_name(t):
    spec = MESSAGE_TYPES.get(t)
    return spec.name if spec else "UNKNOWN(0x%02X)" % t


def _type_number(t):
    if isinstance(t, int):
        return t
    key = t.upper().replace("_", " ")
    if key not in TYPE_BY_NAME:
        raise EncodeError("unknown message type %r" % (t,))
    return TYPE_BY_NAME[key]


def _norm_name(name):
    return name if isinstance(name, int) else name.upper().replace("_", " ")


class Fields:
    """Ordered (NAME, value) items with dict-like read access."""

    specs = TOP_FIELDS

    def __init__(self, items=(), **kw):
        if isinstance(items, dict):
            items = items.items()
        elif isinstance(items, Fields):
            items = items.items
        self.items = [(_norm_name(n), v) for n, v in items]
        self.items += [(_norm_name(n), v) for n, v in kw.items()]
        self.unknown = []     # (tag, raw bytes) of tags the decoder did not know, in order
        self.problems = []    # decoder findings (form, length, duplicates, required)

    def add(self, name, value):
        self.items.append((_norm_name(name), value))
        return self

    def get(self, name, default=None):
        name = _norm_name(name)
        for n, v in self.items:
            if n == name:
                return v
        return default

    def getall(self, name):
        name = _norm_name(name)
        return [v for n, v in self.items if n == name]

    def __getitem__(self, name):
        name = _norm_name(name)
        for n, v in self.items:
            if n == name:
                return v
        raise KeyError(name)

    def __contains__(self, name):
        name = _norm_name(name)
        return any(n == name for n, _ in self.items)

    def names(self):
        return [n for n, _ in self.items]

    def to_plain(self):
        """Items with nested groups as lists: easy to compare in tests."""
        return [(n, v.to_plain() if isinstance(v, Fields) else v) for n, v in self.items]

    def __eq__(self, other):
        return isinstance(other, Fields) and self.to_plain() == other.to_plain()

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.items)


class Group(Fields):
    def __init__(self, specs, items=(), **kw):
        super().__init__(items, **kw)
        self.specs = specs


def _spec_maps(specs):
    return {s.name: s for s in specs}, {s.tag: s for s in specs}


# ---------------------------------------------------------------- encoding

def encode_tlv(tag, value):
    value = bytes(value)
    if not 0 <= tag <= 0xFF:
        raise EncodeError("tag out of range: %r" % (tag,))
    if len(value) > 0xFFFF:
        raise EncodeError("value longer than 65535 bytes")
    return bytes([tag]) + len(value).to_bytes(2, "big") + value


def _encode_value(spec, value, strict):
    f = spec.form
    if f in _INT_SIZES:
        n = _INT_SIZES[f]
        if not isinstance(value, int) or isinstance(value, bool):
            raise EncodeError("%s: %s needs an int, got %r" % (spec.name, f, value))
        if strict and not 0 <= value < (1 << (8 * n)):
            raise EncodeError("%s: %d does not fit %s" % (spec.name, value, f))
        out = (value % (1 << (8 * n))).to_bytes(n, "big")
    elif f == I64:
        if not isinstance(value, int) or isinstance(value, bool):
            raise EncodeError("%s: i64 needs an int, got %r" % (spec.name, value))
        if not -(1 << 63) <= value < (1 << 63):
            raise EncodeError("%s: %d does not fit i64" % (spec.name, value))
        out = value.to_bytes(8, "big", signed=True)
    elif f == ASCII:
        if isinstance(value, (bytes, bytearray)):
            out = bytes(value)
        else:
            try:
                out = str(value).encode("ascii")
            except UnicodeEncodeError:
                raise EncodeError("%s: not ASCII: %r" % (spec.name, value)) from None
        if strict and any(not 0x20 <= b <= 0x7E for b in out):
            raise EncodeError("%s: only printable ASCII 0x20-0x7E allowed: %r" % (spec.name, value))
    elif f == TEXT:
        out = value if isinstance(value, (bytes, bytearray)) else str(value).encode("utf-8")
        out = bytes(out)
        if strict and any(b < 0x20 or b == 0x7F for b in out):
            raise EncodeError("%s: control characters not allowed: %r" % (spec.name, value))
    elif f == GROUP:
        if not isinstance(value, Fields):
            value = Group(spec.group, value)
        out = _encode_fields(value, spec.group, strict)
    else:  # pragma: no cover
        raise AssertionError(f)
    if strict and f in (ASCII, TEXT):
        if len(out) < spec.min_len or (spec.max_len is not None and len(out) > spec.max_len):
            raise EncodeError("%s: length %d outside %d-%s bytes" % (spec.name, len(out), spec.min_len, spec.max_len))
    if strict and spec.check and f != GROUP:
        v = out.decode("utf-8", "replace") if f in (ASCII, TEXT) else value
        problem = spec.check(v)
        if problem:
            raise EncodeError("%s: %s" % (spec.name, problem))
    return out


def _encode_fields(fields, specs, strict):
    by_name, _ = _spec_maps(specs)
    out = bytearray()
    seen = set()
    for name, value in fields.items:
        if isinstance(name, int):  # raw field
            out += encode_tlv(name, value)
            continue
        spec = by_name.get(name)
        if spec is None:
            raise EncodeError("unknown field %r (use (tag, bytes) for raw fields)" % (name,))
        if strict and name in seen and not spec.repeatable:
            raise EncodeError("%s given twice" % name)
        seen.add(name)
        out += encode_tlv(spec.tag, _encode_value(spec, value, strict))
    return bytes(out)


# ---------------------------------------------------------------- decoding

def decode_tlv(payload):
    """Split a payload into [(tag, value bytes)]. Raises DecodeError on truncation."""
    payload = bytes(payload)
    out, i = [], 0
    while i < len(payload):
        if i + 3 > len(payload):
            raise DecodeError(["truncated field header at offset %d" % i])
        tag = payload[i]
        n = int.from_bytes(payload[i + 1:i + 3], "big")
        if i + 3 + n > len(payload):
            raise DecodeError(["field 0x%02X at offset %d: length %d runs past the end" % (tag, i, n)])
        out.append((tag, payload[i + 3:i + 3 + n]))
        i += 3 + n
    return out


def _decode_value(spec, raw, problems, where):
    f = spec.form
    if f in _INT_SIZES or f == I64:
        n = 8 if f == I64 else _INT_SIZES[f]
        if len(raw) != n:
            problems.append("%s%s: %s must be %d bytes, got %d" % (where, spec.name, f, n, len(raw)))
            return None
        v = int.from_bytes(raw, "big", signed=(f == I64))
    elif f == ASCII:
        if any(not 0x20 <= b <= 0x7E for b in raw):
            problems.append("%s%s: not printable ASCII: %r" % (where, spec.name, raw))
            return None
        v = raw.decode("ascii")
    elif f == TEXT:
        try:
            v = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("%s%s: not UTF-8: %r" % (where, spec.name, raw))
            return None
        if any(b < 0x20 or b == 0x7F for b in raw):
            problems.append("%s%s: control character in text: %r" % (where, spec.name, raw))
            return None
    else:  # GROUP
        g = Group(spec.group)
        try:
            _decode_into(g, raw, spec.group, _GROUP_REQUIRED.get(spec.name, ()), problems, where + spec.name + ".")
        except DecodeError as e:
            problems.extend(where + spec.name + ": " + p for p in e.problems)
            return None
        return g
    if f in (ASCII, TEXT):
        if len(raw) < spec.min_len or (spec.max_len is not None and len(raw) > spec.max_len):
            problems.append("%s%s: length %d outside %d-%s" % (where, spec.name, len(raw), spec.min_len, spec.max_len))
            return None
    if spec.check and not spec.meaning:
        p = spec.check(v)
        if p:
            problems.append("%s%s: %s" % (where, spec.name, p))
            return None
    return v


def _decode_into(fields, payload, specs, required, problems, where=""):
    _, by_tag = _spec_maps(specs)
    seen = set()
    for tag, raw in decode_tlv(payload):
        spec = by_tag.get(tag)
        if spec is None:
            fields.unknown.append((tag, raw))
            continue
        if spec.name in seen and not spec.repeatable:
            problems.append("%s%s appears twice" % (where, spec.name))
            continue
        seen.add(spec.name)
        v = _decode_value(spec, raw, problems, where)
        if v is not None:
            fields.items.append((spec.name, v))
    for name in required:
        if name not in seen:
            problems.append("%srequired field %s missing" % (where, name))


class Message(Fields):
    """One message: a TYPE and its fields."""

    def __init__(self, type_, items=(), **kw):
        super().__init__(items, **kw)
        self.type = _type_number(type_)

    @property
    def name(self):
        return type_name(self.type)

    @property
    def spec(self):
        return MESSAGE_TYPES.get(self.type)

    def encode(self, strict=True):
        """Payload bytes. ``strict=False`` lets wrong values through (for fault injection)."""
        if strict:
            spec = self.spec
            if spec:
                for name in spec.required:
                    if name not in self:
                        raise EncodeError("%s needs %s" % (spec.name, name))
                for name, lo, hi in spec.counts:
                    n = len(self.getall(name))
                    if not lo <= n <= hi:
                        raise EncodeError("%s needs %d-%d %s, got %d" % (spec.name, lo, hi, name, n))
            for g in self.getall("LINE ITEM"):
                g = g if isinstance(g, Fields) else Fields(g)
                for name in LINE_ITEM_REQUIRED:
                    if name not in g:
                        raise EncodeError("LINE ITEM needs %s" % name)
        payload = _encode_fields(self, TOP_FIELDS, strict)
        if strict and len(payload) > 4096:
            raise EncodeError("payload of %d bytes exceeds 4096" % len(payload))
        return payload

    @classmethod
    def decode(cls, type_, payload, strict=False):
        """Decode a payload. Findings go to ``.problems``; ``strict=True`` raises DecodeError instead."""
        msg = cls(type_)
        problems = []
        spec = msg.spec
        try:
            _decode_into(msg, payload, TOP_FIELDS, spec.required if spec else (), problems)
        except DecodeError as e:
            problems.extend(e.problems)
        if spec:
            for name, lo, hi in spec.counts:
                n = len(msg.getall(name))
                if n and not lo <= n <= hi:
                    problems.append("%d %s fields, allowed %d-%d" % (n, name, lo, hi))
        msg.problems = problems
        if strict and problems:
            raise DecodeError(problems)
        return msg

    # ------------------------------------------------------------ display

    def describe(self):
        """Readable one-message text, e.g. for the simulator."""
        parts = []
        for n, v in self.items:
            parts.append(_describe_item(n, v))
        for tag, raw in self.unknown:
            parts.append("tag 0x%02X=%s" % (tag, raw.hex(" ")))
        s = self.name
        if parts:
            s += ": " + ", ".join(parts)
        if self.problems:
            s += "  [MALFORMED: %s]" % "; ".join(self.problems)
        return s

    def __repr__(self):
        return "Message(%s, %r)" % (self.name, self.items)


def _describe_item(n, v):
    if isinstance(v, Fields):
        return "%s(%s)" % (n, ", ".join(_describe_item(a, b) for a, b in v.items))
    if isinstance(n, int):
        return "tag 0x%02X=%s" % (n, bytes(v).hex(" "))
    label = {"STAGE": STAGES, "STATUS": STATUSES, "ERROR CODE": ERROR_CODES,
             "TRANSACTION STATE": TRANSACTION_STATES, "BALANCE": BALANCES, "SOURCE": SOURCES}.get(n)
    if label and v in label:
        return "%s=%d (%s)" % (n, v, label[v])
    if n == "IN REPLY TO":
        return "%s=0x%02X (%s)" % (n, v, type_name(v))
    if isinstance(v, str):
        return "%s=%r" % (n, v)
    return "%s=%s" % (n, v)
