"""Orders from intake to shipped through each picking strategy, and backorders: a splittable
order short of stock ships what there is and the rest follows on restock, through a second
wave, pick, pack and shipment; a short pick backorders the same way; an order that ships
whole waits for a person instead. Against a real server."""

import itertools

from ordo_server import ADDR_SHANGHAI, ServerTestCase, ean13, make_order, open_exceptions, q, \
    unique_sku
from test_shipping import CHEAP

_wh_seq = itertools.count(1)


class BackorderTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        # No review rules: what holds an order here is its stock alone.
        s.ok("PUT", "/v1/review/rules", {"rules": []})
        s.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        s.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
             {"numbers": ["7%013d" % (500 + i) for i in range(40)]}, expect=(200,))

    # ---- helpers -------------------------------------------------------------------------

    def warehouse(self):
        code = "BO%d" % next(_wh_seq)
        self.srv.put_warehouse(code, "上海市", "上海市", "浦东新区")
        return code

    def sku(self, wh, on_hand, bin_code):
        sku = unique_sku("BO")
        self.srv.put_sku(sku, weight_g=200)
        self.srv.put_stock(wh, sku, on_hand, bin=bin_code)
        return sku

    def wave(self, wh, expect=201, strategy="zone", **kw):
        body = {"warehouse": wh, "strategy": strategy, "max_orders": 100}
        body.update(kw)
        status, _, data = self.srv.request("POST", "/v1/waves", body)
        self.assertEqual(status, expect, data)
        return data

    def pick_all(self, wave):
        """Scans every line of the wave's tasks in full."""
        for task in wave["tasks"]:
            for line in task["lines"]:
                body = {"barcode": line["barcode"], "qty": line["qty"]}
                if line["lot"]:
                    body["lot"] = line["lot"]
                self.srv.ok("POST", "/v1/picks/%d/scan" % task["id"], body)

    def pack(self, order_no, pairs, expect=200):
        body = {"items": [{"barcode": ean13(sku), "qty": n} for sku, n in pairs],
                "weight_g": 800, "length_mm": 300, "width_mm": 200, "height_mm": 150}
        status, _, data = self.srv.request("POST", "/v1/orders/%s/pack" % q(order_no), body)
        self.assertEqual(status, expect, data)
        return data

    def ship(self, order_no):
        return self.srv.ok("POST", "/v1/orders/%s/ship" % q(order_no), {"carrier": "ZTO"})

    def units(self, wave):
        return sorted((ln["sku"], ln["qty"]) for t in wave["tasks"] for ln in t["lines"])

    def stock_at(self, wh, sku):
        [row] = [w for w in self.srv.stock(sku)["warehouses"] if w["warehouse"] == wh]
        return row["on_hand"], row["reserved"]

    def consistent(self):
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)

    # ---- tests ---------------------------------------------------------------------------

    def test_every_strategy_from_intake_to_shipped(self):
        for strategy, n_orders, items, kw in (
                ("single", 2, lambda a, b: [(a, 1), (b, 2)], {}),
                ("batch", 5, lambda a, b: [(a, 1), (b, 1)], {}),
                ("wave", 3, lambda a, b: [(a, 2)], {"carrier": "ZTO", "cutoff": "16:00"}),
                ("zone", 2, lambda a, b: [(a, 1), (b, 1)], {})):
            with self.subTest(strategy=strategy):
                wh = self.warehouse()
                a = self.sku(wh, 20, "A-01-01-1")
                b = self.sku(wh, 20, "A-03-02-1" if strategy == "batch" else "C-01-01-1")
                lines = items(a, b)
                nos = [self.srv.post_order(make_order(lines, address=ADDR_SHANGHAI))["order_no"]
                       for _ in range(n_orders)]
                wave = self.wave(wh, strategy=strategy, **kw)
                self.assertEqual(sorted(wave["orders"]), sorted(nos))
                self.pick_all(wave)
                for no in nos:
                    picks = self.srv.ok("GET", "/v1/orders/%s/picks" % q(no))
                    self.assertTrue(picks["ready_to_pack"], picks)
                    self.pack(no, lines)
                    self.assertEqual(self.ship(no)["status"], "shipped")
                total = {sku: n_orders * n for sku, n in lines}
                for sku in (a, b):
                    self.assertEqual(self.stock_at(wh, sku), (20 - total.get(sku, 0), 0))
        self.consistent()

    def test_short_at_intake_ships_what_is_there_then_the_rest_on_restock(self):
        wh = self.warehouse()
        a = self.sku(wh, 2, "A-01-01-1")
        b = self.sku(wh, 5, "A-01-02-1")
        o = self.srv.post_order(make_order([(a, 3), (b, 1)], address=ADDR_SHANGHAI,
                                           splittable=True))
        no = o["order_no"]
        # Backordered, not held: it moves on with what it has.
        self.assertEqual(o["status"], "approved", o)
        self.assertEqual(o["holds"], [])
        [short] = open_exceptions(o, "stock_short")
        self.assertEqual(short["severity"], "yellow")
        self.assertIn("backordered", short["message"])

        first = self.wave(wh)
        self.assertEqual(first["orders"], [no])
        self.assertEqual(self.units(first), sorted([(a, 2), (b, 1)]))
        self.pick_all(first)
        # The parcel holds what there is; the backordered unit is not missing from it.
        self.pack(no, [(a, 3), (b, 1)], expect=422)
        packed = self.pack(no, [(a, 2), (b, 1)])
        self.assertEqual(packed["status"], "packed")
        self.assertEqual(self.ship(no)["status"], "partially_shipped")
        self.assertEqual(self.stock_at(wh, a), (0, 0))
        # Nothing to pick until the stock comes.
        self.assertIn("no order", self.wave(wh, expect=409)["detail"])

        self.srv.adjust(wh, a, 4, "goods in")
        got = self.srv.get_order(no)
        self.assertEqual(open_exceptions(got, "stock_short"), [])
        self.assertEqual(got["status"], "partially_shipped")
        self.assertEqual(self.stock_at(wh, a), (4, 1))

        second = self.wave(wh)
        self.assertEqual(second["orders"], [no])
        self.assertEqual(self.units(second), [(a, 1)], "only the backordered unit is picked")
        self.assertEqual(self.srv.get_order(no)["status"], "picking")
        self.pick_all(second)
        self.pack(no, [(a, 1)])
        done = self.ship(no)
        self.assertEqual(done["status"], "shipped")
        parcels = self.srv.ok("GET", "/v1/orders/%s/parcels" % q(no))["items"]
        self.assertEqual([p["status"] for p in parcels], ["shipped", "shipped"])
        self.assertEqual(self.stock_at(wh, a), (3, 0))
        self.assertEqual(self.stock_at(wh, b), (4, 0))
        moves = [e.get("to") for e in self.srv.events(no) if e.get("to")]
        self.assertEqual(moves, ["approved", "picking", "packed", "partially_shipped",
                                 "picking", "packed", "shipped"])
        self.consistent()

    def test_short_pick_of_a_splittable_order_backorders_and_the_rest_ships(self):
        wh = self.warehouse()
        a = self.sku(wh, 2, "A-01-01-1")
        b = self.sku(wh, 2, "A-02-01-1")
        no = self.srv.post_order(make_order([(a, 2), (b, 1)], address=ADDR_SHANGHAI,
                                            splittable=True))["order_no"]
        wave = self.wave(wh)
        task = wave["tasks"][0]["id"]
        r = self.srv.ok("POST", "/v1/picks/%d/short" % task,
                        {"sku": a, "bin": "A-01-01-1", "found": 1})
        self.assertEqual(r["orders"][0]["outcome"], "backordered")
        self.srv.ok("POST", "/v1/picks/%d/scan" % task, {"barcode": ean13(a), "qty": 1})
        self.srv.ok("POST", "/v1/picks/%d/scan" % task, {"barcode": ean13(b), "qty": 1})
        got = self.srv.get_order(no)
        [short] = open_exceptions(got, "stock_short")
        self.assertEqual(short["severity"], "yellow")
        self.pack(no, [(a, 1), (b, 1)])
        self.assertEqual(self.ship(no)["status"], "partially_shipped")

        # A second wave before the restock finds nothing; after it, the one unit.
        self.wave(wh, expect=409)
        self.srv.adjust(wh, a, 1, "found behind the shelf")
        again = self.wave(wh)
        self.assertEqual(self.units(again), [(a, 1)])
        self.pick_all(again)
        self.pack(no, [(a, 1)])
        self.assertEqual(self.ship(no)["status"], "shipped")
        self.assertEqual(self.stock_at(wh, a), (0, 0))
        self.consistent()

    def test_an_order_that_ships_whole_waits_for_a_person(self):
        wh = self.warehouse()
        a = self.sku(wh, 1, "A-01-01-1")
        o = self.srv.post_order(make_order([(a, 2)], address=ADDR_SHANGHAI, splittable=False))
        # (With the default rules its stock_short hold keeps it in review too.)
        self.assertEqual(o["status"], "approved")
        [short] = open_exceptions(o, "stock_short")
        self.assertEqual(short["severity"], "red")
        self.assertIn("ships whole", short["message"])
        # Not a unit is picked while it is short, though one is reserved.
        self.wave(wh, expect=409)
        self.srv.adjust(wh, a, 1, "goods in")
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(open_exceptions(got, "stock_short"), [])
        self.assertEqual(self.units(self.wave(wh)), [(a, 2)])

    def test_a_partly_packed_order_is_not_picked_again(self):
        # Packed in two parcels by choice, not for want of stock: its picked units are not
        # taken into another wave while the second parcel waits.
        wh = self.warehouse()
        a = self.sku(wh, 5, "A-01-01-1")
        b = self.sku(wh, 5, "A-01-02-1")
        no = self.srv.post_order(make_order([(a, 1), (b, 2)], address=ADDR_SHANGHAI,
                                            splittable=True))["order_no"]
        self.pick_all(self.wave(wh))
        body = {"items": [{"barcode": ean13(a), "qty": 1}], "partial": True, "weight_g": 300,
                "length_mm": 200, "width_mm": 100, "height_mm": 100}
        self.srv.ok("POST", "/v1/orders/%s/pack" % q(no), body)
        self.assertEqual(self.ship(no)["status"], "partially_shipped")
        self.wave(wh, expect=409)
        self.pack(no, [(b, 2)])
        self.assertEqual(self.ship(no)["status"], "shipped")
        self.consistent()
