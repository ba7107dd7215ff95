"""Merged shipments: open orders of one buyer, address and warehouse merged on request or by
rule, picked in one task, packed into one box and shipped under one tracking number."""

import itertools

from ordo_server import ADDR_BEIJING, ADDR_SHANGHAI, ServerTestCase, ean13, make_order, q, \
    unique_sku
from test_shipping import CHEAP

_wh_seq = itertools.count(1)
_tracking = itertools.count(1)


class MergeTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        srv = cls.srv
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        srv.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
               {"numbers": ["7%013d" % (7000 + i) for i in range(40)]}, expect=(200,))

    def setUp(self):
        super().setUp()
        self.srv.ok("PUT", "/v1/merges/rule", {"enabled": False})

    # ---- helpers ----

    def warehouse(self):
        code = "MG%d" % next(_wh_seq)
        self.srv.put_warehouse(code, "北京市", "北京市", "朝阳区")
        return code

    def sku(self, wh, bin_code="A-01-01-1"):
        sku = unique_sku("MG")
        self.srv.put_sku(sku)
        self.srv.put_stock(wh, sku, 100, bin=bin_code)
        return sku

    def order(self, items, **kw):
        o = self.srv.post_order(make_order(items, **kw))
        self.assertEqual(o["status"], "approved", o)
        return o["order_no"]

    def merge(self, orders, expect=201):
        status, _, data = self.srv.request("POST", "/v1/merges", {"orders": orders})
        self.assertEqual(status, expect, data)
        return data

    def wave(self, wh):
        return self.srv.ok("POST", "/v1/waves", {"warehouse": wh, "strategy": "wave"},
                           expect=(201,))

    def status_of(self, no):
        return self.srv.get_order(no)["status"]

    def pick_all(self, wave):
        for task in wave["tasks"]:
            for line in task["lines"]:
                self.srv.ok("POST", "/v1/picks/%d/scan" % task["id"],
                            {"barcode": line["barcode"], "bin": line["bin"],
                             "qty": line["qty"]}, expect=(200,))

    def pack(self, no, pairs):
        body = {"items": [{"barcode": ean13(s), "qty": n} for s, n in pairs],
                "weight_g": 1800, "length_mm": 300, "width_mm": 200, "height_mm": 150}
        return self.srv.request("POST", "/v1/orders/%s/pack" % q(no), body)

    def fields(self, data):
        return {e["field"]: e["code"] for e in data.get("errors", [])}

    # ---- merging on request ----

    def test_merge_on_request_shows_on_orders_and_unmerges(self):
        wh = self.warehouse()
        a = self.sku(wh)
        one, two = self.order([(a, 1)]), self.order([(a, 2)])
        m = self.merge([one, two])
        self.assertEqual(m["orders"], [one, two])
        self.assertEqual(m["warehouse"], wh)
        self.assertFalse(m["rule"])
        self.assertEqual(self.srv.ok("GET", "/v1/merges/%d" % m["id"])["orders"], [one, two])
        view = self.srv.get_order(one)
        self.assertEqual(view["merge"], {"id": m["id"], "orders": [one, two]})
        notes = [e for e in self.srv.events(two) if e["type"] == "merge"]
        self.assertEqual(len(notes), 1, notes)
        # already merged
        three = self.order([(a, 1)])
        data = self.merge([three, one], expect=422)
        self.assertEqual(self.fields(data), {"orders[1]": "already_merged"})
        self.srv.ok("DELETE", "/v1/merges/%d" % m["id"], expect=(200,))
        self.assertNotIn("merge", self.srv.get_order(one))
        self.assertEqual(self.srv.request("GET", "/v1/merges/%d" % m["id"])[0], 404)
        self.merge([three, one])

    def test_refusals_name_the_order_and_write_nothing(self):
        wh, other_wh = self.warehouse(), self.warehouse()
        a, b = self.sku(wh), self.sku(other_wh)
        base = self.order([(a, 1)])
        phone = self.order([(a, 1)], phone="13900139000")
        address = self.order([(a, 1)], address=ADDR_SHANGHAI)
        elsewhere = self.order([(b, 1)])
        held = self.order([(a, 1)])
        self.srv.ok("POST", "/v1/orders/%s/holds" % held,
                    {"reason": "manual", "message": "buyer called"}, expect=(201,))
        data = self.merge([base, phone, address, elsewhere, held], expect=422)
        self.assertEqual(self.fields(data), {"orders[1]": "different_buyer",
                                             "orders[2]": "different_address",
                                             "orders[3]": "different_warehouse",
                                             "orders[4]": "on_hold"})
        self.assertNotIn("merge", self.srv.get_order(base))
        self.assertEqual(self.fields(self.merge([base], expect=422)), {"orders": "required"})
        self.assertEqual(self.fields(self.merge([base, base], expect=422)),
                         {"orders[1]": "duplicate"})
        self.assertEqual(self.fields(self.merge([base, "NOPE"], expect=422)),
                         {"orders[1]": "not_found"})
        # already picked
        picked = self.order([(a, 1)])
        self.wave(wh)
        self.assertEqual(self.status_of(picked), "picking")
        later = self.order([(a, 1)])
        self.assertEqual(self.fields(self.merge([later, picked], expect=422)),
                         {"orders[1]": "not_approved"})

    def test_a_detail_written_differently_is_the_same_address(self):
        wh = self.warehouse()
        a = self.sku(wh)
        one = self.order([(a, 1)])
        addr = dict(ADDR_BEIJING, detail="大望路甲１８号 1单元")
        two = self.order([(a, 1)], address=addr)
        self.merge([one, two])

    # ---- waves, picking, packing, shipping ----

    def test_merged_orders_pick_pack_and_ship_as_one(self):
        wh = self.warehouse()
        a, b = self.sku(wh, "A-01-01-1"), self.sku(wh, "B-02-01-1")
        one, two = self.order([(a, 1)]), self.order([(b, 2)])
        other = self.order([(a, 1)], phone="13700137000")
        m = self.merge([one, two])
        wave = self.wave(wh)
        self.assertEqual(sorted(wave["orders"]), sorted([one, two, other]))
        merged_tasks = [t for t in wave["tasks"]
                        if {l["order_no"] for l in t["lines"]} >= {one, two}]
        self.assertEqual(len(merged_tasks), 1, wave["tasks"])
        lines = {(l["order_no"], l["sku"], l["qty"]) for l in merged_tasks[0]["lines"]}
        self.assertTrue({(one, a, 1), (two, b, 2)} <= lines, lines)
        self.assertEqual([self.status_of(n) for n in (one, two)], ["picking", "picking"])
        self.pick_all(wave)
        # one member's item missing: refused, nothing packed
        status, _, data = self.pack(one, [(a, 1)])
        self.assertEqual(status, 422, data)
        self.assertEqual(self.status_of(one), "picking")
        status, _, data = self.pack(two, [(a, 1), (b, 2)])
        self.assertEqual(status, 200, data)
        parcels = data["shipment"]["parcels"]
        self.assertEqual(sorted(p["order_no"] for p in parcels), [one, two])
        self.assertTrue(all(p["shipment_id"] == m["id"] for p in parcels))
        by_order = {p["order_no"]: p for p in parcels}
        self.assertEqual([i["sku"] for i in by_order[one]["items"]], [a])
        self.assertEqual([(i["sku"], i["qty"]) for i in by_order[two]["items"]], [(b, 2)])
        # one box: the same packaging on both, its weight recorded once (on the first)
        self.assertEqual(by_order[one]["packaging"], by_order[two]["packaging"])
        self.assertEqual(sorted(p["weight_g"] for p in parcels), [0, 1800])
        self.assertEqual(data["shipment"]["orders"], [one, two])
        self.assertEqual([self.status_of(n) for n in (one, two)], ["packed", "packed"])
        status, _, shipped = self.srv.request("POST", "/v1/orders/%s/ship" % q(one), {})
        self.assertEqual(status, 200, shipped)
        self.assertEqual(shipped["shipment"]["orders"], [one, two])
        self.assertEqual({p["tracking_no"] for p in shipped["parcels"]},
                         {shipped["shipment"]["tracking_no"]})
        self.assertEqual(len(shipped["parcels"]), 2)
        self.assertEqual(sum(1 for p in shipped["parcels"] if p["price_fen"]), 1)
        self.assertEqual([self.status_of(n) for n in (one, two)], ["shipped", "shipped"])
        p1 = self.srv.ok("GET", "/v1/orders/%s/parcels" % q(one))["items"]
        p2 = self.srv.ok("GET", "/v1/orders/%s/parcels" % q(two))["items"]
        self.assertEqual(len(p1), 1)
        self.assertEqual(len(p2), 1)
        self.assertIsNotNone(p1[0]["tracking_no"])
        self.assertEqual(p1[0]["tracking_no"], p2[0]["tracking_no"])
        self.assertEqual(p1[0]["carrier"], p2[0]["carrier"])
        status, headers, label = self.srv.request("GET", p2[0]["label_zpl"])
        self.assertEqual(status, 200)
        text = label.decode() if isinstance(label, bytes) else label
        self.assertIn(one, text)
        self.assertIn(two, text)
        for no in (one, two):
            shipped_events = [e for e in self.srv.events(no) if e.get("to") == "shipped"]
            self.assertEqual(len(shipped_events), 1)
            self.assertIn(shipped["shipment"]["tracking_no"], shipped_events[0]["reason"])
        # each member's units left the stock; `other` (same wave, not shipped) still holds its
        for sku, on_hand, reserved in ((a, 99, 1), (b, 98, 0)):
            [row] = [w for w in self.srv.stock(sku)["warehouses"] if w["warehouse"] == wh]
            self.assertEqual((row["on_hand"], row["reserved"]), (on_hand, reserved), sku)
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)
        self.assertEqual(self.srv.request("DELETE", "/v1/merges/%d" % m["id"])[0], 409)

    def test_a_merge_missing_a_member_waits_whole(self):
        wh = self.warehouse()
        a = self.sku(wh)
        one, two = self.order([(a, 1)]), self.order([(a, 1)])
        single = self.order([(a, 1)], phone="13600136000")
        self.merge([one, two])
        self.srv.ok("POST", "/v1/orders/%s/holds" % two,
                    {"reason": "manual", "message": "buyer called"}, expect=(201,))
        wave = self.wave(wh)
        self.assertEqual(wave["orders"], [single])
        self.assertEqual(self.status_of(one), "approved")

    def test_merge_rule_merges_at_wave_time(self):
        wh = self.warehouse()
        a = self.sku(wh)
        rule = self.srv.ok("PUT", "/v1/merges/rule", {"enabled": True})
        self.assertTrue(rule["enabled"])
        self.assertTrue(self.srv.ok("GET", "/v1/merges/rule")["enabled"])
        one, two = self.order([(a, 1)]), self.order([(a, 2)])
        alone = self.order([(a, 1)], phone="13500135000")
        wave = self.wave(wh)
        self.assertEqual(sorted(wave["orders"]), sorted([one, two, alone]))
        merge = self.srv.get_order(one)["merge"]
        self.assertEqual(merge["orders"], [one, two])
        full = self.srv.ok("GET", "/v1/merges/%d" % merge["id"])
        self.assertTrue(full["rule"])
        self.assertEqual(full["created_by"], "rules")
        self.assertNotIn("merge", self.srv.get_order(alone))
        self.assertEqual(
            self.fields(self.srv.request("PUT", "/v1/merges/rule", {"enabled": "yes"})[2]),
            {"enabled": "required"})

    def test_an_address_edited_after_merging_dissolves_the_merge_at_wave_time(self):
        wh = self.warehouse()
        a = self.sku(wh)
        one, two = self.order([(a, 1)]), self.order([(a, 1)])
        m = self.merge([one, two])
        self.srv.ok("PATCH", "/v1/orders/%s" % q(two),
                    {"address": {"detail": "大望路甲18号3号楼2单元"}})
        wave = self.wave(wh)
        self.assertEqual(sorted(wave["orders"]), sorted([one, two]))
        self.assertEqual(self.srv.request("GET", "/v1/merges/%d" % m["id"])[0], 404)
        self.assertNotIn("merge", self.srv.get_order(one))
        notes = [e["reason"] for e in self.srv.events(two) if e["type"] == "merge"]
        self.assertIn("no longer share", notes[-1])

    def test_a_cancelled_member_leaves_the_others_merged(self):
        wh = self.warehouse()
        a = self.sku(wh)
        one, two, three = self.order([(a, 1)]), self.order([(a, 1)]), self.order([(a, 1)])
        m = self.merge([one, two, three])
        self.srv.ok("POST", "/v1/orders/%s/cancel" % q(two), {"reason": "buyer asked"})
        wave = self.wave(wh)
        self.assertEqual(sorted(wave["orders"]), sorted([one, three]))
        [task] = [t for t in wave["tasks"] if {l["order_no"] for l in t["lines"]} & {one, three}]
        self.assertEqual({l["order_no"] for l in task["lines"]}, {one, three})
        self.pick_all(wave)
        status, _, data = self.pack(three, [(a, 2)])
        self.assertEqual(status, 200, data)
        self.assertEqual(data["shipment"]["orders"], [one, three])
        self.assertEqual(self.status_of(one), "packed")
        self.assertEqual(self.srv.ok("GET", "/v1/merges/%d" % m["id"])["orders"],
                         [one, two, three])
