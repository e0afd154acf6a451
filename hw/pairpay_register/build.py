"""Builders for the register's messages, fields in the order the spec's vectors use."""

from .messages import Fields, Group, LINE_ITEM_FIELDS, Message

__all__ = ["hello", "sale", "line_item", "abort", "relay", "status_request", "void", "totals_request",
           "EXAMPLE_BASKET", "example_sale", "basket_total"]

# The basket of PROTOCOL.md section 9 (vector "sale").
EXAMPLE_BASKET = (
    dict(code="4901234567894", name="Peanut butter", unit_price=500, quantity=1, tax=25),
    dict(code="4909876543210", name="Grape jelly", unit_price=600, quantity=1, tax=30),
)


def line_item(code, name, unit_price, quantity=1, tax=0):
    return Group(LINE_ITEM_FIELDS, [("CODE", code), ("NAME", name), ("UNIT PRICE", unit_price),
                                    ("QUANTITY", quantity), ("TAX", tax)])


def basket_total(lines):
    total = 0
    for ln in lines:
        if isinstance(ln, Fields):
            total += ln["UNIT PRICE"] * ln["QUANTITY"] + ln.get("TAX", 0)
        else:
            total += ln["unit_price"] * ln.get("quantity", 1) + ln.get("tax", 0)
    return total


def hello(device_id="REG-01", software="pairpay-register-sim 1.0", version=1):
    items = [("PROTOCOL VERSION", version), ("DEVICE ID", device_id)]
    if software is not None:
        items.append(("SOFTWARE", software))
    return Message("HELLO", items)


def sale(receipt, currency="JPY", lines=EXAMPLE_BASKET, total=None):
    """SALE; ``total`` defaults to the sum of the lines (section 6.2). registerd refuses a TOTAL
    above ``messages.MAX_SALE_TOTAL`` (999 999 999 999) with ERROR 4, even when the lines add up."""
    groups = [ln if isinstance(ln, Fields) else line_item(**ln) for ln in lines]
    if total is None:
        total = basket_total(groups)
    items = [("RECEIPT", receipt), ("CURRENCY", currency), ("TOTAL", total)]
    items += [("LINE ITEM", g) for g in groups]
    return Message("SALE", items)


def example_sale(receipt="R-000123"):
    return sale(receipt, "JPY", EXAMPLE_BASKET)


def abort(receipt):
    """ABORT: RESULT cancelled while the sale is open; for a sale that already ended, ERROR 6
    ``abort-too-late`` (it ended approved: paid) or ERROR 10 ``already-ended`` (it ended unpaid)."""
    return Message("ABORT", [("RECEIPT", receipt)])


def relay(receipt, data):
    return Message("RELAY", [("RECEIPT", receipt), ("RELAY DATA", data)])


def status_request(receipt=None):
    """STATUS REQUEST: without ``receipt`` about the newest transaction; with it about the sale or
    void with that RECEIPT (section 7; TRANSACTION STATE 0 when registerd knows none)."""
    return Message("STATUS REQUEST", [("RECEIPT", receipt)] if receipt is not None else [])


def void(receipt, order_id):
    return Message("VOID", [("RECEIPT", receipt), ("ORDER ID", order_id)])


def refund(receipt, order_id, total, currency="JPY"):
    """REFUND: give back TOTAL (minor units) of the approved sale ORDER ID, under its own RECEIPT."""
    return Message("REFUND", [("RECEIPT", receipt), ("ORDER ID", order_id), ("CURRENCY", currency),
                              ("TOTAL", total)])


def totals_request(close=False):
    return Message("TOTALS REQUEST", [("CLOSE PERIOD", 1 if close else 0)])


def end_of_day(batch_id=None):
    """END OF DAY: close the period and the lane's batch (section 6.9); with ``batch_id`` of an
    earlier close, ask about that batch again (nothing is closed)."""
    return Message("END OF DAY", [("BATCH ID", batch_id)] if batch_id is not None else [])
