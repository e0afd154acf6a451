"""PairPay register side: an independent Python implementation of hw/PROTOCOL.md (version 1).

Layers: :mod:`.crc` (CRC-16/IBM-3740), :mod:`.framing` (DLE stuffing, byte-by-byte receiver),
:mod:`.messages` (TLV fields and message types), :mod:`.build` (the register's messages),
:mod:`.link` (ACK/NAK, retransmission, duplicates over pyserial, fault injection),
:mod:`.terminal` (a minimal terminal, for self-tests and demos without registerd).

``ERROR_CODES`` holds section 6.7's codes 1-10 (6 ``abort-too-late`` only for a sale that ended
approved, 10 ``already-ended`` for one that ended unpaid); ``build.status_request(receipt)`` asks
about one transaction by its RECEIPT (section 6.8), without it about the newest.
"""

from .crc import crc16_ibm3740
from .framing import (ACK, NAK, DLE, STX, ETX, MAX_PAYLOAD, Frame, FrameParser, FrameError,
                      encode_frame, encode_ack, encode_nak, parse_wire, stuff, unstuff)
from .messages import (Message, Fields, Group, DecodeError, EncodeError, MESSAGE_TYPES, TYPE_BY_NAME,
                       STAGES, STATUSES, REASONS, ERROR_CODES, TRANSACTION_STATES, MAX_SALE_TOTAL,
                       type_name, encode_tlv, decode_tlv)
from . import build
from .link import Link, Fault, Outgoing, Received, LogEntry, LinkClosed, open_port

PROTOCOL_VERSION = 1
__version__ = "1.0.0"
