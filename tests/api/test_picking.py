"""Lots and expiry, waves of pick tasks (single, batch, wave, zone), walking routes, scans
(wrong item, wrong lot, over-pick, count confirmation, retried scans), short picks, QC
swaps, the printable pick list and the near-expiry report, against a real server."""

import itertools
import json
import sqlite3
import subprocess

from ordo_server import (ADDR_BEIJING, ADDR_SHANGHAI, ServerTestCase, ean13, make_order,
                         open_exceptions, q, today_cst, unique_sku)

_wh_seq = itertools.count(1)


def day(offset):
    return today_cst(offset)


class PickingTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        # No review rules: paid orders are approved at once, as picking needs them.
        cls.srv.ok("PUT", "/v1/review/rules", {"rules": []})

    # ---- set-up helpers ----------------------------------------------------------------

    def warehouse(self, province="北京市", city="北京市", district="朝阳区", priority=100):
        code = "PK%d" % next(_wh_seq)
        self.srv.put_warehouse(code, province, city, district, priority=priority)
        return code

    def sku(self, bin_code, wh, on_hand=50, shelf_life_days=0, food=False):
        sku = unique_sku("PK")
        self.srv.put_sku(sku, shelf_life_days=shelf_life_days, food=food)
        if on_hand is not None:
            self.srv.put_stock(wh, sku, on_hand, bin=bin_code)
        return sku

    def order(self, items, address=ADDR_BEIJING, **kw):
        o = self.srv.post_order(make_order(items, address=address, **kw))
        self.assertEqual(o["status"], "approved", o)
        return o

    def wave(self, wh, strategy, expect=201, **kw):
        body = {"warehouse": wh, "strategy": strategy}
        body.update(kw)
        status, _, data = self.srv.request("POST", "/v1/waves", body)
        self.assertEqual(status, expect, data)
        return data

    def scan(self, task, expect=200, **body):
        status, _, data = self.srv.request("POST", "/v1/picks/%d/scan" % task, body)
        self.assertEqual(status, expect, data)
        return data

    def reason(self, data):
        return [(e["field"], e["code"]) for e in data.get("errors", [])]

    def put_lot(self, wh, sku, lot, expires_on, on_hand, expect=200):
        status, _, data = self.srv.request(
            "PUT", "/v1/stock/%s/%s/lots/%s" % (q(wh), q(sku), q(lot)),
            {"expires_on": expires_on, "on_hand": on_hand})
        self.assertEqual(status, expect, data)
        return data

    def ledger_consistent(self):
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)

    def status_of(self, order_no):
        return self.srv.get_order(order_no)["status"]

    # ---- waves ---------------------------------------------------------------------------

    def test_single_wave_takes_small_orders_once_and_moves_them_to_picking(self):
        wh = self.warehouse()
        a = self.sku("A-01-05-1", wh)
        small = self.order([(a, 2)])
        big = self.order([(a, 4)])
        w = self.wave(wh, "single")
        self.assertEqual(w["strategy"], "single")
        self.assertEqual(w["orders"], [small["order_no"]], "4 units is not a single-pick order")
        self.assertEqual(len(w["tasks"]), 1)
        line = w["tasks"][0]["lines"][0]
        self.assertEqual((line["sku"], line["barcode"], line["bin"], line["lot"], line["qty"],
                          line["order_no"]), (a, ean13(a), "A-01-05-1", None, 2, small["order_no"]))
        self.assertEqual(self.status_of(small["order_no"]), "picking")
        self.assertEqual(self.status_of(big["order_no"]), "approved")
        events = self.srv.events(small["order_no"])
        moves = [e for e in events if e.get("to") == "picking"]
        self.assertEqual(len(moves), 1, events)
        self.assertEqual(self.srv.ok("GET", "/v1/waves/%d" % w["id"])["tasks"], w["tasks"])
        # In one wave only: a second single wave finds nothing.
        again = self.wave(wh, "single", expect=409)
        self.assertIn("single", again["detail"])

    def test_scans_refuse_wrong_item_and_over_pick_then_finish_the_task(self):
        wh = self.warehouse()
        a = self.sku("A-01-05-1", wh)
        other = self.sku("A-01-06-1", wh)
        o = self.order([(a, 2)])
        w = self.wave(wh, "single")
        task = w["tasks"][0]["id"]
        bad = self.scan(task, 422, barcode=ean13(other), qty=1)
        self.assertEqual(self.reason(bad), [("barcode", "wrong_item")])
        self.assertIn("wrong item", bad["detail"])
        bad = self.scan(task, 422, barcode=ean13(a), qty=3)
        self.assertEqual(self.reason(bad), [("qty", "over_pick")])
        r = self.scan(task, barcode=ean13(a), qty=1)
        self.assertEqual((r["picked"], r["remaining"]), (1, 1))
        r = self.scan(task, barcode=ean13(a), qty=1)
        self.assertEqual((r["picked"], r["remaining"], r["status"]), (2, 0, "done"))
        bad = self.scan(task, 409, barcode=ean13(a), qty=1)
        picks = self.srv.ok("GET", "/v1/orders/%s/picks" % o["order_no"])
        self.assertTrue(picks["ready_to_pack"], picks)
        self.assertEqual([(i["sku"], i["picked"]) for i in picks["items"]], [(a, 2)])
        self.assertIn("picked", [e["type"] for e in self.srv.events(o["order_no"])])
        self.ledger_consistent()

    def test_route_is_serpentine_and_no_longer_than_order_number_order(self):
        wh = self.warehouse()
        bins = ["A-03-02-1", "A-01-09-1", "A-02-08-1", "A-01-02-1", "A-02-01-1", "A-03-07-1"]
        skus = [self.sku(b, wh) for b in bins]
        for s in skus:
            self.order([(s, 1)])
        w = self.wave(wh, "zone", max_orders=6)
        self.assertEqual(len(w["tasks"]), 1)
        route = [l["bin"] for l in w["tasks"][0]["lines"]]
        # aisle 1 up, aisle 2 down, aisle 3 up
        self.assertEqual(route, ["A-01-02-1", "A-01-09-1", "A-02-08-1", "A-02-01-1",
                                 "A-03-02-1", "A-03-07-1"])
        t = w["tasks"][0]
        self.assertLess(t["distance_m"], t["baseline_m"])
        self.assertAlmostEqual(w["distance_m"], t["distance_m"])
        text_status, headers, text = self.srv.request("GET", "/v1/picks/%d/list" % t["id"])
        self.assertEqual(text_status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        positions = [text.index(b) for b in route]
        self.assertEqual(positions, sorted(positions), text)

    def test_batch_groups_five_to_ten_orders_of_one_zone_with_put_wall_slots(self):
        wh = self.warehouse()
        a = self.sku("B-01-03-1", wh)
        b = self.sku("B-02-05-1", wh)
        c = self.sku("C-01-01-1", wh)
        zone_b = [self.order([(a, 1), (b, 1)]) for _ in range(6)]
        self.order([(c, 1)])   # zone C has one order: it waits for more
        w = self.wave(wh, "batch")
        self.assertEqual(sorted(w["orders"]), sorted(o["order_no"] for o in zone_b))
        self.assertEqual([t["zone"] for t in w["tasks"]], ["B"])
        lines = w["tasks"][0]["lines"]
        self.assertEqual(len(lines), 12)
        slots = {l["order_no"]: l["slot"] for l in lines}
        self.assertEqual(sorted(slots.values()), [1, 2, 3, 4, 5, 6])
        self.assertEqual([l["bin"] for l in lines], ["B-01-03-1"] * 6 + ["B-02-05-1"] * 6)
        # each scanned unit is sorted to the order of its line
        r = self.scan(w["tasks"][0]["id"], barcode=ean13(a), qty=2)
        self.assertEqual([s["slot"] for s in r["sort_to"]], [lines[0]["slot"], lines[1]["slot"]])

    def test_wave_groups_by_carrier_and_cutoff(self):
        wh = self.warehouse()
        a = self.sku("A-01-01-1", wh)
        orders = [self.order([(a, 1)]) for _ in range(3)]
        w = self.wave(wh, "wave", carrier="SF", cutoff="16:00")
        self.assertEqual((w["carrier"], w["cutoff"]), ("SF", "16:00"))
        self.assertEqual(sorted(w["orders"]), sorted(o["order_no"] for o in orders))
        self.assertEqual(len(w["tasks"]), 1)
        bad = self.wave(wh, "wave", expect=422, cutoff="25:00")
        self.assertEqual(self.reason(bad), [("cutoff", "invalid_time")])

    def test_zone_tasks_consolidate_an_order_spanning_zones(self):
        wh = self.warehouse()
        a = self.sku("A-01-01-1", wh)
        d = self.sku("D-01-01-1", wh)
        both = self.order([(a, 1), (d, 2)])
        only_a = self.order([(a, 1)])
        w = self.wave(wh, "zone")
        self.assertEqual(sorted(t["zone"] for t in w["tasks"]), ["A", "D"])
        self.assertEqual(w["consolidate"], [both["order_no"]])
        self.assertNotIn(only_a["order_no"], w["consolidate"])

    def test_bad_wave_requests_name_the_field(self):
        status, _, data = self.srv.request("POST", "/v1/waves",
                                           {"warehouse": "NOPE", "strategy": "fastest",
                                            "max_orders": 0})
        self.assertEqual(status, 422)
        self.assertEqual(sorted(self.reason(data)),
                         [("max_orders", "out_of_range"), ("strategy", "out_of_range")])
        self.wave("NOPE", "single", expect=404)

    # ---- lots ----------------------------------------------------------------------------

    def test_fefo_takes_earliest_qualifying_lot_and_never_an_unqualified_one(self):
        wh = self.warehouse()
        milk = self.sku("A-01-01-1", wh, on_hand=None, shelf_life_days=180, food=True)
        self.put_lot(wh, milk, "L-OLD", day(100), 20)     # 100 days left: never picked
        self.put_lot(wh, milk, "L-MID", day(200), 2)
        r = self.put_lot(wh, milk, "L-LATE", day(400), 10)
        self.assertEqual(r["stock_on_hand"], 32, "the lots are the count")
        o = self.order([(milk, 3)])
        w = self.wave(wh, "single")
        lines = [(l["lot"], l["qty"]) for l in w["tasks"][0]["lines"]]
        self.assertEqual(sorted(lines), [("L-LATE", 1), ("L-MID", 2)])
        task = w["tasks"][0]["id"]
        bad = self.scan(task, 422, barcode=ean13(milk), qty=1)
        self.assertEqual(self.reason(bad), [("lot", "required")])
        bad = self.scan(task, 422, barcode=ean13(milk), qty=1, lot="L-OLD")
        self.assertEqual(self.reason(bad), [("lot", "wrong_lot")])
        self.assertIn("wrong lot", bad["detail"])
        bad = self.scan(task, 422, barcode=ean13(milk), qty=3, lot="L-MID")
        self.assertEqual(self.reason(bad), [("qty", "over_pick")])
        self.scan(task, barcode=ean13(milk), qty=2, lot="L-MID")
        r = self.scan(task, barcode=ean13(milk), qty=1, lot="L-LATE")
        self.assertEqual(r["remaining"], 0)
        self.assertTrue(self.srv.ok("GET", "/v1/orders/%s/picks" % o["order_no"])
                        ["ready_to_pack"])
        self.ledger_consistent()

    def test_an_order_only_unqualified_lots_could_fill_is_not_picked(self):
        wh = self.warehouse()
        milk = self.sku("A-01-01-1", wh, on_hand=None, shelf_life_days=180, food=True)
        self.put_lot(wh, milk, "L-OLD", day(30), 20)
        o = self.order([(milk, 1)])
        w = self.wave(wh, "single", expect=200)
        self.assertIsNone(w["id"])
        self.assertEqual(w["skipped"], [{"order_no": o["order_no"], "reason": "expiry_short",
                                         "sku": milk}])
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(got["status"], "approved")
        self.assertEqual(len(open_exceptions(got, "expiry_short")), 1)
        report = self.srv.ok("GET", "/v1/reports/near-expiry?days=60&warehouse=" + wh)
        rows = [(r["sku"], r["lot"], r["days_left"], r["pickable"]) for r in report["lots"]]
        self.assertEqual(rows, [(milk, "L-OLD", 30, False)])
        self.assertEqual(self.srv.ok("GET", "/v1/reports/near-expiry?days=29&warehouse=" + wh)
                         ["lots"], [], "30 days left is not within 29")
        # the same report from the command line, on the server's database
        cli = subprocess.run([self.srv.bin, "report", "near-expiry", "--days", "60",
                              "--warehouse", wh, "--json", "--db", self.srv.db],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertEqual(json.loads(cli.stdout)["lots"], report["lots"])
        text = subprocess.run([self.srv.bin, "report", "near-expiry", "--days", "60",
                               "--db", self.srv.db], capture_output=True, text=True, timeout=30)
        self.assertIn("L-OLD", text.stdout)
        bad = subprocess.run([self.srv.bin, "report", "near-expiry", "--days", "x"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2)

    def test_lots_keep_the_stock_count_and_plain_counts_are_refused(self):
        wh = self.warehouse()
        s = self.sku("A-01-01-1", wh, on_hand=7)
        r = self.put_lot(wh, s, "L1", day(50), 4)
        self.assertEqual(r["stock_on_hand"], 4, "the first lot makes the lots the count")
        status, _, data = self.srv.request("PUT", "/v1/stock/%s/%s" % (wh, s),
                                           {"on_hand": 9, "bin": "A-01-01-1"})
        self.assertEqual(status, 409, data)
        self.assertIn("lots", data["detail"])
        status, _, data = self.srv.request("POST", "/v1/stock/%s/%s/adjust" % (wh, s),
                                           {"delta": 1, "reason": "found one"})
        self.assertEqual(status, 409, data)
        bad = self.put_lot(wh, s, "L2", "2026-02-30", 1, expect=422)
        self.assertEqual(self.reason(bad), [("expires_on", "invalid_date")])
        self.put_lot(wh, s, "L2", day(80), 6)
        self.assertEqual(self.srv.stock(s)["on_hand"], 10)
        self.ledger_consistent()

    def test_the_ledger_check_reports_lots_that_do_not_sum_to_the_stock(self):
        wh = self.warehouse()
        s = self.sku("A-01-01-1", wh, on_hand=None)
        self.put_lot(wh, s, "L1", day(50), 4)
        self.ledger_consistent()
        # Break the sum behind ordo's back: the check must notice.
        db = sqlite3.connect(self.srv.db, timeout=10)
        with db:
            db.execute("UPDATE stock_lots SET on_hand = 3 WHERE warehouse = ? AND sku = ?",
                       (wh, s))
        try:
            v = self.srv.ok("GET", "/v1/ledger/verify")
            self.assertFalse(v["consistent"])
            self.assertIn({"warehouse": wh, "sku": s, "on_hand": 4, "lots": 3, "kind": "lots"},
                          v["mismatches"])
            cli = subprocess.run([self.srv.bin, "check", "--db", self.srv.db],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(cli.returncode, 1, cli.stdout + cli.stderr)
        finally:
            with db:
                db.execute("UPDATE stock_lots SET on_hand = 4 WHERE warehouse = ? AND sku = ?",
                           (wh, s))
            db.close()
        self.ledger_consistent()

    # ---- counting, retries ---------------------------------------------------------------

    def test_count_confirmation_every_ten_items_and_retried_scans_count_once(self):
        wh = self.warehouse()
        a = self.sku("A-01-01-1", wh)
        self.order([(a, 12)])
        task = self.wave(wh, "zone")["tasks"][0]["id"]
        r = self.scan(task, barcode=ean13(a), qty=5, scan_id="s-1")
        again = self.scan(task, barcode=ean13(a), qty=5, scan_id="s-1")
        self.assertEqual(again, r, "a retried scan is answered as before")
        self.assertEqual(r["picked"], 5)
        r = self.scan(task, barcode=ean13(a), qty=5, scan_id="s-2")
        self.assertTrue(r["count_due"])
        bad = self.scan(task, 422, barcode=ean13(a), qty=1)
        self.assertEqual(self.reason(bad), [("confirm_count", "count_required")])
        bad = self.scan(task, 422, barcode=ean13(a), qty=1, confirm_count=9)
        self.assertEqual(self.reason(bad), [("confirm_count", "count_mismatch")])
        r = self.scan(task, barcode=ean13(a), qty=2, confirm_count=10)
        self.assertEqual((r["picked"], r["remaining"], r["status"]), (12, 0, "done"))

    def test_an_order_cancelled_after_the_wave_is_not_picked(self):
        wh = self.warehouse()
        a = self.sku("A-01-01-1", wh)
        b = self.sku("A-01-02-1", wh)
        keep = self.order([(a, 2)])
        gone = self.order([(b, 1)])
        task = self.wave(wh, "zone")["tasks"][0]["id"]
        self.srv.ok("POST", "/v1/orders/%s/cancel" % gone["order_no"],
                    {"reason": "buyer changed their mind"})
        t = self.srv.ok("GET", "/v1/picks/%d" % task)
        self.assertEqual(t["remaining"], 2)
        self.assertEqual([l.get("cancelled", False) for l in t["lines"]], [False, True])
        bad = self.scan(task, 422, barcode=ean13(b), qty=1)
        self.assertEqual(self.reason(bad), [("barcode", "order_cancelled")])
        r = self.scan(task, barcode=ean13(a), qty=2)
        self.assertEqual(r["status"], "done")
        self.assertEqual(self.status_of(keep["order_no"]), "picking")
        self.ledger_consistent()

    # ---- short picks and QC --------------------------------------------------------------

    def test_short_pick_writes_off_stock_and_reallocates_to_another_warehouse(self):
        wh = self.warehouse(priority=1)
        far = self.warehouse(province="上海市", city="上海市", district="浦东新区", priority=90)
        a = self.sku("A-01-04-1", wh, on_hand=5)
        self.srv.put_stock(far, a, 10, bin="A-01-01-1")
        o = self.order([(a, 3)])
        self.assertEqual([r["warehouse"] for r in o["reservations"]], [wh])
        task = self.wave(wh, "single")["tasks"][0]["id"]
        status, _, r = self.srv.request("POST", "/v1/picks/%d/short" % task,
                                        {"sku": a, "bin": "A-01-04-1", "found": 1})
        self.assertEqual(status, 200, r)
        # the bin held 1 of the 5 counted: the 2 lacking and the 2 nobody held are written off
        self.assertEqual((r["missing"], r["written_off"], r["stock_on_hand"], r["remaining"]),
                         (2, 4, 1, 1))
        self.assertEqual(r["orders"][0]["outcome"], "reallocated")
        got = self.srv.get_order(o["order_no"])
        held = sorted((x["warehouse"], x["qty"]) for x in got["reservations"])
        self.assertEqual(held, sorted([(wh, 1), (far, 2)]))
        self.assertEqual(len(open_exceptions(got, "pick_reallocated")), 1)
        self.ledger_consistent()

    def test_short_pick_with_no_stock_anywhere_backorders(self):
        wh = self.warehouse()
        a = self.sku("A-01-04-1", wh, on_hand=2)
        o = self.order([(a, 2)])
        task = self.wave(wh, "single")["tasks"][0]["id"]
        r = self.srv.ok("POST", "/v1/picks/%d/short" % task,
                        {"sku": a, "bin": "A-01-04-1", "found": 0})
        self.assertEqual(r["orders"][0]["outcome"], "backordered")
        self.assertEqual(r["stock_on_hand"], 0)
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(len(open_exceptions(got, "stock_short")), 1)
        self.assertFalse(self.srv.ok("GET", "/v1/orders/%s/picks" % o["order_no"])
                         ["ready_to_pack"])
        self.assertEqual(r["status"], "done", "nothing is left to pick on the task")
        bad = self.srv.request("POST", "/v1/picks/%d/short" % task,
                               {"sku": a, "bin": "A-01-04-1", "found": 0})
        self.assertEqual(bad[0], 409, bad)
        self.ledger_consistent()

    def test_qc_reject_swaps_the_unit_for_another_qualifying_lot(self):
        wh = self.warehouse()
        s = self.sku("A-01-01-1", wh, on_hand=None, shelf_life_days=30, food=True)
        self.put_lot(wh, s, "LA", day(60), 1)
        self.put_lot(wh, s, "LB", day(90), 5)
        o = self.order([(s, 1)])
        task = self.wave(wh, "single")["tasks"][0]["id"]
        self.scan(task, barcode=ean13(s), qty=1, lot="LA")
        status, _, r = self.srv.request("POST", "/v1/picks/%d/qc-reject" % task,
                                        {"barcode": ean13(s), "lot": "LA",
                                         "reason": "shelf_life"})
        self.assertEqual(status, 200, r)
        self.assertEqual((r["outcome"], r["status"], r["remaining"]), ("replaced", "open", 1))
        lines = self.srv.ok("GET", "/v1/picks/%d" % task)["lines"]
        open_lines = [(l["lot"], l["qty"] - l["picked"]) for l in lines if l["qty"] > l["picked"]]
        self.assertEqual(open_lines, [("LB", 1)])
        self.scan(task, barcode=ean13(s), qty=1, lot="LB")
        # damaged: the unit leaves stock, and another is picked
        status, _, r = self.srv.request("POST", "/v1/picks/%d/qc-reject" % task,
                                        {"barcode": ean13(s), "reason": "damaged"})
        self.assertEqual(status, 200, r)
        self.assertEqual(self.srv.stock(s)["on_hand"], 5)
        bad = self.srv.request("POST", "/v1/picks/%d/qc-reject" % task,
                               {"barcode": ean13(s), "reason": "smelly"})
        self.assertEqual(bad[0], 422)
        self.ledger_consistent()
