"""One order from intake to shipped through every warehouse step, against a real server:
automatic review with a person approving, a zone wave, scans (one wrong), packing two parcels, a partial shipment,
then the rest. The stock follows the goods: reserved at intake, taken off the shelf count and
off its lots when the parcels leave, and the ledgers still agree at every step."""

from ordo_server import ADDR_SHANGHAI, ServerTestCase, ean13, make_order, q, today_cst, \
    unique_sku
from test_shipping import CHEAP


class FulfilmentFlowTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("FLOW", "上海市", "上海市", "浦东新区")
        cls.tea = unique_sku("TEA")   # kept by lot, needs 30 days of shelf life
        cls.cup = unique_sku("CUP")
        s.put_sku(cls.tea, food=True, shelf_life_days=30, weight_g=300)
        s.put_sku(cls.cup, fragile=True, weight_g=400)
        s.put_stock("FLOW", cls.tea, 0, bin="A-01-03-1")
        s.put_stock("FLOW", cls.cup, 20, bin="B-02-01-1")
        for lot, days, units in (("T-OLD", 10, 5), ("T-MID", 60, 4), ("T-NEW", 200, 10)):
            s.ok("PUT", "/v1/stock/FLOW/%s/lots/%s" % (q(cls.tea), lot),
                 {"expires_on": today_cst(days), "on_hand": units}, expect=(200, 201))
        s.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        s.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
             {"numbers": ["7%013d" % (100 + i) for i in range(10)]}, expect=(200,))

    def stock(self, sku):
        [row] = [w for w in self.srv.ok("GET", "/v1/stock/" + q(sku))["warehouses"]
                 if w["warehouse"] == "FLOW"]
        return row["on_hand"], row["reserved"]

    def lots(self):
        report = self.srv.ok("GET", "/v1/reports/near-expiry?days=3650&warehouse=FLOW")
        return {r["lot"]: r["on_hand"] for r in report["lots"] if r["sku"] == self.tea}

    def consistent(self):
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)

    def test_intake_to_shipped(self):
        order = make_order([(self.tea, 6), (self.cup, 2)], channel="taobao",
                           address=ADDR_SHANGHAI, remark=None)
        o = self.srv.post_order(order)
        # The address names a house number but no unit: a person looks and approves it.
        self.assertEqual(o["status"], "pending_review")
        self.assertEqual([h["reason"] for h in o["holds"]], ["address_imprecise"])
        no = o["order_no"]
        self.srv.ok("POST", "/v1/orders/%s/approve" % q(no), {"note": "a detached house"})
        self.assertEqual(self.stock(self.tea), (19, 6))
        self.assertEqual(self.stock(self.cup), (20, 2))

        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": "FLOW", "strategy": "zone",
                                                 "max_orders": 10}, expect=(201,))
        self.assertEqual(wave["orders"], [no])
        self.assertEqual(self.srv.get_order(no)["status"], "picking")
        lines = [(t["id"], ln) for t in wave["tasks"] for ln in t["lines"]]
        tea_lots = sorted((ln["lot"], ln["qty"]) for _, ln in lines if ln["sku"] == self.tea)
        # T-OLD has 10 days left, under the 30 the SKU needs: never picked. FEFO after it.
        self.assertEqual(tea_lots, [("T-MID", 4), ("T-NEW", 2)])

        task_of = {ln["sku"]: task for task, ln in lines}
        status, _, wrong = self.srv.request("POST", "/v1/picks/%d/scan" % task_of[self.cup],
                                            {"barcode": ean13(self.tea), "qty": 1,
                                             "lot": "T-MID"})
        self.assertEqual(status, 422, wrong)
        for task, ln in lines:
            self.srv.ok("POST", "/v1/picks/%d/scan" % task,
                        {"barcode": ln["barcode"], "qty": ln["qty"], "lot": ln["lot"]})
        picks = self.srv.ok("GET", "/v1/orders/%s/picks" % q(no))
        self.assertTrue(picks["ready_to_pack"], picks)

        # Two parcels: the cups first (the buyer wants them early), then the tea.
        cups = {"items": [{"barcode": ean13(self.cup), "qty": 2}], "weight_g": 900,
                "length_mm": 200, "width_mm": 150, "height_mm": 150, "partial": True}
        self.assertEqual(self.srv.ok("POST", "/v1/orders/%s/pack" % q(no), cups)["status"],
                         "packed")
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(no))
        self.assertEqual(shipped["status"], "partially_shipped")
        self.assertEqual(self.stock(self.cup), (18, 0))
        self.assertEqual(self.stock(self.tea), (19, 6))
        self.consistent()

        tea = {"items": [{"barcode": ean13(self.tea), "qty": 6}], "weight_g": 1900,
               "length_mm": 300, "width_mm": 200, "height_mm": 150}
        self.srv.ok("POST", "/v1/orders/%s/pack" % q(no), tea)
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(no))
        self.assertEqual(shipped["status"], "shipped")
        [parcel] = shipped["parcels"]
        self.assertRegex(parcel["tracking_no"], r"^7\d{13}$")
        self.assertEqual(self.stock(self.tea), (13, 0))
        self.assertEqual(self.lots(), {"T-OLD": 5, "T-NEW": 8})  # T-MID went whole
        self.consistent()
        timeline = [e.get("to") or e["type"] for e in self.srv.events(no)]
        for step in ("approved", "picking", "picked", "packed", "partially_shipped", "shipped"):
            self.assertIn(step, timeline)
