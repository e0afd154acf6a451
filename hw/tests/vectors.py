"""Read the test vectors of hw/PROTOCOL.md: each ``<!-- vector: NAME -->`` hex block and the field
values written in the heading above it."""

import os
import re

from pairpay_register.messages import (CURRENCY_TOTALS_FIELDS, LINE_ITEM_FIELDS, Fields, Group,
                                       TYPE_BY_NAME)

PROTOCOL_MD = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "PROTOCOL.md")

_GROUPS = {"LINE ITEM": LINE_ITEM_FIELDS, "CURRENCY TOTALS": CURRENCY_TOTALS_FIELDS}


class Vector:
    def __init__(self, name, heading, wire):
        self.name, self.heading, self.wire = name, heading, wire
        self.type_name, self.seq, self.fields = parse_heading(heading)

    @property
    def type(self):
        return TYPE_BY_NAME[self.type_name]

    def __repr__(self):
        return "Vector(%s)" % self.name


def load_vectors(path=PROTOCOL_MD):
    text = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"^### (?P<head>.+)\n<!-- vector: (?P<name>[\w-]+) -->\n```hex\n(?P<hex>[0-9A-Fa-f \n]+?)```",
                         text, re.M):
        out.append(Vector(m["name"], m["head"].strip(), bytes.fromhex(m["hex"].replace("\n", " "))))
    return out


def count_markers(path=PROTOCOL_MD):
    return len(re.findall(r"<!-- vector: [\w-]+ -->", open(path, encoding="utf-8").read()))


def _split_top(s):
    """Split at ', ' or '; ' outside backticks and parentheses (the SALE heading uses both)."""
    parts, depth, tick, cur = [], 0, False, ""
    i = 0
    while i < len(s):
        c = s[i]
        if c == "`":
            tick = not tick
        elif not tick and c == "(":
            depth += 1
        elif not tick and c == ")":
            depth -= 1
        if not tick and depth == 0 and (s.startswith(", ", i) or s.startswith("; ", i)):
            parts.append(cur)
            cur = ""
            i += 2
            continue
        cur += c
        i += 1
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def _parse_value(s):
    if s.startswith("`") and s.endswith("`"):
        return s[1:-1]
    if re.fullmatch(r"0x[0-9A-Fa-f]+", s):
        return int(s, 16)
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    raise ValueError("cannot read value %r" % s)


def parse_fields(s, specs=None):
    items = []
    for part in _split_top(s):
        m = re.fullmatch(r"([A-Z][A-Z0-9 ]*?) (\(.*\)|`[^`]*`|0x[0-9A-Fa-f]+|-?\d+)", part)
        if not m:
            raise ValueError("cannot read field %r" % part)
        name, val = m.group(1), m.group(2)
        if val.startswith("("):
            items.append((name, Group(_GROUPS[name], parse_fields(val[1:-1]).items)))
        else:
            items.append((name, _parse_value(val)))
    return Fields(items)


def parse_heading(h):
    """'HELLO — SEQ 1; PROTOCOL VERSION 1, ...' -> ('HELLO', 1, Fields)."""
    if " — " not in h:
        return h.strip(), 0, Fields()          # "NAK": SEQ 0, no fields
    name, rest = h.split(" — ", 1)
    name = name.strip()
    m = re.fullmatch(r"(?P<t>[A-Z ]+) with (?P<rest>SEQ .*)", rest)
    if m:                                      # "Stuffing — ABORT with SEQ 0x10; ..."
        name, rest = m["t"].strip(), m["rest"]
    seq_part, _, fields_part = rest.partition(";")
    seq_m = re.match(r"SEQ (0x[0-9A-Fa-f]+|\d+)", seq_part.strip())
    if not seq_m:
        raise ValueError("no SEQ in heading %r" % h)
    seq = int(seq_m.group(1), 0)
    fields_part = fields_part.strip()
    if fields_part in ("", "no fields"):
        return name, seq, Fields()
    return name, seq, parse_fields(fields_part)
