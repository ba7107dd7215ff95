"""After-sales end to end from shipped orders: tickets of each type (refund only, return and
refund, exchange, reissue) through their state machine, the windows and quantity limits,
receipts that restock sellable units and count damaged ones, refunds through a simulated
payment provider, asked by ordo's refund worker off the request threads (refused over what was
paid; an answer not known — a timeout, a 5xx — keeps the refund pending and its amount held
until the same refund_no is answered; a definite refusal frees it), exchanges and reissues as linked orders that are short like any order when stock
is, and the settlement report; the buyer's return parcel tracked by Kuaidi100 pushes and a
polled carrier API, and the SLA sweep. Against a real server, a real local HTTP refund
provider and a real local carrier API."""

import csv
import datetime
import hashlib
import hmac
import http.server
import io
import itertools
import json
import subprocess
import threading
import urllib.parse

from carrier_sim import CarrierSim
from ordo_server import (ServerTestCase, ean13, make_order, open_exceptions, parse_rfc3339, q,
                         rfc3339, unique_sku, wait_for)
from test_openapi import load_spec, resolve, schema_errors
from test_shipping import CHEAP

SECRET = "refund-secret-7f3a"
K100_SALT = "k100-returns-salt"
CST = datetime.timezone(datetime.timedelta(hours=8))
_wh_seq = itertools.count(1)
_return_no = itertools.count(1)


def at(hours=0, minutes=0):
    """A time relative to now as Kuaidi100 writes it (China time, no zone)."""
    t = datetime.datetime.now(CST) + datetime.timedelta(hours=hours, minutes=minutes)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def shifted(text, minutes):
    """An RFC 3339 time minutes after (before, when negative) the given one."""
    return rfc3339(parse_rfc3339(text) + datetime.timedelta(minutes=minutes))


class RefundProvider:
    """A payment provider's refund API: checks X-Ordo-Signature (HMAC-SHA256 of the body
    under the shared secret), makes one refund per refund_no (a retry of the same refund_no
    answers the same refund and pays nothing more; `paid` counts the payouts per refund_no),
    answers 503 while `failing` is set, refuses (422 {status: "refused"}) while `refusing`
    is, and holds each request while `gate` is cleared (longer than ordo waits, when a test
    wants a timeout: the held request still pays once released, as a real provider would)."""

    def __init__(self):
        self.requests = []
        self.refunds = {}
        self.paid = {}
        self.failing = False
        self.refusing = False
        self.gate = threading.Event()  # cleared: requests wait before they are answered
        self.gate.set()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, doc):
                data = json.dumps(doc).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # ordo went away before the answer (a timeout, or a test stopped it)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, self.headers.get("X-Ordo-Signature", "")):
                    return self.answer(401, {"status": "failed", "message": "bad signature"})
                doc = json.loads(body)
                with outer.lock:
                    outer.requests.append(doc)
                outer.gate.wait(30)
                with outer.lock:
                    if outer.failing:
                        return self.answer(503, {"status": "failed",
                                                 "message": "bank channel unavailable"})
                    if outer.refusing and doc["refund_no"] not in outer.refunds:
                        return self.answer(422, {"status": "refused",
                                                 "message": "the transaction is closed"})
                    if doc["refund_no"] not in outer.refunds:
                        outer.refunds[doc["refund_no"]] = "RF%06d" % (len(outer.refunds) + 1)
                        outer.paid[doc["refund_no"]] = doc["amount"]
                    ref = outer.refunds[doc["refund_no"]]
                self.answer(200, {"status": "succeeded", "refund_id": ref})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/refunds" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def sent(self, refund):
        """The requests that asked for this refund."""
        with self.lock:
            return [r for r in self.requests if r["refund_no"] == refund["refund_no"]]

    def close(self):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


