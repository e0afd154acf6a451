#!/usr/bin/env python3
"""Regenerates vectors.json: ISO 8583 messages encoded by pyiso8583, not by our Swift codec.

How the committed bytes were made (run once; the Swift tests only read vectors.json):

    pip install pyiso8583==4.0.1
    python3 Tests/ISO8583Tests/Vectors/generate_vectors.py > Tests/ISO8583Tests/Vectors/vectors.json

The spec below is the PairPay profile written down in docs/ISO8583.md: MTI as 4 ASCII digits,
primary and secondary bitmaps as 8 binary bytes each, every field and every LL/LLL length prefix
in ASCII. "framed" is the same message behind the 2-byte big-endian TCP length header.
pyiso8583 checks lengths but not character classes; the Swift codec additionally checks that
numeric (n) fields hold only digits, so every value here is valid under both.
"""
import json
import struct

import iso8583


def field(desc, max_len, len_type=0):
    return {"data_enc": "ascii", "len_enc": "ascii", "len_type": len_type, "max_len": max_len, "desc": desc}


SPEC = {
    "h": field("Message Header", 0),
    "t": field("Message Type Indicator", 4),
    "p": {"data_enc": "b", "len_enc": "ascii", "len_type": 0, "max_len": 8, "desc": "Bitmap, Primary"},
    "1": {"data_enc": "b", "len_enc": "ascii", "len_type": 0, "max_len": 8, "desc": "Bitmap, Secondary"},
    "2": field("Primary Account Number", 19, 2),
    "3": field("Processing Code", 6),
    "4": field("Amount, Transaction", 12),
    "7": field("Transmission Date and Time", 10),
    "11": field("System Trace Audit Number", 6),
    "12": field("Time, Local Transaction", 6),
    "13": field("Date, Local Transaction", 4),
    "14": field("Date, Expiration", 4),
    "22": field("POS Entry Mode", 3),
    "32": field("Acquiring Institution ID Code", 11, 2),
    "37": field("Retrieval Reference Number", 12),
    "38": field("Approval Code", 6),
    "39": field("Response Code", 2),
    "41": field("Card Acceptor Terminal ID", 8),
    "42": field("Card Acceptor ID Code", 15),
    "48": field("Additional Data - Private (card security code)", 999, 3),
    "49": field("Currency Code, Transaction", 3),
    "70": field("Network Management Information Code", 3),
    "90": field("Original Data Elements", 42),
}

AUTH = {
    "t": "0100", "2": "4111111111111111", "3": "000000", "4": "000000001155",
    "7": "0612153045", "11": "000123", "12": "153045", "13": "0612", "14": "2812",
    "22": "010", "32": "123456", "37": "616215000123", "41": "TERM0001",
    "42": "MERCHANT0000042", "48": "737", "49": "392",
}
AUTH_RESPONSE = {
    "t": "0110", "2": "4111111111111111", "3": "000000", "4": "000000001155",
    "7": "0612153045", "11": "000123", "37": "616215000123", "38": "A1B2C3", "39": "00",
    "41": "TERM0001", "42": "MERCHANT0000042", "49": "392",
}
ORIGINAL = "0100" + "000123" + "0612153045" + "00000123456" + "00000000000"
REVERSAL = {
    "t": "0400", "2": "4111111111111111", "3": "000000", "4": "000000001155",
    "7": "0612153115", "11": "000124", "32": "123456", "37": "616215000123", "41": "TERM0001",
    "42": "MERCHANT0000042", "49": "392", "90": ORIGINAL,
}

VECTORS = [
    ("authorization request", AUTH),
    ("authorization response, approved", AUTH_RESPONSE),
    ("authorization response, insufficient funds",
     {**{k: v for k, v in AUTH_RESPONSE.items() if k != "38"}, "39": "51"}),
    ("authorization response, incorrect CVC (N7)",
     {**{k: v for k, v in AUTH_RESPONSE.items() if k != "38"}, "39": "N7"}),
    ("authorization request, 19-digit PAN and JPY 0",
     {**AUTH, "2": "6011000990139424000"[:19], "4": "000000000000", "11": "999999"}),
    ("authorization request, long private data (LLLVAR)", {**AUTH, "48": "7" * 3 + " " + "X" * 120}),
    ("reversal request", REVERSAL),
    ("reversal request, repeat", {**REVERSAL, "t": "0401", "7": "0612153215"}),
    ("reversal response", {"t": "0410", "3": "000000", "4": "000000001155", "7": "0612153115",
                           "11": "000124", "37": "616215000123", "39": "00", "41": "TERM0001",
                           "42": "MERCHANT0000042", "49": "392", "90": ORIGINAL}),
    ("reversal advice", {**REVERSAL, "t": "0420"}),
    ("reversal advice, repeat", {**REVERSAL, "t": "0421"}),
    ("reversal advice response", {"t": "0430", "7": "0612153115", "11": "000124", "39": "00",
                                  "41": "TERM0001", "90": ORIGINAL}),
    ("network management echo", {"t": "0800", "7": "0612153000", "11": "000001", "70": "301"}),
    ("network management echo response", {"t": "0810", "7": "0612153000", "11": "000001", "39": "00",
                                          "70": "301"}),
    ("network management sign-on", {"t": "0800", "7": "0612080000", "11": "000002", "70": "001"}),
    ("financial request", {**AUTH, "t": "0200"}),
    ("financial response", {**AUTH_RESPONSE, "t": "0210"}),
]


def main():
    out = []
    for name, doc in VECTORS:
        encoded, _ = iso8583.encode(dict(doc), SPEC)
        raw = bytes(encoded)
        out.append({
            "name": name,
            "fields": {k: v for k, v in doc.items()},
            "hex": raw.hex(),
            "framed": (struct.pack(">H", len(raw)) + raw).hex(),
        })
        decoded, _ = iso8583.decode(bytearray(raw), SPEC)
        assert all(decoded[k] == v for k, v in doc.items()), name
    print(json.dumps({"generator": f"pyiso8583 {iso8583.__version__}", "vectors": out}, indent=2))


if __name__ == "__main__":
    main()
