"""Sourcing: the allocation decision stored on every order with its reasons, previews that
write nothing, the merchant's policy, re-allocation that moves reservations in one
transaction, the stock.low alert (once per crossing, to webhooks and live streams), and the
low-stock and slow-mover reports over the API and the CLI."""

import csv
import io
import json
import os
import sqlite3
import subprocess

from ordo_server import (ADDR_GUANGZHOU, ADDR_HANGZHOU, ServerTestCase, make_order, q,
                         unique_sku, wait_for)
from test_event_stream import SseStream
from test_webhooks import SECRET, Receiver

BIN = os.environ.get("ORDO_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "ordo")
FAST = {"ORDO_WEBHOOK_BACKOFF_MS": "40", "ORDO_DISPATCH_INTERVAL_MS": "20",
        "ORDO_STREAM_KEEPALIVE_MS": "200"}


def held(order):
    return sorted((r["sku"], r["warehouse"], r["qty"]) for r in order["reservations"])


class SourcingTest(ServerTestCase):
    ENV = FAST

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("S-BJ", "北京市", "北京市", "朝阳区", priority=1)
        s.put_warehouse("S-SH", "上海市", "上海市", "浦东新区", priority=30)
        s.put_warehouse("S-GZ", "广东省", "广州市", "天河区", priority=50)

    def sku_with(self, **per_wh):
        sku = unique_sku("SRC")
        self.srv.put_sku(sku)
        for wh, n in per_wh.items():
            self.srv.put_stock("S-" + wh, sku, n)
        return sku

    def allocation(self, order_no):
        return self.srv.ok("GET", "/v1/orders/%s/allocation" % q(order_no), expect=(200,))

    def put_policy(self, body, expect=(200,)):
        return self.srv.ok("PUT", "/v1/allocation/policy", body, expect=expect)

    def ledger_consistent(self):
        return self.srv.ok("GET", "/v1/ledger/verify", expect=(200,))["consistent"]

    # ---- the decision ----

    def test_decision_is_stored_with_its_reasons(self):
        sku = self.sku_with(BJ=10, SH=10, GZ=1)
        o = self.srv.post_order(make_order([(sku, 2)], address=ADDR_HANGZHOU))
        a = self.allocation(o["order_no"])
        self.assertEqual(a["order_no"], o["order_no"])
        self.assertEqual((a["policy"], a["outcome"], a["cause"]), ("nearest", "whole", "intake"))
        self.assertEqual(a["warehouses"], ["S-SH"])
        self.assertIn("S-SH fills the whole order and is the nearest of the 2 that could",
                      a["reason"])
        by_wh = {c["warehouse"]: c for c in a["candidates"]}
        self.assertEqual([c["rank"] for c in a["candidates"]], [1, 2, 3])
        self.assertTrue(by_wh["S-SH"]["chosen"])
        self.assertLess(by_wh["S-SH"]["km"], by_wh["S-BJ"]["km"])
        self.assertFalse(by_wh["S-GZ"]["fills"])
        self.assertEqual(by_wh["S-GZ"]["missing"], 1)
        self.assertIn("lacks 1 unit", by_wh["S-GZ"]["note"])
        self.assertIn("km (zone", by_wh["S-BJ"]["note"])
        self.assertEqual(a["reservations"], [{"line": 1, "sku": sku, "warehouse": "S-SH",
                                              "qty": 2}])

    def test_unknown_order_is_404(self):
        resp = self.srv.request("GET", "/v1/orders/NOPE/allocation")
        self.assertProblem(resp, 404, "not_found")

    def test_safety_stock_steers_the_choice(self):
        sku = unique_sku("SRC")
        self.srv.put_sku(sku)
        self.srv.put_stock("S-SH", sku, 5, safety_stock=4)
        self.srv.put_stock("S-GZ", sku, 10)
        o = self.srv.post_order(make_order([(sku, 2)], address=ADDR_HANGZHOU))
        self.assertEqual(held(o), [(sku, "S-GZ", 2)], "Shanghai would dip into safety stock")
        sh = [c for c in self.allocation(o["order_no"])["candidates"]
              if c["warehouse"] == "S-SH"][0]
        self.assertEqual(sh["below_safety"], 1)
        self.assertIn("safety stock", sh["note"])

    # ---- preview ----

    def test_preview_writes_nothing(self):
        sku = self.sku_with(BJ=10, GZ=10)
        before_stock = self.srv.stock(sku)
        before_orders = self.srv.order_count()
        p = self.srv.ok("POST", "/v1/allocation/preview",
                        make_order([(sku, 3)], address=ADDR_GUANGZHOU), expect=(200,))
        self.assertEqual(p["warehouses"], ["S-GZ"])
        self.assertEqual(p["allocations"], [{"line": 1, "sku": sku, "warehouse": "S-GZ",
                                             "qty": 3}])
        self.assertEqual(p["short"], [])
        self.assertEqual(self.srv.stock(sku), before_stock)
        self.assertEqual(self.srv.order_count(), before_orders)

    def test_preview_reports_what_would_be_short(self):
        sku = self.sku_with(BJ=2, GZ=3)
        p = self.srv.ok("POST", "/v1/allocation/preview",
                        make_order([(sku, 9)], address=ADDR_HANGZHOU, splittable=True),
                        expect=(200,))
        self.assertEqual(p["outcome"], "split")
        self.assertEqual(sum(a["qty"] for a in p["allocations"]), 5)
        self.assertEqual(p["short"], [{"line": 1, "sku": sku, "qty": 4}])

    def test_preview_of_an_invalid_order_is_422(self):
        order = make_order([("X", 1)])
        del order["buyer"]
        resp = self.srv.request("POST", "/v1/allocation/preview", order)
        self.assertValidation(resp, "buyer.name", "buyer.phone")

    # ---- policy ----

    def test_policy_validation_changes_nothing(self):
        before = self.srv.ok("GET", "/v1/allocation/policy", expect=(200,))
        for body, field in (({"policy": "closest"}, "policy"),
                            ({}, "policy"),
                            ({"policy": "weighted", "weights": {"distance": -1}},
                             "weights.distance"),
                            ({"policy": "weighted", "weights": {"colour": 1}}, "weights.colour"),
                            ({"policy": "weighted", "weights": {"distance": 0, "cost": 0,
                                                                "speed": 0, "safety": 0,
                                                                "priority": 0}}, "weights"),
                            ({"policy": "weighted", "weights": [1, 2]}, "weights")):
            self.assertValidation(self.srv.request("PUT", "/v1/allocation/policy", body), field)
        self.assertValidation(self.srv.request("PUT", "/v1/allocation/policy", raw=b"[1]"), "")
        self.assertEqual(self.srv.ok("GET", "/v1/allocation/policy", expect=(200,)), before)

    def test_policy_takes_effect_on_the_next_order(self):
        sku = self.sku_with(BJ=10, SH=10, GZ=10)
        try:
            got = self.put_policy({"policy": "weighted", "weights": {"priority": 1}})
            self.assertEqual(got["policy"], "weighted")
            self.assertEqual(got["weights"]["priority"], 1)
            self.assertEqual(got["weights"]["distance"], 0.4, "absent weights keep defaults")
            self.assertEqual(self.srv.ok("GET", "/v1/allocation/policy"), got)
            got = self.put_policy({"policy": "weighted", "weights": {
                "distance": 0, "cost": 0, "speed": 0, "safety": 0, "priority": 1}})
            o = self.srv.post_order(make_order([(sku, 1)], address=ADDR_HANGZHOU))
            self.assertEqual(held(o), [(sku, "S-BJ", 1)], "priority alone: Beijing")
            a = self.allocation(o["order_no"])
            self.assertEqual(a["policy"], "weighted")
            self.assertEqual(a["candidates"][0]["score"], 0)
        finally:
            self.put_policy({"policy": "nearest"})
        o = self.srv.post_order(make_order([(sku, 1)], address=ADDR_HANGZHOU))
        self.assertEqual(held(o), [(sku, "S-SH", 1)])

    # ---- re-allocation ----

    def test_reallocation_moves_reservations(self):
        sku = self.sku_with(BJ=10, SH=10)
        o = self.srv.post_order(make_order([(sku, 4)], address=ADDR_HANGZHOU))
        self.assertEqual(held(o), [(sku, "S-SH", 4)])
        a = self.srv.ok("POST", "/v1/orders/%s/reallocate" % o["order_no"],
                        {"warehouse": "S-BJ", "reason": "Shanghai closed for typhoon"},
                        expect=(200,))
        self.assertEqual(a["cause"], "reallocate")
        self.assertEqual(a["warehouses"], ["S-BJ"])
        self.assertEqual(a["reservations"], [{"line": 1, "sku": sku, "warehouse": "S-BJ",
                                              "qty": 4}])
        st = {w["warehouse"]: w for w in self.srv.stock(sku)["warehouses"]}
        self.assertEqual((st["S-SH"]["reserved"], st["S-BJ"]["reserved"]), (0, 4))
        self.assertTrue(self.ledger_consistent())
        notes = [e for e in self.srv.events(o["order_no"]) if e["type"] == "allocation"]
        self.assertEqual(len(notes), 1)
        self.assertIn("typhoon", notes[0]["reason"])
        # Back by policy.
        a = self.srv.ok("POST", "/v1/orders/%s/reallocate" % o["order_no"],
                        {"policy": "nearest", "reason": "reopened"}, expect=(200,))
        self.assertEqual(a["warehouses"], ["S-SH"])
        self.assertEqual(held(self.srv.get_order(o["order_no"])), [(sku, "S-SH", 4)])
        self.assertTrue(self.ledger_consistent())

    def test_reallocation_that_would_leave_units_short_changes_nothing(self):
        sku = self.sku_with(SH=10, GZ=1)
        o = self.srv.post_order(make_order([(sku, 4)], address=ADDR_HANGZHOU, splittable=False))
        resp = self.srv.request("POST", "/v1/orders/%s/reallocate" % o["order_no"],
                                {"warehouse": "S-GZ", "reason": "try"})
        self.assertProblem(resp, 409, "conflict")
        self.assertEqual(held(self.srv.get_order(o["order_no"])), [(sku, "S-SH", 4)])
        self.assertEqual(self.allocation(o["order_no"])["cause"], "intake")
        self.assertTrue(self.ledger_consistent())

    def test_reallocation_validation(self):
        sku = self.sku_with(SH=10)
        o = self.srv.post_order(make_order([(sku, 1)], address=ADDR_HANGZHOU))
        path = "/v1/orders/%s/reallocate" % o["order_no"]
        self.assertValidation(self.srv.request("POST", path, {"warehouse": "S-SH"}), "reason")
        self.assertValidation(self.srv.request("POST", path, {"warehouse": "NOWHERE",
                                                              "reason": "x"}), "warehouse")
        self.assertValidation(self.srv.request("POST", path, {"policy": "nearest",
                                                              "warehouse": "S-SH",
                                                              "reason": "x"}), "warehouse")
        self.assertValidation(self.srv.request("POST", path, {"policy": "slowest",
                                                              "reason": "x"}), "policy")
        self.assertProblem(self.srv.request("POST", "/v1/orders/NOPE/reallocate",
                                            {"reason": "x"}), 404)

    def test_reallocation_after_picking_started_is_409(self):
        sku = self.sku_with(SH=10, BJ=10)
        o = self.srv.post_order(make_order([(sku, 1)], address=ADDR_HANGZHOU))
        self.srv.to_picking(o["order_no"], "S-SH")
        resp = self.srv.request("POST", "/v1/orders/%s/reallocate" % o["order_no"],
                                {"warehouse": "S-BJ", "reason": "too late"})
        body = self.assertProblem(resp, 409, "illegal_transition")
        self.assertIn("picking", body["detail"])
        self.assertEqual(held(self.srv.get_order(o["order_no"])), [(sku, "S-SH", 1)])

    # ---- reports ----

    def test_reports(self):
        low = unique_sku("SRC")
        slow = unique_sku("SRC")
        sold = unique_sku("SRC")
        for sku in (low, slow, sold):
            self.srv.put_sku(sku)
        self.srv.put_stock("S-SH", low, 3, safety_stock=5)
        self.srv.put_stock("S-SH", slow, 7)
        self.srv.put_stock("S-SH", sold, 7)
        self.srv.post_order(make_order([(sold, 1)], address=ADDR_HANGZHOU))
        items = self.srv.ok("GET", "/v1/reports/low-stock", expect=(200,))["items"]
        mine = [i for i in items if i["sku"] == low]
        self.assertEqual(mine, [{"warehouse": "S-SH", "sku": low, "name": "Item " + low,
                                 "on_hand": 3, "reserved": 0, "available": 3,
                                 "safety_stock": 5}])
        self.assertFalse([i for i in items if i["sku"] in (slow, sold)])
        report = self.srv.ok("GET", "/v1/reports/slow-movers?days=7", expect=(200,))
        self.assertEqual(report["days"], 7)
        skus = {i["sku"]: i for i in report["items"]}
        self.assertIn(slow, skus)
        self.assertIsNone(skus[slow]["last_sold_at"])
        self.assertEqual(skus[slow]["on_hand"], 7)
        self.assertNotIn(sold, skus, "sold today")
        for bad in ("0", "abc", "-3", "99999"):
            self.assertValidation(
                self.srv.request("GET", "/v1/reports/slow-movers?days=" + bad), "days")


ADDR_NANNING = {"province": "广西壮族自治区", "city": "南宁市", "district": "青秀区",
                "detail": "民族大道100号"}


def rate(first_fen, step_fen, days):
    return {"first_weight_g": 1000, "first_fen": first_fen, "step_g": 1000,
            "step_fen": step_fen, "promised_days": days}


class RateCardSourcingTest(ServerTestCase):
    """Sourcing priced by the carriers' rate cards: a change to a card moves the next
    allocation, the decision names the carrier whose quote it used, and previews (planned on
    an HTTP thread) see the same cards."""

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("R-GZ", "广东省", "广州市", "天河区", priority=50)
        s.put_warehouse("R-SH", "上海市", "上海市", "浦东新区", priority=1)
        s.ok("PUT", "/v1/allocation/policy", {"policy": "cheapest"})
        # 1.5 kg in a poly mailer (350×250×60 mm: 875 g volumetric): the first kilogram and
        # one step.
        cls.sku = unique_sku("RC")
        s.put_sku(cls.sku, weight_g=1500)
        for wh in ("R-GZ", "R-SH"):
            s.put_stock(wh, cls.sku, 100)

    def put_card(self, regional_first_fen, expect=(200,)):
        # One carrier: 广州 → 南宁 (503 km) is regional, 上海 → 南宁 (1598 km) national.
        return self.srv.ok("PUT", "/v1/carriers/YD", {
            "name": "韵达速递", "rate_card": {"local": rate(500, 100, 1),
                                          "regional": rate(regional_first_fen, 200, 2),
                                          "national": rate(900, 400, 3)}}, expect=expect)

    def order_to_nanning(self):
        o = self.srv.post_order(make_order([(self.sku, 1)], address=ADDR_NANNING))
        return o, self.srv.ok("GET", "/v1/orders/%s/allocation" % q(o["order_no"]))

    def preview(self):
        return self.srv.ok("POST", "/v1/allocation/preview",
                           make_order([(self.sku, 1)], address=ADDR_NANNING), expect=(200,))

    def test_a_rate_card_change_flips_the_cheapest_warehouse(self):
        # No active carrier yet: the zone defaults price the plan and name no carrier.
        p = self.preview()
        self.assertEqual(p["warehouses"], ["R-GZ"])
        self.assertEqual([c["carrier"] for c in p["candidates"]], [None, None])

        self.put_card(700, expect=(200, 201))
        first, a = self.order_to_nanning()
        self.assertEqual(held(first), [(self.sku, "R-GZ", 1)])
        by_wh = {c["warehouse"]: c for c in a["candidates"]}
        self.assertEqual((by_wh["R-GZ"]["carrier"], by_wh["R-GZ"]["carrier_zone"],
                          by_wh["R-GZ"]["cost_fen"], by_wh["R-GZ"]["days"]),
                         ("YD", "regional", 700 + 200, 2))
        self.assertEqual((by_wh["R-SH"]["carrier"], by_wh["R-SH"]["carrier_zone"],
                          by_wh["R-SH"]["cost_fen"]), ("YD", "national", 900 + 400))
        self.assertIn("R-GZ fills the whole order and is the cheapest to ship from", a["reason"])
        self.assertIn("YD quotes ¥9.00, 2 days (regional)", a["reason"])
        self.assertIn("¥13.00 by YD (national), 3 days", by_wh["R-SH"]["note"])

        # The regional rate goes up: Shanghai is cheaper now, for the next order and for a
        # preview alike.
        self.put_card(1500)
        second, a = self.order_to_nanning()
        self.assertEqual(held(second), [(self.sku, "R-SH", 1)])
        self.assertEqual(a["warehouses"], ["R-SH"])
        self.assertIn("YD quotes ¥13.00, 3 days (national)", a["reason"])
        self.assertEqual(self.preview()["warehouses"], ["R-SH"])
        # The first order keeps its warehouse and its decision.
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/allocation"
                                     % q(first["order_no"]))["warehouses"], ["R-GZ"])

        # The weighted policy compares the same prices.
        self.srv.ok("PUT", "/v1/allocation/policy", {"policy": "weighted", "weights": {
            "distance": 0, "cost": 1, "speed": 0, "safety": 0, "priority": 0}})
        try:
            self.assertEqual(self.preview()["warehouses"], ["R-SH"])
            self.put_card(700)
            self.assertEqual(self.preview()["warehouses"], ["R-GZ"])
        finally:
            self.srv.ok("PUT", "/v1/allocation/policy", {"policy": "cheapest"})

    def test_previews_while_the_rate_card_changes_use_one_card_each(self):
        # Previews plan on HTTP threads while PUTs replace the cards: each plan prices both
        # warehouses by one card (GZ ¥9 and SH ¥13, or GZ ¥17 and SH ¥13), never a mix.
        import concurrent.futures
        self.put_card(700, expect=(200, 201))
        order = make_order([(self.sku, 1)], address=ADDR_NANNING)

        def previews():
            seen = []
            for _ in range(25):
                p = self.srv.ok("POST", "/v1/allocation/preview", order, expect=(200,))
                costs = {c["warehouse"]: c["cost_fen"] for c in p["candidates"]}
                seen.append((costs["R-GZ"], costs["R-SH"], p["warehouses"][0]))
            return seen

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(previews) for _ in range(4)]
            for i in range(20):
                self.put_card(1500 if i % 2 == 0 else 700)
            seen = [x for f in futures for x in f.result()]
        self.assertTrue(set(seen) <= {(900, 1300, "R-GZ"), (1700, 1300, "R-SH")}, set(seen))
        self.assertEqual(self.preview()["warehouses"], ["R-GZ"])  # the last card: 700

    def test_with_no_carrier_to_the_buyer_the_stock_is_still_held(self):
        sku = unique_sku("RC")
        self.srv.put_sku(sku, weight_g=500)
        self.srv.put_stock("R-GZ", sku, 5)
        # The only active carrier delivers within 广东 alone.
        self.srv.ok("PUT", "/v1/carriers/YD", {
            "name": "韵达速递", "active": False, "rate_card": {"regional": rate(700, 200, 2)}},
            expect=(200, 201))
        self.srv.ok("PUT", "/v1/carriers/ZJS", {
            "name": "宅急送", "provinces": [44], "rate_card": {"local": rate(500, 100, 1)}},
            expect=(200, 201))
        p = self.srv.ok("POST", "/v1/allocation/preview",
                        make_order([(sku, 1)], address=ADDR_NANNING), expect=(200,))
        # No carrier quotes the trip, but the units are held for the order all the same
        # (never sold twice); the decision says no carrier ships from there.
        self.assertEqual(p["outcome"], "whole")
        self.assertEqual([(a["warehouse"], a["qty"]) for a in p["allocations"]], [("R-GZ", 1)])
        self.assertIn("no carrier ships from there", p["candidates"][0]["note"])
        self.assertIsNone(p["candidates"][0]["carrier"])
        p = self.srv.ok("POST", "/v1/allocation/preview",
                        make_order([(sku, 1)], address=ADDR_GUANGZHOU), expect=(200,))
        self.assertEqual(p["warehouses"], ["R-GZ"])
        self.assertEqual((p["candidates"][0]["carrier"], p["candidates"][0]["carrier_zone"]),
                         ("ZJS", "local"))
        # With no active carrier at all, the zone defaults price the plan again.
        self.srv.ok("PUT", "/v1/carriers/ZJS", {
            "name": "宅急送", "active": False, "rate_card": {"local": rate(500, 100, 1)}})
        p = self.srv.ok("POST", "/v1/allocation/preview",
                        make_order([(sku, 1)], address=ADDR_NANNING), expect=(200,))
        self.assertEqual(p["warehouses"], ["R-GZ"])
        self.assertIsNone(p["candidates"][0]["carrier"])