class AfterSalesTest(ServerTestCase):
    # Quick retries of refunds whose outcome is not known, so tests await them.
    ENV = {"ORDO_REFUND_BACKOFF_MS": "100", "ORDO_REFUND_BACKOFF_CAP_MS": "400",
           "ORDO_REFUND_ALERT_ATTEMPTS": "3"}

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.ok("PUT", "/v1/review/rules", {"rules": []})
        s.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        s.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
             {"numbers": ["7%013d" % (700 + i) for i in range(80)]}, expect=(200,))
        cls.provider = RefundProvider()
        s.ok("PUT", "/v1/refunds/provider", {"url": cls.provider.url, "secret": SECRET,
                                             "timeout_ms": 5000})
        s.ok("PUT", "/v1/tracking/providers/kuaidi100", {"key": "k100-key", "salt": K100_SALT})
        cls.sim = CarrierSim()

    @classmethod
    def tearDownClass(cls):
        cls.provider.close()
        cls.sim.close()
        super().tearDownClass()

    # ---- helpers -------------------------------------------------------------------------

    def warehouse(self):
        code = "AS%d" % next(_wh_seq)
        self.srv.put_warehouse(code, "上海市", "上海市", "浦东新区")
        return code

    def sku(self, wh, on_hand, price=None):
        sku = unique_sku("AS")
        self.srv.put_sku(sku, weight_g=200)
        self.srv.put_stock(wh, sku, on_hand, bin="A-0%d-01" % (next(_wh_seq) % 9 + 1))
        return sku

    def ship_order(self, no, wh):
        """Takes an approved order through a wave, picking, packing and shipping."""
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": wh, "strategy": "zone",
                                                 "max_orders": 100}, expect=(201,))
        self.assertIn(no, wave["orders"])
        for task in wave["tasks"]:
            for line in task["lines"]:
                self.srv.ok("POST", "/v1/picks/%d/scan" % task["id"],
                            {"barcode": line["barcode"], "qty": line["qty"]})
        order = self.srv.get_order(no)
        items = [{"barcode": ean13(it["sku"]), "qty": it["qty"]} for it in order["items"]]
        self.srv.ok("POST", "/v1/orders/%s/pack" % q(no),
                    {"items": items, "weight_g": 800, "length_mm": 300, "width_mm": 200,
                     "height_mm": 150})
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(no), {"carrier": "ZTO"})
        self.assertEqual(shipped["status"], "shipped")

    def shipped_order(self, lines, wh):
        o = self.srv.post_order(make_order(lines))
        self.assertEqual(o["status"], "approved", o)
        self.ship_order(o["order_no"], wh)
        return o["order_no"]

    def open_ticket(self, no, type_, items, expect=201, **extra):
        body = {"type": type_, "items": items, "reason": "尺码不合适", **extra}
        status, headers, data = resp = self.srv.request(
            "POST", "/v1/orders/%s/after-sales" % q(no), body)
        self.assertEqual(status, expect, data)
        self.conforms("/v1/orders/{order_no}/after-sales", "POST", resp)
        if expect == 201:
            self.assertEqual(headers.get("location"), "/v1/after-sales/%d" % data["id"])
            self.assertEqual((data["type"], data["status"]), (type_, "requested"))
        return data

    def act(self, tid, action, body=None, expect=200):
        status, _, data = resp = self.srv.request("POST", "/v1/after-sales/%d/%s" % (tid, action),
                                                  body)
        self.assertEqual(status, expect, data)
        self.conforms("/v1/after-sales/{id}/" + action, "POST", resp)
        return data

    def ticket(self, tid):
        return self.srv.ok("GET", "/v1/after-sales/%d" % tid)

    def ask_refund(self, tid, amount):
        """POSTs a refund: answered 202 at once, pending; the refund worker asks the provider."""
        status, headers, body = self.srv.request("POST", "/v1/after-sales/%d/refund" % tid,
                                                 {"amount": amount})
        self.assertEqual(status, 202, body)
        self.assertEqual((body["status"], body["amount"]), ("pending", amount))
        self.assertEqual(body["refund_no"], "R%d" % body["id"])
        self.assertEqual(headers.get("location"), "/v1/refunds/%d" % body["id"])
        return body

    def refund_when(self, refund, cond, what):
        return wait_for(lambda: (lambda r: r if cond(r) else None)(
            self.srv.ok("GET", "/v1/refunds/%d" % refund["id"])), what=what)

    def settled(self, refund):
        """The refund once the provider's answer is recorded (not pending any more)."""
        return self.refund_when(refund, lambda r: r["status"] != "pending",
                                "refund %s settled" % refund["refund_no"])

    def refunded(self, tid, amount):
        done = self.settled(self.ask_refund(tid, amount))
        self.assertEqual(done["status"], "succeeded", done)
        return done

    def k100(self, number, state, data, com="zhongtong"):
        """A Kuaidi100 subscription push (newest event first), signed with the salt."""
        param = json.dumps({
            "status": "polling", "message": "",
            "lastResult": {"message": "ok", "state": state, "status": "200", "com": com,
                           "nu": number, "ischeck": "1" if state == "3" else "0",
                           "data": [{"context": c, "time": t, "ftime": t} for t, c in data]},
        }, ensure_ascii=False)
        sign = hashlib.md5((param + K100_SALT).encode()).hexdigest().upper()
        raw = urllib.parse.urlencode({"param": param, "sign": sign}).encode()
        status, _, body = self.srv.request(
            "POST", "/v1/tracking/kuaidi100", raw=raw, token=None,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, body["result"]), (200, True), body)
        return body

    def returning(self, carrier="ZTO"):
        """A return_refund ticket whose buyer sent one unit back: (order_no, ticket id, wh, sku,
        the return's tracking number)."""
        wh = self.warehouse()
        sku = self.sku(wh, 10)
        no = self.shipped_order([(sku, 2)], wh)
        tid = self.open_ticket(no, "return_refund", [{"sku": sku, "qty": 1}])["id"]
        self.act(tid, "approve")
        number = "RT%09d%d" % (next(_return_no), tid)
        got = self.act(tid, "return-shipment", {"carrier": carrier, "tracking_no": number})
        self.assertEqual(got["status"], "return_in_transit")
        self.assertEqual(got["return_tracking"], {
            "carrier": carrier, "tracking_no": number, "milestone": "shipped",
            "milestone_at": None, "last_event_at": None, "open": True, "events": []})
        return no, tid, wh, sku, number

    def stock_at(self, wh, sku):
        [row] = [w for w in self.srv.stock(sku)["warehouses"] if w["warehouse"] == wh]
        return row["on_hand"], row["reserved"]

    def consistent(self):
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)

    def conforms(self, template, method, resp):
        """The response is one data/openapi.json declares for the operation: status, media
        type and schema. Returns the body."""
        status, headers, body = resp
        doc = load_spec()
        declared = doc["paths"][template][method.lower()]["responses"].get(str(status))
        self.assertIsNotNone(declared, "%s %s answered %d: %s" % (method, template, status, body))
        if "$ref" in declared:
            declared = resolve(doc, declared["$ref"])
        ctype = headers.get("content-type", "").split(";")[0].strip()
        self.assertIn(ctype, declared.get("content", {}))
        self.assertEqual(schema_errors(doc, declared["content"][ctype]["schema"], body), [],
                         "%s %s %d: %s" % (method, template, status, body))
        return body

    # ---- tests ---------------------------------------------------------------------------

    def test_return_and_refund_end_to_end(self):
        wh = self.warehouse()
        tee = self.sku(wh, 10)
        no = self.shipped_order([(tee, 3, 2000)], wh)
        self.assertEqual(self.stock_at(wh, tee), (7, 0))

        t = self.open_ticket(no, "return_refund", [{"sku": tee, "qty": 2}],
                             evidence=["https://img.example.com/a.jpg"])
        tid = t["id"]
        self.assertEqual(t["items"], [{"sku": tee, "qty": 2, "exchange_sku": None}])
        self.assertEqual(t["evidence"], ["https://img.example.com/a.jpg"])
        self.assertIsNotNone(t["deadline"])  # the SLA of the requested step
        # No refund before the goods come back and are inspected.
        self.act(tid, "refund", {"amount": 100}, expect=409)
        self.assertEqual(self.act(tid, "assign", {"assignee": "客服小李"})["assignee"], "客服小李")
        self.act(tid, "messages", {"text": "请寄回商品，吊牌保留", "author": "客服小李"})
        self.assertEqual(self.act(tid, "approve", {"note": "七天无理由"})["status"], "approved")
        self.act(tid, "approve", expect=409)
        got = self.act(tid, "return-shipment", {"carrier": "ZTO", "tracking_no": "75000000123"})
        self.assertEqual(got["status"], "return_in_transit")
        self.assertEqual(got["return_shipment"], {"carrier": "ZTO", "tracking_no": "75000000123"})

        # The warehouse inspects each unit: more than the ticket asked back is refused.
        self.act(tid, "receive", {"items": [{"sku": tee, "qty": 3, "condition": "sellable"}]},
                 expect=422)
        body = self.act(tid, "receive", {"items": [{"sku": tee, "qty": 2,
                                                    "condition": "bent"}]}, expect=422)
        self.assertEqual(body["errors"][0]["field"], "items[0].condition")
        got = self.act(tid, "receive", {"items": [
            {"sku": tee, "qty": 1, "condition": "sellable"},
            {"sku": tee, "qty": 1, "condition": "damaged"}]})
        self.assertEqual(got["status"], "inspected")
        self.assertEqual([(r["sku"], r["qty"], r["condition"], r["warehouse"])
                          for r in got["receipts"]],
                         [(tee, 1, "sellable", wh), (tee, 1, "damaged", wh)])
        self.assertEqual(self.stock_at(wh, tee), (8, 0))  # the sellable unit is back on hand
        damaged = self.srv.ok("GET", "/v1/after-sales/damaged-stock?warehouse=%s" % wh)
        self.assertEqual(damaged["items"], [{"warehouse": wh, "sku": tee, "qty": 1}])
        self.consistent()
        self.act(tid, "receive", {"items": [{"sku": tee, "qty": 1, "condition": "sellable"}]},
                 expect=409)  # received once

        # Refunds: partial, then what is left; never more than was paid (6000).
        first = self.refunded(tid, 2000)
        self.assertEqual((first["status"], first["amount"]), ("succeeded", 2000))
        self.assertEqual(self.ticket(tid)["status"], "refunded")
        self.assertTrue(first["provider_ref"].startswith("RF"))
        body = self.act(tid, "refund", {"amount": 4001}, expect=422)
        self.assertEqual(body["errors"][0]["field"], "amount")
        self.assertEqual(body["errors"][0]["code"], "exceeds_paid")
        self.refunded(tid, 4000)
        self.act(tid, "refund", {"amount": 1}, expect=422)
        summary = self.srv.ok("GET", "/v1/orders/%s/refunds" % q(no))
        self.assertEqual((summary["paid"], summary["refunded"], summary["refundable"]),
                         (6000, 6000, 0))
        self.assertEqual(len(summary["refunds"]), 2)

        view = self.conforms("/v1/after-sales/{id}", "GET",
                             self.srv.request("GET", "/v1/after-sales/%d" % tid))
        self.conforms("/v1/orders/{order_no}/refunds", "GET",
                      self.srv.request("GET", "/v1/orders/%s/refunds" % q(no)))
        self.conforms("/v1/after-sales/{id}/refund", "POST", self.srv.request(
            "POST", "/v1/after-sales/%d/refund" % tid, {"amount": 1}))
        kinds = [e["kind"] for e in view["timeline"]]
        self.assertEqual(kinds[0], "created")
        self.assertIn("message", kinds)
        self.assertIn("assign", kinds)
        moves = [e["to"] for e in view["timeline"] if e["kind"] == "status"]
        self.assertEqual(moves, ["approved", "return_in_transit", "received", "inspected",
                                 "refunded", "refunded"])
        self.assertIsNone(view["deadline"])  # done: no SLA
        events = [e for e in self.srv.events(no) if e["type"] in ("after_sales", "refund")]
        self.assertTrue(any("refunded" in (e["reason"] or "") for e in events), events)

    def test_damaged_units_go_to_the_damaged_stock(self):
        wh = self.warehouse()
        cup = self.sku(wh, 5)
        no = self.shipped_order([(cup, 2, 3000)], wh)
        tid = self.open_ticket(no, "return_refund", [{"sku": cup, "qty": 2}])["id"]
        self.act(tid, "approve")
        # The parcel may arrive before the buyer reports its tracking number.
        got = self.act(tid, "receive", {"items": [{"sku": cup, "qty": 2,
                                                   "condition": "damaged"}]})
        self.assertEqual(got["status"], "inspected")
        self.assertEqual(self.stock_at(wh, cup), (3, 0))  # not back on the shelf
        damaged = self.conforms("/v1/after-sales/damaged-stock", "GET", self.srv.request(
            "GET", "/v1/after-sales/damaged-stock?warehouse=%s" % wh))
        self.assertEqual(damaged["items"], [{"warehouse": wh, "sku": cup, "qty": 2}])
        self.consistent()
        self.assertEqual(self.act(tid, "close", {"note": "买家责任损坏，协商不退款"})["status"],
                         "closed")
        self.act(tid, "refund", {"amount": 100}, expect=409)

    def test_quantity_limits_name_the_items(self):
        wh = self.warehouse()
        a, b, other = self.sku(wh, 10), self.sku(wh, 10), self.sku(wh, 10)
        no = self.shipped_order([(a, 3), (b, 1)], wh)
        body = self.conforms("/v1/orders/{order_no}/after-sales", "POST", self.srv.request(
            "POST", "/v1/orders/%s/after-sales" % q(no),
            {"type": "refund_only", "reason": "x",
             "items": [{"sku": a, "qty": 4}, {"sku": other, "qty": 1}]}))
        fields = {(e["field"], e["code"]) for e in body["errors"]}
        self.assertEqual(fields, {("items[0].qty", "exceeds_shipped"),
                                  ("items[1].sku", "not_shipped")})
        first = self.open_ticket(no, "refund_only", [{"sku": a, "qty": 2}])
        body = self.open_ticket(no, "return_refund", [{"sku": b, "qty": 1}, {"sku": a, "qty": 2}],
                                expect=422)
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]],
                         [("items[1].qty", "exceeds_shipped")])
        self.assertIn("at most 1", body["errors"][0]["message"])
        # A rejected ticket gives its units back.
        self.act(first["id"], "reject", {}, expect=422)  # a rejection says why
        self.assertEqual(self.act(first["id"], "reject", {"reason": "已超出质保"})["status"],
                         "rejected")
        self.open_ticket(no, "return_refund", [{"sku": a, "qty": 3}])
        body = self.open_ticket(no, "refund", [{"sku": a, "qty": 0}], expect=422)
        self.assertEqual({e["field"] for e in body["errors"]}, {"type"})
        body = self.open_ticket(no, "reissue", [{"sku": b, "qty": 0, "exchange_sku": a}],
                                expect=422)
        self.assertEqual({e["field"] for e in body["errors"]},
                         {"items[0].qty", "items[0].exchange_sku"})
        self.assertEqual(len(self.srv.ok("GET", "/v1/after-sales?order_no=%s" % no)["items"]), 2)

    def test_windows_and_shipped_orders_only(self):
        wh = self.warehouse()
        a = self.sku(wh, 10)
        unshipped = self.srv.post_order(make_order([(a, 1)]))["order_no"]
        self.open_ticket(unshipped, "refund_only", [{"sku": a, "qty": 1}], expect=409)
        self.assertEqual(self.srv.request("POST", "/v1/orders/NOPE/after-sales",
                                          {"type": "refund_only", "reason": "x",
                                           "items": [{"sku": a, "qty": 1}]})[0], 404)
        no = self.shipped_order([(a, 2)], wh)
        settings = self.conforms("/v1/after-sales/settings", "GET",
                                 self.srv.request("GET", "/v1/after-sales/settings"))
        self.assertEqual(settings["windows_days"]["return_refund"], 7)
        # A window of 0 days: closed as soon as the parcel left (no delivery was recorded).
        self.srv.ok("PUT", "/v1/after-sales/settings", {"windows_days": {"return_refund": 0}})
        body = self.open_ticket(no, "return_refund", [{"sku": a, "qty": 1}], expect=422)
        self.assertEqual((body["errors"][0]["field"], body["errors"][0]["code"]),
                         ("type", "window_closed"))
        self.assertIn("shipped", body["errors"][0]["message"])
        self.open_ticket(no, "exchange", [{"sku": a, "qty": 1}])  # its window is still open
        self.srv.ok("PUT", "/v1/after-sales/settings", {"windows_days": {"return_refund": 7}})
        self.open_ticket(no, "return_refund", [{"sku": a, "qty": 1}])
        bad = self.srv.request("PUT", "/v1/after-sales/settings",
                               {"windows_days": {"refund": 3}, "sla_hours": {"requested": -1},
                                "commission_bp": {"nowhere": 5}})
        self.assertValidation(bad, ("windows_days.refund", "unknown_key"),
                              ("sla_hours.requested", "out_of_range"),
                              ("commission_bp.nowhere", "unknown_key"))

    def test_sla_overdue_filter(self):
        wh = self.warehouse()
        a = self.sku(wh, 10)
        no = self.shipped_order([(a, 2)], wh)
        tid = self.open_ticket(no, "refund_only", [{"sku": a, "qty": 1}])["id"]
        self.act(tid, "assign", {"assignee": "agent-sla"})
        mine = self.conforms("/v1/after-sales", "GET", self.srv.request(
            "GET", "/v1/after-sales?assignee=agent-sla"))["items"]
        self.assertEqual([t["id"] for t in mine], [tid])
        self.assertFalse(mine[0]["overdue"])
        later = "2099-01-01T00:00:00Z"
        overdue = self.srv.ok("GET", "/v1/after-sales?overdue=true&as_of=%s" % later)["items"]
        self.assertIn(tid, [t["id"] for t in overdue])
        self.assertTrue(all(t["overdue"] for t in overdue))
        now = self.srv.ok("GET", "/v1/after-sales?overdue=true&assignee=agent-sla")["items"]
        self.assertEqual(now, [])
        self.srv.ok("GET", "/v1/after-sales?status=requested")
        self.assertValidation(self.srv.request("GET", "/v1/after-sales?status=nope"),
                              ("status", "out_of_range"))

    def test_return_parcel_is_tracked_by_pushes(self):
        no, tid, wh, sku, number = self.returning()
        order_tracking = self.srv.ok("GET", "/v1/orders/%s/tracking" % q(no))
        order_status = self.srv.get_order(no)["status"]

        # In transit, pushed newest first.
        picked_up, hub = at(-5), at(-3)
        got = self.k100(number, "0", [(hub, "快件已到达【杭州转运中心】"),
                                      (picked_up, "【宁波市】中通快递 已揽收")])
        self.assertEqual((got["matched"], got["new_events"]), (True, 2))
        rt = self.ticket(tid)["return_tracking"]
        self.assertEqual(rt["milestone"], "in_transit")
        self.assertEqual([e["context"] for e in rt["events"]],
                         ["快件已到达【杭州转运中心】", "【宁波市】中通快递 已揽收"])

        # The same push again adds nothing; a late older scan is recorded in its place by
        # time and does not take the parcel back.
        self.assertEqual(self.k100(number, "0", [(hub, "快件已到达【杭州转运中心】"),
                                                 (picked_up, "【宁波市】中通快递 已揽收")])
                         ["new_events"], 0)
        self.assertEqual(self.k100(number, "0", [(at(-4), "快件已发往【杭州转运中心】")])
                         ["new_events"], 1)
        rt = self.ticket(tid)["return_tracking"]
        self.assertEqual(rt["milestone"], "in_transit")
        self.assertEqual([e["context"] for e in rt["events"]],
                         ["快件已到达【杭州转运中心】", "快件已发往【杭州转运中心】",
                          "【宁波市】中通快递 已揽收"])
        times = [parse_rfc3339(e["time"]) for e in rt["events"]]
        self.assertEqual(times, sorted(times, reverse=True))

        # Signed for by the warehouse: noted, but nothing is received until it says what came.
        delivered = at(-1)
        self.k100(number, "3", [(delivered, "已签收，签收人：退货仓"),
                                (hub, "快件已到达【杭州转运中心】")])
        self.k100(number, "3", [(delivered, "已签收，签收人：退货仓")])  # repeated: once
        view = self.ticket(tid)
        self.assertEqual(view["status"], "return_in_transit")
        rt = view["return_tracking"]
        self.assertEqual((rt["milestone"], rt["open"]), ("delivered", False))
        self.assertEqual(rt["events"][0]["milestone"], "delivered")
        self.assertEqual(len(rt["events"]), 4)
        moves = [(e["detail"]["from"], e["detail"]["to"]) for e in view["timeline"]
                 if e["kind"] == "return_tracking"]
        self.assertEqual(moves, [("shipped", "in_transit"), ("in_transit", "delivered")])
        notes = [e for e in view["timeline"] if e["kind"] == "return_delivered"]
        self.assertEqual(len(notes), 1)
        self.assertIn(number, notes[0]["text"])
        self.assertTrue(any(number in (e["reason"] or "") for e in self.srv.events(no)
                            if e["type"] == "after_sales"))

        # The order's own tracking knows nothing of the return, and the order did not move.
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/tracking" % q(no))["parcels"],
                         order_tracking["parcels"])
        self.assertEqual(self.srv.get_order(no)["status"], order_status)
        got = self.act(tid, "receive", {"items": [{"sku": sku, "qty": 1,
                                                   "condition": "sellable"}]})
        self.assertEqual(got["status"], "inspected")
        self.conforms("/v1/after-sales/{id}", "GET",
                      self.srv.request("GET", "/v1/after-sales/%d" % tid))

    def test_return_parcel_is_polled_when_its_carrier_has_an_api(self):
        carrier = "RETSIM"
        self.srv.ok("PUT", "/v1/tracking/carriers/%s" % carrier,
                    {"api_url": self.sim.url, "poll_interval_minutes": 30})
        _, tid, _, _, number = self.returning(carrier)
        self.sim.events[number] = [{"time": at(-2), "context": "【宁波市】快件已揽收"},
                                   {"time": at(-1), "context": "快件已签收，签收人：退货仓"}]
        later = rfc3339(datetime.datetime.now(datetime.timezone.utc)
                        + datetime.timedelta(minutes=31))
        round_ = self.srv.ok("POST", "/v1/tracking/poll", {"as_of": later})
        mine = [p for p in round_["parcels"] if p["tracking_no"] == number]
        self.assertEqual([(p["ok"], p["new_events"]) for p in mine], [(True, 2)])
        view = self.ticket(tid)
        self.assertEqual(view["return_tracking"]["milestone"], "delivered")
        self.assertEqual(view["status"], "return_in_transit")
        self.assertEqual(len([e for e in view["timeline"] if e["kind"] == "return_delivered"]),
                         1)

    def sweep(self, as_of):
        status, _, body = resp = self.srv.request("POST", "/v1/after-sales/sweep",
                                                  {"as_of": as_of})
        self.assertEqual(status, 200, body)
        self.conforms("/v1/after-sales/sweep", "POST", resp)
        return [e for e in body["exceptions"]]

    def test_sla_sweep_opens_one_exception_per_ticket_and_state(self):
        wh = self.warehouse()
        a = self.sku(wh, 10)
        no = self.shipped_order([(a, 2)], wh)
        t = self.open_ticket(no, "refund_only", [{"sku": a, "qty": 1}])
        tid = t["id"]
        self.act(tid, "assign", {"assignee": "agent-sweep"})
        deadline = t["deadline"]

        def mine(opened):
            return [(e["status"], e["assignee"]) for e in opened if e["after_sales_id"] == tid]

        self.assertEqual(mine(self.sweep(shifted(deadline, -1))), [])
        self.assertEqual(open_exceptions(self.srv.get_order(no), "after_sales_overdue"), [])
        self.assertEqual(mine(self.sweep(shifted(deadline, 1))), [("requested", "agent-sweep")])
        self.assertEqual(mine(self.sweep(shifted(deadline, 60))), [])  # not twice
        [ex] = open_exceptions(self.srv.get_order(no), "after_sales_overdue")
        self.assertEqual(ex["severity"], "yellow")
        for word in ("after-sales %d" % tid, "requested", "agent-sweep"):
            self.assertIn(word, ex["message"])
        self.assertEqual([e["kind"] for e in self.ticket(tid)["timeline"]].count("overdue"), 1)

        # Moved on and overrunning its next state: one more, for that state.
        approved = self.act(tid, "approve")
        self.assertIsNotNone(approved["deadline"])
        self.assertEqual(mine(self.sweep(shifted(approved["deadline"], 1))),
                         [("approved", "agent-sweep")])
        self.assertEqual(mine(self.sweep(shifted(approved["deadline"], 2))), [])
        self.assertEqual(len(open_exceptions(self.srv.get_order(no), "after_sales_overdue")), 2)
        self.assertValidation(self.srv.request("POST", "/v1/after-sales/sweep",
                                               {"as_of": "tomorrow"}), ("as_of", "invalid"))

    def refund_only(self, price):
        """An approved refund_only ticket of a shipped one-line order: (order_no, ticket id)."""
        wh = self.warehouse()
        a = self.sku(wh, 10)
        no = self.shipped_order([(a, 1, price)], wh)
        tid = self.open_ticket(no, "refund_only", [{"sku": a, "qty": 1}])["id"]
        self.act(tid, "approve")
        return no, tid

    def budget(self, no):
        return self.srv.ok("GET", "/v1/orders/%s/refunds" % q(no))

    def test_a_provider_5xx_keeps_the_refund_pending_and_held(self):
        no, tid = self.refund_only(5000)
        self.provider.failing = True
        try:
            refund = self.ask_refund(tid, 3000)
            # Not known whether it paid: still pending, asked again (backoff), amount held.
            again = self.refund_when(refund, lambda r: r["attempts"] >= 2,
                                     "a second attempt of %s" % refund["refund_no"])
            self.assertEqual(again["status"], "pending")
            self.assertIn("503", again["error"])
            self.assertIsNotNone(again["next_attempt_at"])
            b = self.budget(no)
            self.assertEqual((b["pending"], b["refunded"], b["refundable"]), (3000, 0, 2000))
            body = self.act(tid, "refund", {"amount": 2001}, expect=422)
            self.assertEqual(body["errors"][0]["code"], "exceeds_paid")
            self.assertEqual(self.ticket(tid)["status"], "approved")  # not refunded yet
            # Stuck refunds are listed, and the ticket and order say so.
            stuck = self.srv.ok("GET", "/v1/refunds?status=pending&min_attempts=2")["items"]
            self.assertIn(refund["id"], [r["id"] for r in stuck])
            self.assertValidation(self.srv.request("GET", "/v1/refunds?status=failed"),
                                  ("status", "out_of_range"))
            self.assertValidation(self.srv.request("GET", "/v1/refunds?min_attempts=0"),
                                  ("min_attempts", "out_of_range"))
            self.refund_when(refund, lambda r: r["attempts"] >= 3, "the alert attempt")
            notes = [e["text"] for e in self.ticket(tid)["timeline"] if e["kind"] == "refund"]
            self.assertTrue(any("outcome unknown" in t for t in notes), notes)
            self.assertTrue(any("still unconfirmed after 3 attempts" in t for t in notes), notes)
        finally:
            self.provider.failing = False
        done = self.settled(refund)
        self.assertEqual(done["status"], "succeeded", done)
        self.assertEqual(self.provider.paid, {**self.provider.paid, refund["refund_no"]: 3000})
        self.assertGreaterEqual(len(self.provider.sent(refund)), 3)
        self.assertEqual(self.ticket(tid)["status"], "refunded")
        self.assertEqual(self.srv.request("POST", "/v1/refunds/%d/retry" % refund["id"])[0], 409)
        self.assertNotIn(refund["id"], [r["id"] for r in self.srv.ok(
            "GET", "/v1/refunds?status=pending")["items"]])
        self.act(tid, "refund", {"amount": 2001}, expect=422)
        self.refunded(tid, 2000)
        b = self.budget(no)
        self.assertEqual((b["refunded"], b["pending"], b["refundable"]), (5000, 0, 0))

    def test_a_provider_timeout_keeps_the_refund_pending_and_pays_once(self):
        no, tid = self.refund_only(5000)
        s = self.srv
        # The provider takes longer than ordo waits: it pays, but ordo never hears of it.
        s.ok("PUT", "/v1/refunds/provider", {"url": self.provider.url, "secret": SECRET,
                                             "timeout_ms": 200})
        self.provider.gate.clear()
        try:
            refund = self.ask_refund(tid, 3000)
            timed_out = self.refund_when(refund, lambda r: r["attempts"] >= 1,
                                         "the first attempt to time out")
            self.assertEqual(timed_out["status"], "pending")
            self.assertIn("imeout", timed_out["error"])
            self.assertEqual(self.budget(no)["refundable"], 2000)
            body = self.act(tid, "refund", {"amount": 2001}, expect=422)
            self.assertEqual(body["errors"][0]["field"], "amount")
        finally:
            self.provider.gate.set()
            s.ok("PUT", "/v1/refunds/provider", {"url": self.provider.url, "secret": SECRET,
                                                 "timeout_ms": 5000})
        # The provider recovers: the same refund_no is answered with the refund it made.
        done = self.settled(refund)
        self.assertEqual(done["status"], "succeeded", done)
        sent = self.provider.sent(refund)
        self.assertGreaterEqual(len(sent), 2)
        self.assertEqual({(r["order_no"], r["amount"]) for r in sent}, {(no, 3000)})
        self.assertEqual(self.provider.paid[refund["refund_no"]], 3000)  # paid once
        self.assertEqual(done["provider_ref"], self.provider.refunds[refund["refund_no"]])
        b = self.budget(no)
        self.assertEqual((b["refunded"], b["pending"], b["refundable"]), (3000, 0, 2000))

    def test_a_definite_refusal_frees_the_amount(self):
        no, tid = self.refund_only(5000)
        self.provider.refusing = True
        try:
            refund = self.settled(self.ask_refund(tid, 5000))
        finally:
            self.provider.refusing = False
        self.assertEqual((refund["status"], refund["attempts"]), ("refused", 1))
        self.assertIn("the transaction is closed", refund["error"])
        self.assertNotIn(refund["refund_no"], self.provider.paid)
        self.assertEqual(self.ticket(tid)["status"], "approved")
        b = self.budget(no)
        self.assertEqual((b["pending"], b["refundable"]), (0, 5000))
        # Retried by hand under the same refund number, the budget permitting.
        resp = self.srv.request("POST", "/v1/refunds/%d/retry" % refund["id"])
        self.assertEqual(resp[0], 202, resp)
        self.conforms("/v1/refunds/{id}/retry", "POST", resp)
        again = self.settled(refund)
        self.assertEqual((again["status"], again["attempts"]), ("succeeded", 2))
        self.assertEqual(self.provider.paid[refund["refund_no"]], 5000)
        self.assertEqual(self.ticket(tid)["status"], "refunded")
        self.act(tid, "refund", {"amount": 1}, expect=422)  # everything paid went back

    def test_a_slow_provider_does_not_hold_the_api(self):
        no, tid = self.refund_only(4000)
        _, tid2 = self.refund_only(4000)
        self.provider.gate.clear()  # holds every refund request until released
        try:
            asked = len(self.provider.requests)
            first = self.ask_refund(tid, 1000)
            second = self.ask_refund(tid2, 1000)
            wait_for(lambda: len(self.provider.requests) > asked, what="the provider asked")
            # More requests than the server has threads, while the provider holds one.
            for _ in range(3):
                self.assertTrue(self.srv.ok("GET", "/healthz"))
                self.assertIn("items", self.srv.ok("GET", "/v1/orders?limit=5"))
                self.srv.get_order(no)
            self.assertEqual(self.srv.ok("GET", "/v1/refunds/%d" % first["id"])["status"],
                             "pending")  # still in flight: the provider has not answered
        finally:
            self.provider.gate.set()
        for r in (first, second):
            self.assertEqual(self.settled(r)["status"], "succeeded")

    def test_a_refund_whose_answer_was_lost_is_asked_again_at_start(self):
        no, tid = self.refund_only(4200)
        # The provider takes the request and makes the refund, but ordo stops before it
        # records the answer: the refund stays pending and holds its amount.
        self.provider.gate.clear()
        asked = len(self.provider.requests)
        try:
            refund = self.ask_refund(tid, 4200)
            wait_for(lambda: len(self.provider.requests) > asked, what="the refund request")
            self.srv.kill9()
        finally:
            self.provider.gate.set()
        self.srv.start()
        done = self.settled(refund)
        self.assertEqual(done["status"], "succeeded")
        self.assertEqual(self.ticket(tid)["status"], "refunded")
        self.assertEqual(len(self.provider.sent(refund)), 2)
        self.assertEqual(self.provider.paid[refund["refund_no"]], 4200)
        self.assertEqual(done["provider_ref"], self.provider.refunds[refund["refund_no"]])
        self.assertEqual(self.srv.request("POST", "/v1/refunds/%d/retry" % refund["id"])[0],
                         409)
        self.act(tid, "refund", {"amount": 1}, expect=422)

    def test_logistics_and_after_sales_refunds_share_one_budget(self):
        no, tid = self.refund_only(5000)
        # A logistics case decides 3000 back: the ticket can refund only the other 2000.
        case = self.srv.ok("POST", "/v1/orders/%s/logistics-cases" % q(no),
                           {"kind": "damaged"}, expect=(201,))
        self.srv.ok("POST", "/v1/exceptions/%d/actions" % case["id"],
                    {"action": "refund", "amount": 3000})
        self.act(tid, "refund", {"amount": 2001}, expect=422)
        self.refunded(tid, 1500)
        # ...and the case, the after-sales refund made: at most 500 more.
        status, _, body = self.srv.request("POST", "/v1/exceptions/%d/actions" % case["id"],
                                           {"action": "refund", "amount": 501})
        self.assertEqual(status, 422, body)
        self.assertEqual(body["errors"][0]["code"], "exceeds_paid")
        # A pending after-sales refund holds its amount against the case too.
        self.provider.gate.clear()
        try:
            held = self.ask_refund(tid, 400)
            status, _, body = self.srv.request("POST", "/v1/exceptions/%d/actions" % case["id"],
                                               {"action": "refund", "amount": 101})
            self.assertEqual(status, 422, body)
        finally:
            self.provider.gate.set()
        self.assertEqual(self.settled(held)["status"], "succeeded")
        self.srv.ok("POST", "/v1/exceptions/%d/actions" % case["id"],
                    {"action": "refund", "amount": 100})
        b = self.budget(no)
        self.assertEqual((b["paid"], b["refunded"], b["owed_by_cancellation"], b["refundable"]),
                         (5000, 1900, 3100, 0))

    def test_exchange_with_short_stock_is_a_linked_short_order(self):
        wh = self.warehouse()
        small = self.sku(wh, 5)
        large = self.sku(wh, 0)  # the size the buyer wants is out of stock
        no = self.shipped_order([(small, 1, 9900)], wh)
        tid = self.open_ticket(no, "exchange", [{"sku": small, "qty": 1,
                                                 "exchange_sku": large}])["id"]
        self.act(tid, "approve")
        self.act(tid, "return-shipment", {"carrier": "ZTO", "tracking_no": "75000000999"})
        got = self.act(tid, "receive", {"items": [{"sku": small, "qty": 1,
                                                   "condition": "sellable"}]})
        self.assertEqual(got["status"], "exchanged")
        linked = got["linked_order_no"]
        self.assertTrue(linked)
        out = self.srv.get_order(linked)
        self.assertEqual(out["channel"], "web")
        self.assertEqual(out["external_id"], "AS%d-%s" % (tid, no))
        self.assertEqual([(i["sku"], i["qty"], i["unit_price"]) for i in out["items"]],
                         [(large, 1, 0)])
        self.assertEqual(out["payment"]["amount"], 0)
        short = [e for e in out["exceptions"] if e["code"] == "stock_short"]
        self.assertEqual(len(short), 1, out["exceptions"])
        self.assertEqual(self.stock_at(wh, small), (5, 0))  # the returned unit restocked
        # Restock: the linked order takes the stock and ships like any order.
        self.srv.adjust(wh, large, 3, "goods in")
        out = wait_for(lambda: (lambda o: o if o["reservations"] else None)(
            self.srv.get_order(linked)), what="the exchange order reserving its stock")
        self.ship_order(linked, wh)
        self.assertEqual(self.srv.get_order(linked)["status"], "shipped")
        self.assertTrue(any("exchange of order %s" % no in (e["reason"] or "")
                            for e in self.srv.events(linked)))
        self.consistent()

    def test_reissue_sends_goods_without_a_return(self):
        wh = self.warehouse()
        a, b = self.sku(wh, 10), self.sku(wh, 10)
        no = self.shipped_order([(a, 1), (b, 2)], wh)
        t = self.open_ticket(no, "reissue", [{"sku": b, "qty": 1}],
                             evidence=["https://img.example.com/broken.jpg"])
        self.act(t["id"], "return-shipment", {"carrier": "ZTO", "tracking_no": "1"},
                 expect=409)
        got = self.act(t["id"], "approve")
        self.assertEqual(got["status"], "exchanged")
        out = self.srv.get_order(got["linked_order_no"])
        self.assertEqual(out["status"], "approved")
        self.assertEqual([(i["sku"], i["qty"]) for i in out["items"]], [(b, 1)])
        self.ship_order(out["order_no"], wh)
        self.assertEqual(self.stock_at(wh, b), (7, 0))

    def test_settlement_report(self):
        wh = self.warehouse()
        a = self.sku(wh, 20)
        self.srv.ok("PUT", "/v1/after-sales/settings",
                    {"commission_bp": {"default": 200, "web": 500}})
        no1 = self.shipped_order([(a, 2, 5000)], wh)  # paid 10000
        no2 = self.shipped_order([(a, 1, 3000)], wh)  # paid 3000
        tid = self.open_ticket(no1, "refund_only", [{"sku": a, "qty": 1}])["id"]
        self.act(tid, "approve")
        self.refunded(tid, 5000)
        # The buyers confirm receipt: each completion writes the order's settlement line.
        for no in (no1, no2):
            self.assertEqual(self.srv.ok("POST", "/v1/orders/%s/confirm" % q(no))["status"],
                             "completed")
        rng = "from=2000-01-01&to=2099-12-31"
        report = self.conforms("/v1/settlement", "GET",
                               self.srv.request("GET", "/v1/settlement?%s&format=json" % rng))
        mine = [o for o in report["orders"] if o["order_no"] in (no1, no2)]
        self.assertEqual(sorted((o["paid"], o["commission"], o["refunds"], o["income"])
                                for o in mine),
                         [(3000, 150, 0, 2850), (10000, 500, 5000, 4500)])
        status, headers, text = self.srv.request("GET", "/v1/settlement?%s&format=csv" % rng)
        self.assertEqual(status, 200)
        self.assertIn("text/csv", headers["content-type"])
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(rows[0].keys()), ["day", "channel", "orders", "paid_fen",
                                                "commission_fen", "refunds_fen", "income_fen"])
        web = [r for r in rows if r["channel"] == "web"]
        self.assertEqual(sum(int(r["orders"]) for r in web), report["totals"]["orders"])
        self.assertEqual(sum(int(r["income_fen"]) for r in web), report["totals"]["income"])
        # The CLI gives the same CSV.
        cli = subprocess.run([self.srv.bin, "settlement", "--from", "2000-01-01", "--to",
                              "2099-12-31", "--db", self.srv.db], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertEqual(cli.stdout, text)
        self.assertValidation(self.srv.request("GET", "/v1/settlement?from=2026-02-30&to=x"),
                              ("from", "invalid_period"))
