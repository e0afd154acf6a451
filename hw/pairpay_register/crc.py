"""CRC-16/IBM-3740 (a.k.a. CRC-16/CCITT-FALSE), PROTOCOL.md section 2.

width 16, poly 0x1021, init 0xFFFF, not reflected, xorout 0x0000, check("123456789") = 0x29B1.
"""

__all__ = ["crc16_ibm3740", "CHECK_VALUE"]

CHECK_VALUE = 0x29B1


def _make_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16_ibm3740(data, crc=0xFFFF):
    """Return the CRC of ``data`` (bytes-like). ``crc`` continues a running CRC."""
    for b in bytes(data):
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ b) & 0xFF]
    return crc