class LowStockAlertTest(ServerTestCase):
    ENV = FAST

    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.receiver.close()

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("L-SH", "上海市", "上海市", "浦东新区")
        s.put_warehouse("L-GZ", "广东省", "广州市", "天河区")
        s.ok("PUT", "/v1/webhooks/low", {"url": cls.receiver.url, "events": ["stock.low"],
                                         "secret": SECRET}, expect=(200, 201))

    def low_events(self, sku):
        return [d for d in self.receiver.events() if d["type"] == "stock.low"
                and d["data"]["sku"] == sku]

    def test_one_alert_per_crossing_to_webhooks_and_streams(self):
        sku = unique_sku("LOW")
        marker = unique_sku("LOW")
        self.srv.put_sku(sku)
        self.srv.put_sku(marker)
        mine = SseStream(self.srv, params={"types": "stock.low", "warehouse": "L-SH"})
        other = SseStream(self.srv, params={"types": "stock.low", "warehouse": "L-GZ"})
        mine.opened()
        other.opened()
        self.srv.put_stock("L-SH", sku, 10, safety_stock=5)
        place = lambda n: self.srv.post_order(make_order([(sku, n)], address=ADDR_HANGZHOU))
        place(3)                      # 7 available: above
        second = place(3)             # 4: crosses below -> one alert
        place(1)                      # 3: still below, no alert
        self.srv.ok("POST", "/v1/orders/%s/cancel" % second["order_no"], {"reason": "test"})
        place(1)                      # back to 6 then 5: recovered, not below
        place(2)                      # 3: crosses again -> second alert
        # A crossing at the other warehouse closes the sequence for both streams.
        self.srv.put_stock("L-GZ", marker, 1, safety_stock=2)
        self.srv.put_stock("L-SH", marker, 1, safety_stock=2)

        def until_marker(events):
            return any(e["data"]["data"]["sku"] == marker for e in events)
        got = [e["data"]["data"] for e in mine.events_until(until_marker)]
        self.assertEqual([(e["sku"], e["available"]) for e in got if e["sku"] == sku],
                         [(sku, 4), (sku, 3)])
        self.assertTrue(all(e["warehouse"] == "L-SH" for e in got))
        got_other = [e["data"]["data"] for e in other.events_until(until_marker)]
        self.assertEqual([(e["warehouse"], e["sku"]) for e in got_other], [("L-GZ", marker)])
        mine.close()
        other.close()
        wait_for(lambda: len(self.low_events(marker)) == 2, what="the marker's webhooks")
        hooks = self.low_events(sku)
        self.assertEqual([(d["data"]["warehouse"], d["data"]["available"],
                           d["data"]["safety_stock"]) for d in hooks],
                         [("L-SH", 4, 5), ("L-SH", 3, 5)])
        con = sqlite3.connect(self.srv.db)
        try:
            rows = con.execute("SELECT order_id FROM outbox WHERE topic = 'stock.low'").fetchall()
        finally:
            con.close()
        self.assertEqual({r[0] for r in rows}, {None}, "about no order: order_id is NULL")


class ReportCliTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("C-SH", "上海市", "上海市", "浦东新区")
        cls.low = unique_sku("CLI")
        s.put_sku(cls.low, name="月饼, 六只装")  # a comma: quoted in CSV
        s.put_stock("C-SH", cls.low, 1, safety_stock=4)

    def run_cli(self, *args):
        return subprocess.run([BIN, "report"] + list(args) + ["--db", self.srv.db],
                              capture_output=True, text=True, timeout=60)

    def test_cli_matches_the_api(self):
        api_low = self.srv.ok("GET", "/v1/reports/low-stock")["items"]
        api_slow = self.srv.ok("GET", "/v1/reports/slow-movers?days=3")["items"]
        self.assertEqual(self.srv.stop(), 0)
        try:
            r = self.run_cli("low-stock", "--csv")
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = list(csv.DictReader(io.StringIO(r.stdout)))
            self.assertEqual(rows, [{k: str(v) for k, v in i.items()} for i in api_low])
            self.assertEqual(rows[0]["name"], "月饼, 六只装")
            r = self.run_cli("slow-movers", "--days", "3", "--csv")
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = list(csv.DictReader(io.StringIO(r.stdout)))
            self.assertEqual([x["sku"] for x in rows], [i["sku"] for i in api_slow])
            self.assertEqual(rows[0]["last_sold_at"], "never")
            r = self.run_cli("low-stock")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout.splitlines()[0], r"^warehouse\s+sku\s+name\s+on_hand")
            self.assertIn(self.low, r.stdout)
            r = self.run_cli("slow-movers", "--days", "0")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--days", r.stderr)
            r = self.run_cli("fast-movers")
            self.assertEqual(r.returncode, 2)
        finally:
            self.srv.start()


if __name__ == "__main__":
    import unittest
    unittest.main()
