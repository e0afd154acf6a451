"""A minimal terminal (the registerd side), for self-tests of the link layer and for demos of the
register simulator without registerd. It follows PROTOCOL.md section 7 in a simplified way and
never talks to a settlement server:

* ``settlement="none"``: every valid SALE ends at once in RESULT error ``settlement-not-configured``.
* ``settlement="demo"``: a SALE gets an order id and a PAYMENT REQUEST, PROGRESS frames every
  ``progress_interval``, and is approved after ``approve_after`` seconds (card ``1111``), unless
  aborted first. A RELAY whose data is ``PAIRPAY-RESULT1:DEMO-OK`` approves at once; any other
  relay data is refused with ERROR relay-rejected.

Like registerd: ABORT of a sale that already ended approved is ERROR 6 ``abort-too-late``, of one
that ended unpaid ERROR 10 ``already-ended``; STATUS REQUEST with a RECEIPT reports that sale or
void (TRANSACTION STATE 0 for an unknown one); a SALE's TOTAL above 999 999 999 999 is ERROR 4.
"""

import threading
import time

from .build import basket_total
from .link import Link, LinkClosed
from .messages import MAX_SALE_TOTAL, STATUSES, Message

KNOWN_CURRENCIES = {"JPY", "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "CNY", "KRW", "SEK", "NOK", "DKK"}


def _error(code, in_reply_to, text, receipt=None):
    items = [("ERROR CODE", code), ("IN REPLY TO", in_reply_to), ("MESSAGE", text)]
    if receipt:
        items.append(("RECEIPT", receipt))
    return Message("ERROR", items)


class MiniTerminal:
    def __init__(self, link: Link, terminal_id="PP-MINI-1", settlement="none", approve_after=3.0,
                 progress_interval=1.0, expires_in=120):
        self.link = link
        self.terminal_id = terminal_id
        self.settlement = settlement
        self.approve_after = approve_after
        self.progress_interval = progress_interval
        self.expires_in = expires_in
        self.open = None         # dict of the open transaction
        self.done = {}           # receipt -> dict of completed sales/voids
        self.orders = {}         # order id -> sale dict
        self.order_no = 0
        self.period = {}         # currency -> counters
        self.last = None         # newest transaction
        self.handled = []        # names of the messages acted on
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name="mini-terminal", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(2.0)

    def send(self, msg):
        self.link.send(msg)

    def _run(self):
        while not self._stop.is_set():
            rec = self.link.recv(0.05)
            try:
                if rec is not None:
                    self.handled.append(rec.name)
                    try:
                        self.handle(rec.message)
                    except LinkClosed:
                        raise
                    except Exception as e:  # never die: answer internal-error
                        self.send(_error(1, rec.type, "internal: %r" % (e,)))
                self._tick()
            except LinkClosed:
                time.sleep(0.05)   # the line is being reopened

    # ------------------------------------------------------------ transactions

    def _tick(self):
        tx = self.open
        if not tx:
            return
        now = time.monotonic()
        if now >= tx["next_progress"]:
            tx["next_progress"] = now + self.progress_interval
            left = max(0, int(tx["expires"] - now))
            self.send(Message("PROGRESS", [("RECEIPT", tx["receipt"]), ("STAGE", 2),
                                           ("MESSAGE", "Scan the code with your phone"), ("SECONDS LEFT", left)]))
        if now >= tx["approve_at"]:
            self.send(Message("PROGRESS", [("RECEIPT", tx["receipt"]), ("STAGE", 3), ("MESSAGE", "Authorizing")]))
            self._complete(tx, 0, "approved", "Approved", approval="DEMO01", last4="1111")

    def _counters(self, cur):
        return self.period.setdefault(cur, dict(approved=0, approved_amount=0, voided=0, voided_amount=0, declined=0))

    def _complete(self, tx, status, reason, text, approval=None, last4=None):
        items = [("RECEIPT", tx["receipt"])]
        if tx.get("order"):
            items.append(("ORDER ID", tx["order"]))
        items += [("STATUS", status), ("REASON", reason), ("MESSAGE", text),
                  ("CURRENCY", tx["currency"]), ("TOTAL", tx["total"])]
        if approval:
            items += [("APPROVAL CODE", approval), ("CARD LAST4", last4)]
        result = Message("RESULT", items)
        tx["result"] = result
        tx["state"] = 2
        c = self._counters(tx["currency"])
        if tx["kind"] == "sale":
            if status == 0:
                c["approved"] += 1
                c["approved_amount"] += tx["total"]
            else:
                c["declined"] += 1
        elif status == 3:
            c["voided"] += 1
            c["voided_amount"] += tx["total"]
        self.done[tx["receipt"]] = tx
        if self.open is tx:
            self.open = None
        self.send(result)

    def handle(self, m):
        spec = m.spec
        if spec is None or spec.direction != "register":
            return self.send(_error(2, m.type, "Unknown message type 0x%02X" % m.type))
        if m.problems:
            return self.send(_error(1, m.type, "Invalid message: " + "; ".join(m.problems)[:100]))
        getattr(self, "on_" + m.name.lower().replace(" ", "_"))(m)

    def on_hello(self, m):
        if m["PROTOCOL VERSION"] != 1:
            return self.send(_error(3, m.type, "Protocol version %d not supported" % m["PROTOCOL VERSION"]))
        self.send(Message("HELLO REPLY", [("PROTOCOL VERSION", 1), ("DEVICE ID", self.terminal_id),
                                          ("SOFTWARE", "pairpay mini-terminal 1.0"), ("MAX PAYLOAD", 4096)]))

    def on_sale(self, m):
        receipt = m["RECEIPT"]
        key = m.encode(strict=False)
        if self.open:
            if self.open["receipt"] == receipt and self.open["key"] == key and self.open.get("request"):
                return self.send(self.open["request"])
            return self.send(Message("BUSY", [("RECEIPT", self.open["receipt"]),
                                              ("MESSAGE", "Busy with receipt %s" % self.open["receipt"])]))
        if receipt in self.done:
            old = self.done[receipt]
            if old["key"] == key:
                return self.send(old["result"])
            return self.send(_error(8, m.type, "Receipt %s was used for another sale" % receipt, receipt))
        cur, total = m["CURRENCY"], m["TOTAL"]
        if cur not in KNOWN_CURRENCIES:
            return self.send(_error(4, m.type, "Unknown currency %s" % cur, receipt))
        lines = m.getall("LINE ITEM")
        for n, ln in enumerate(lines, 1):
            if ln["UNIT PRICE"] < 0 or ln["TAX"] < 0 or ln["QUANTITY"] < 1:
                return self.send(_error(4, m.type, "Line %d: negative amount or QUANTITY 0" % n, receipt))
        lines_sum = basket_total(lines)
        if lines_sum >= 1 << 63:
            return self.send(_error(4, m.type, "The amounts overflow 64-bit minor units", receipt))
        if total <= 0:
            return self.send(_error(4, m.type, "Total must be positive", receipt))
        if total > MAX_SALE_TOTAL:
            return self.send(_error(4, m.type, "Total %d is more than %d" % (total, MAX_SALE_TOTAL), receipt))
        if total != lines_sum:
            return self.send(_error(4, m.type, "Total %d is not the sum of the lines %d" % (total, lines_sum), receipt))
        tx = dict(kind="sale", receipt=receipt, key=key, currency=cur, total=total, state=1, order=None)
        self.last = tx
        if self.settlement != "demo":
            return self._complete(tx, 4, "settlement-not-configured", "No settlement server is configured")
        self.order_no += 1
        tx["order"] = "%s-%06d" % (self.terminal_id, self.order_no)
        self.orders[tx["order"]] = tx
        now = time.monotonic()
        tx.update(next_progress=now + self.progress_interval, approve_at=now + self.approve_after,
                  expires=now + self.expires_in)
        self.open = tx
        self.send(Message("PROGRESS", [("RECEIPT", receipt), ("STAGE", 1), ("MESSAGE", "Registering the order")]))
        tx["request"] = Message("PAYMENT REQUEST", [
            ("RECEIPT", receipt), ("ORDER ID", tx["order"]), ("CURRENCY", cur), ("TOTAL", total),
            ("PHONE PAYLOAD", "PAIRPAY1:DEMO:%s:%s:%d" % (tx["order"], cur, total)), ("EXPIRES IN", self.expires_in)])
        self.send(tx["request"])

    def on_abort(self, m):
        receipt = m["RECEIPT"]
        if self.open and self.open["receipt"] == receipt:
            return self._complete(self.open, 3, "cancelled", "Sale cancelled")
        done = self.done.get(receipt)
        if done and done["kind"] == "sale":
            status = done["result"]["STATUS"]
            if status == 0:
                return self.send(_error(6, m.type, "Abort too late: the sale already ended approved; void it instead",
                                        receipt))
            return self.send(_error(10, m.type, "Nothing to abort: the sale already ended %s"
                                    % STATUSES.get(status, status), receipt))
        self.send(_error(5, m.type, "No open transaction for receipt %s" % receipt, receipt))

    def on_relay(self, m):
        receipt = m["RECEIPT"]
        if not (self.open and self.open["receipt"] == receipt):
            return self.send(_error(5, m.type, "No open transaction for receipt %s" % receipt, receipt))
        if m["RELAY DATA"] != "PAIRPAY-RESULT1:DEMO-OK":
            return self.send(_error(7, m.type, "Relay data not valid for this transaction", receipt))
        self._complete(self.open, 0, "approved", "Approved", approval="DEMO02", last4="1111")

    def on_status_request(self, m):
        tx = self.last
        if "RECEIPT" in m:
            tx = self.open if self.open and self.open["receipt"] == m["RECEIPT"] else self.done.get(m["RECEIPT"])
        if tx is None:
            return self.send(Message("STATUS", [("TRANSACTION STATE", 0)]))
        items = [("TRANSACTION STATE", tx["state"]), ("RECEIPT", tx["receipt"])]
        if tx.get("order"):
            items.append(("ORDER ID", tx["order"]))
        if tx["state"] == 2:
            r = tx["result"]
            for name in ("STATUS", "REASON", "CURRENCY", "TOTAL", "APPROVAL CODE", "CARD LAST4"):
                if name in r:
                    items.append((name, r[name]))
        self.send(Message("STATUS", items))

    def on_void(self, m):
        receipt, order = m["RECEIPT"], m["ORDER ID"]
        if self.open:
            return self.send(Message("BUSY", [("RECEIPT", self.open["receipt"]),
                                              ("MESSAGE", "Busy with receipt %s" % self.open["receipt"])]))
        sale = self.orders.get(order)
        if not sale or sale["state"] != 2 or sale["result"]["STATUS"] != 0:
            return self.send(_error(5, m.type, "No completed payment with order id %s" % order, receipt))
        tx = dict(kind="void", receipt=receipt, key=m.encode(strict=False), currency=sale["currency"], total=sale["total"],
                  state=1, order=order)
        self.last = tx
        self.send(Message("PROGRESS", [("RECEIPT", receipt), ("STAGE", 4), ("MESSAGE", "Returning the money")]))
        self._complete(tx, 3, "voided", "Payment returned")

    def on_totals_request(self, m):
        items = []
        for cur, c in sorted(self.period.items()):
            items.append(("CURRENCY TOTALS", [("CURRENCY", cur), ("APPROVED COUNT", c["approved"]),
                                              ("APPROVED AMOUNT", c["approved_amount"]),
                                              ("VOIDED COUNT", c["voided"]), ("VOIDED AMOUNT", c["voided_amount"]),
                                              ("DECLINED COUNT", c["declined"])]))
        self.send(Message("TOTALS", items))
        if m.get("CLOSE PERIOD", 0) == 1:
            self.period = {}
