"""PairPay register side: an independent Python implementation of hw/PROTOCOL.md (version 1).

Layers: :mod:`.crc` (CRC-16/IBM-3740), :mod:`.framing` (DLE stuffing, byte-by-byte receiver),
:mod:`.messages` (TLV fields and message types), :mod:`.build` (the register's messages),
:mod:`.link` (ACK/NAK, retransmission, duplicates over pyserial, fault injection),
:mod:`.terminal` (a minimal terminal, for self-tests and demos without registerd).
"""

from .crc import crc16_ibm3740
from .framing import (ACK, NAK, DLE, STX, ETX, MAX_PAYLOAD, Frame, FrameParser, FrameError,
                      encode_frame, encode_ack, encode_nak, parse_wire, stuff, unstuff)
from .messages import (Message, Fields, Group, DecodeError, EncodeError, MESSAGE_TYPES, TYPE_BY_NAME,
                       STAGES, STATUSES, REASONS, ERROR_CODES, TRANSACTION_STATES, type_name,
                       encode_tlv, decode_tlv)
from . import build
from .link import Link, Fault, Outgoing, Received, LogEntry, LinkClosed, open_port

PROTOCOL_VERSION = 1
__version__ = "1.0.0"
