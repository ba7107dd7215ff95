"""Completion: the buyer confirms receipt from shipped, out_for_delivery or delivered (409
from anything else), and the auto-confirm sweep completes orders some days after delivery or,
with no delivery event, after shipment, driven by POST /v1/completion/run {as_of} at chosen
times just before and after each threshold. Against a real server, from shipped orders;
delivery and out-for-delivery come from signed Kuaidi100 tracking pushes."""

import datetime
import hashlib
import itertools
import sqlite3
import json
import urllib.parse

from ordo_server import ServerTestCase, make_order, parse_rfc3339, q, unique_sku
from test_shipping import CHEAP, FAST, ShippingSteps

_numbers = itertools.count(1)


def ms_of(text):
    return int(parse_rfc3339(text).timestamp() * 1000)


def at_ms(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat(
        timespec="milliseconds")


DAY_MS = 86400 * 1000
K100_SALT = "completion-salt"
CST = datetime.timezone(datetime.timedelta(hours=8))


class CompletionSteps(ShippingSteps):
    """Orders placed, picked, packed and shipped; their milestones pushed as Kuaidi100 would."""

    @classmethod
    def setUpShipping(cls, warehouse="SH", carriers=(("ZTO", CHEAP, "7"), ("SF", FAST, "SF"))):
        srv = cls.srv
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.put_warehouse(warehouse, "上海市", "上海市", "浦东新区")
        srv.ok("PUT", "/v1/tracking/providers/kuaidi100", {"key": "k", "salt": K100_SALT})
        for code, config, prefix in carriers:
            srv.ok("PUT", "/v1/carriers/%s" % code, config, expect=(200, 201))
            digits = 13 if prefix == "7" else 12
            cls.add_numbers(code, [prefix + str(next(_numbers) + 10 ** 9).zfill(digits)
                                   for _ in range(60)])

    def shipped_order(self, lines, warehouse="SH", carrier=None, **kw):
        """lines: [(sku, qty)]; the order shipped whole by carrier (the cheapest if None)."""
        no = self.picking_order(lines, warehouse=warehouse, **kw)
        status, _, body = self.pack(no, self.scan(*lines))
        self.assertEqual(status, 200, body)
        status, _, body = self.ship(no, {"carrier": carrier} if carrier else None)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "shipped", body)
        return no

    def mark(self, order_no, status):
        """A signed Kuaidi100 push saying every parcel of the order is out for delivery
        (派件) or delivered (签收); returns the order's delivered_at in ms (None before)."""
        state, text = {"out_for_delivery": ("5", "快件正在派件"),
                       "delivered": ("3", "已签收，签收人：本人")}[status]
        now = datetime.datetime.now(CST).strftime("%Y-%m-%d %H:%M:%S")
        parcels = self.srv.ok("GET", "/v1/orders/%s/parcels" % q(order_no))["items"]
        for p in parcels:
            param = json.dumps({"status": "polling", "lastResult": {
                "state": state, "nu": p["tracking_no"], "com": p["carrier"].lower(),
                "data": [{"time": now, "ftime": now, "context": text}]}}, ensure_ascii=False)
            sign = hashlib.md5((param + K100_SALT).encode()).hexdigest().upper()
            raw = urllib.parse.urlencode({"param": param, "sign": sign}).encode()
            code, _, body = self.srv.request(
                "POST", "/v1/tracking/kuaidi100", raw=raw, token=None,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual((code, body.get("result")), (200, True), body)
        self.assertEqual(self.status_of(order_no), status)
        delivered = self.completion(order_no).get("delivered_at")
        return ms_of(delivered) if delivered else None

    def completion(self, order_no):
        return self.srv.ok("GET", "/v1/orders/%s/completion" % q(order_no), expect=(200,))

    def confirm(self, order_no):
        return self.srv.request("POST", "/v1/orders/%s/confirm" % q(order_no))

    def run_sweep(self, as_of_ms):
        return self.srv.ok("POST", "/v1/completion/run", {"as_of": at_ms(as_of_ms)},
                           expect=(200,))

    def status_of(self, order_no):
        return self.srv.get_order(order_no)["status"]

    def outbox(self, order_no, topic):
        con = sqlite3.connect(self.srv.db, timeout=10)
        try:
            rows = con.execute(
                "SELECT payload FROM outbox o JOIN orders r ON r.id = o.order_id "
                "WHERE r.order_no = ? AND o.topic = ? ORDER BY o.id", (order_no, topic)).fetchall()
        finally:
            con.close()
        return [json.loads(r[0]) for r in rows]


class ConfirmTest(CompletionSteps, ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.setUpShipping()
        cls.sku = unique_sku("CMP")
        cls.srv.put_sku(cls.sku, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        cls.srv.put_stock("SH", cls.sku, 1000)

    def test_confirm_from_shipped_records_completion(self):
        no = self.shipped_order([(self.sku, 1)])
        status, _, body = self.confirm(no)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["status"], body["from"], body["completed_by"]),
                         ("completed", "shipped", "buyer"))
        self.assertEqual(self.status_of(no), "completed")
        events = self.srv.events(no)
        moves = [(e["from"], e["to"]) for e in events if e["type"] == "status"]
        self.assertEqual(moves[-1], ("shipped", "completed"))
        notes = [e for e in events if e["type"] == "completed"]
        self.assertEqual(len(notes), 1, events)
        self.assertIn("buyer", notes[0]["reason"])
        [done] = self.outbox(no, "order.completed")
        self.assertEqual(done["order_no"], no)
        [change] = [p for p in self.outbox(no, "order.status_changed") if p["to"] == "completed"]
        self.assertEqual(change["completed_by"], "buyer")
        view = self.completion(no)
        self.assertEqual(view["status"], "completed")
        self.assertEqual(view["completed_at"], body["completed_at"])
        self.assertIsNone(view["auto_confirm_at"])
        self.assertFalse(view["buyer_may_confirm"])
        # Once is enough: a second confirmation is refused and changes nothing.
        self.assertProblem(self.confirm(no), 409, "illegal_transition")
        self.assertEqual(len([e for e in self.srv.events(no) if e["type"] == "completed"]), 1)

    def test_confirm_from_out_for_delivery_and_delivered(self):
        for milestone in ("out_for_delivery", "delivered"):
            no = self.shipped_order([(self.sku, 1)])
            self.mark(no, milestone)
            self.assertTrue(self.completion(no)["buyer_may_confirm"])
            status, _, body = self.confirm(no)
            self.assertEqual(status, 200, body)
            self.assertEqual((body["status"], body["from"]), ("completed", milestone))
            self.assertEqual(self.status_of(no), "completed")

    def test_confirm_refused_before_shipment_and_after_cancellation(self):
        approved = self.srv.post_order(make_order([(self.sku, 1)]))["order_no"]
        picking = self.picking_order([(self.sku, 1)])
        packed = self.picking_order([(self.sku, 1)])
        self.assertEqual(self.pack(packed, self.scan((self.sku, 1)))[0], 200)
        cancelled = self.srv.post_order(make_order([(self.sku, 1)]))["order_no"]
        self.srv.ok("POST", "/v1/orders/%s/cancel" % q(cancelled), {"reason": "buyer asked"},
                    expect=(200,))
        for no, state in ((picking, "picking"), (packed, "packed"), (cancelled, "cancelled")):
            body = self.assertProblem(self.confirm(no), 409, "illegal_transition", msg=state)
            self.assertIn(state, body["detail"])
            self.assertEqual(self.status_of(no), state)
            self.assertFalse([e for e in self.srv.events(no) if e["type"] == "completed"])
        self.assertEqual(self.status_of(approved), "picking")  # taken by the wave above
        self.assertProblem(self.confirm("NO-SUCH-ORDER"), 404)

    def test_partially_shipped_cannot_be_confirmed(self):
        other = unique_sku("CMQ")
        self.srv.put_sku(other, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        self.srv.put_stock("SH", other, 10)
        no = self.picking_order([(self.sku, 1), (other, 1)])
        status, _, body = self.pack(no, self.scan((self.sku, 1)), partial=True)
        self.assertEqual(status, 200, body)
        status, _, body = self.ship(no)
        self.assertEqual((status, body.get("status")), (200, "partially_shipped"), body)
        self.assertProblem(self.confirm(no), 409, "illegal_transition")
        self.assertIsNone(self.completion(no)["auto_confirm_at"])


class AutoConfirmTest(CompletionSteps, ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.setUpShipping()
        cls.sku = unique_sku("AUT")
        cls.srv.put_sku(cls.sku, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        cls.srv.put_stock("SH", cls.sku, 1000)

    def setUp(self):
        super().setUp()
        self.addCleanup(self.srv.ok, "PUT", "/v1/completion/settings",
                        {"after_delivery_days": 10, "after_shipment_days": 15,
                         "low_rating_max": 2}, expect=(200,))

    def test_ten_days_after_delivery(self):
        no = self.shipped_order([(self.sku, 1)])
        delivered = self.mark(no, "delivered")
        view = self.completion(no)
        self.assertEqual((view["auto_confirm_rule"], ms_of(view["auto_confirm_at"])),
                         ("after_delivery", delivered + 10 * DAY_MS))
        # Just before ten days after delivery (and well past 15 days after shipment, which
        # does not apply once delivered): not yet.
        self.run_sweep(delivered + 10 * DAY_MS - 1000)
        self.assertEqual(self.status_of(no), "delivered")
        body = self.run_sweep(delivered + 10 * DAY_MS)
        self.assertGreaterEqual(body["after_delivery"], 1)
        self.assertEqual(self.status_of(no), "completed")
        view = self.completion(no)
        self.assertEqual(ms_of(view["completed_at"]), delivered + 10 * DAY_MS)
        [note] = [e for e in self.srv.events(no) if e["type"] == "completed"]
        self.assertIn("10 days after delivery", note["reason"])
        self.assertEqual(note["actor"], "system")
        [change] = [p for p in self.outbox(no, "order.status_changed") if p["to"] == "completed"]
        self.assertEqual((change["from"], change["completed_by"]), ("delivered", "auto"))
        # Already completed: a later sweep leaves it alone.
        self.run_sweep(delivered + 40 * DAY_MS)
        self.assertEqual(len([e for e in self.srv.events(no) if e["type"] == "completed"]), 1)

    def test_fifteen_days_after_shipment_without_delivery(self):
        shipped_only = self.shipped_order([(self.sku, 1)])
        on_the_road = self.shipped_order([(self.sku, 1)])
        self.mark(on_the_road, "out_for_delivery")
        latest = max(ms_of(self.completion(n)["shipped_at"]) for n in (shipped_only, on_the_road))
        earliest = min(ms_of(self.completion(n)["shipped_at"]) for n in (shipped_only, on_the_road))
        self.assertEqual(self.completion(shipped_only)["auto_confirm_rule"], "after_shipment")
        self.run_sweep(earliest + 15 * DAY_MS - 1000)
        self.assertEqual(self.status_of(shipped_only), "shipped")
        self.assertEqual(self.status_of(on_the_road), "out_for_delivery")
        body = self.run_sweep(latest + 15 * DAY_MS)
        self.assertGreaterEqual(body["after_shipment"], 2)
        for no in (shipped_only, on_the_road):
            self.assertEqual(self.status_of(no), "completed")
            [note] = [e for e in self.srv.events(no) if e["type"] == "completed"]
            self.assertIn("15 days after shipment", note["reason"])

    def test_settings_change_the_thresholds(self):
        self.assertEqual(self.srv.ok("GET", "/v1/completion/settings", expect=(200,)),
                         {"after_delivery_days": 10, "after_shipment_days": 15,
                          "low_rating_max": 2})
        changed = self.srv.ok("PUT", "/v1/completion/settings",
                              {"after_delivery_days": 3, "after_shipment_days": 7},
                              expect=(200,))
        self.assertEqual(changed, {"after_delivery_days": 3, "after_shipment_days": 7,
                                   "low_rating_max": 2})
        delivered_no = self.shipped_order([(self.sku, 1)])
        shipped_no = self.shipped_order([(self.sku, 1)])
        delivered = self.mark(delivered_no, "delivered")
        shipped = ms_of(self.completion(shipped_no)["shipped_at"])
        self.assertEqual(ms_of(self.completion(shipped_no)["auto_confirm_at"]),
                         shipped + 7 * DAY_MS)
        self.run_sweep(delivered + 3 * DAY_MS - 1000)
        self.assertEqual(self.status_of(delivered_no), "delivered")
        self.run_sweep(delivered + 3 * DAY_MS)
        self.assertEqual(self.status_of(delivered_no), "completed")
        self.run_sweep(shipped + 7 * DAY_MS - 1000)
        self.assertEqual(self.status_of(shipped_no), "shipped")
        self.run_sweep(shipped + 7 * DAY_MS)
        self.assertEqual(self.status_of(shipped_no), "completed")

    def test_settings_validation_changes_nothing(self):
        before = self.srv.ok("GET", "/v1/completion/settings", expect=(200,))
        resp = self.srv.request("PUT", "/v1/completion/settings",
                                {"after_delivery_days": 0, "after_shipment_days": "15",
                                 "low_rating_max": 5, "auto": True})
        self.assertValidation(resp, ("after_delivery_days", "out_of_range"),
                              ("after_shipment_days", "wrong_type"),
                              ("low_rating_max", "out_of_range"), ("auto", "unknown_field"))
        self.assertValidation(self.srv.request("PUT", "/v1/completion/settings",
                                               {"after_shipment_days": 366}),
                              ("after_shipment_days", "out_of_range"))
        self.assertValidation(self.srv.request("PUT", "/v1/completion/settings", [1]), "")
        self.assertEqual(self.srv.ok("GET", "/v1/completion/settings", expect=(200,)), before)

    def test_run_validation(self):
        self.assertValidation(self.srv.request("POST", "/v1/completion/run",
                                               {"as_of": "next tuesday"}),
                              ("as_of", "invalid_datetime"))
        # Without as_of: the clock, which completes nothing shipped just now.
        no = self.shipped_order([(self.sku, 1)])
        body = self.srv.ok("POST", "/v1/completion/run", {}, expect=(200,))
        self.assertIn("as_of", body)
        self.assertEqual(self.status_of(no), "shipped")


class AutoConfirmManyTest(CompletionSteps, ServerTestCase):
    """Many orders due at once: completed in batches, read through the status indexes."""

    N = 210  # two full batches of 100 and a last one of 10

    @classmethod
    def setUpCatalog(cls):
        cls.setUpShipping(carriers=(("ZTO", CHEAP, "7"),))
        cls.add_numbers("ZTO", ["7%013d" % (5 * 10 ** 12 + i) for i in range(cls.N)])
        cls.sku = unique_sku("MNY")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("SH", cls.sku, 10000)

    def test_sweep_works_in_batches_through_the_indexes(self):
        nos = [self.srv.post_order(make_order([(self.sku, 1)]))["order_no"]
               for _ in range(self.N)]
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": "SH", "strategy": "zone",
                                                 "max_orders": self.N}, expect=(201,))
        self.assertEqual(sorted(wave["orders"]), sorted(nos))
        for no in nos:
            self.assertEqual(self.pack(no, self.scan((self.sku, 1)))[0], 200)
            self.assertEqual(self.ship(no, {"carrier": "ZTO"})[0], 200)
        latest = max(ms_of(self.completion(n)["shipped_at"]) for n in (nos[0], nos[-1]))
        con = sqlite3.connect(self.srv.db, timeout=10)
        try:
            plans = {}
            for name, sql in (
                    ("delivered", "SELECT id FROM orders INDEXED BY orders_due_delivered WHERE "
                                  "status = 'delivered' AND "
                                  "delivered_at <= 1 ORDER BY delivered_at LIMIT 100"),
                    ("shipped", "SELECT id FROM orders INDEXED BY orders_due_shipped WHERE "
                                "status IN ('shipped', "
                                "'out_for_delivery') AND shipped_at <= 1 ORDER BY shipped_at "
                                "LIMIT 100")):
                plans[name] = " | ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
        finally:
            con.close()
        self.assertIn("orders_due_delivered", plans["delivered"])
        self.assertIn("orders_due_shipped", plans["shipped"])
        body = self.run_sweep(latest + 15 * DAY_MS)
        self.assertEqual((body["completed"], body["after_shipment"]), (self.N, self.N))
        self.assertEqual(body["batches"], 3)  # 100 + 100 + 10
        page = self.srv.ok("GET", "/v1/orders?status=shipped&limit=10", expect=(200,))
        self.assertEqual(page["items"], [])
        self.assertEqual(self.status_of(nos[0]), "completed")
        self.assertEqual(self.status_of(nos[-1]), "completed")
