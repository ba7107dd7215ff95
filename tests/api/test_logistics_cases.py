"""Logistics cases: a shipped parcel reported lost, damaged, undeliverable or refused becomes an
exception of the pool, worked with its owner, deadline, actions (claims with the carrier,
reshipping the goods, refunds) and resolution; the buyer hears of it by SMS. From orders
shipped end to end (wave, pack, ship) against a real server and a real SMS gateway."""

import datetime
import itertools

from message_catchers import SmsGateway
from ordo_server import ServerTestCase, ean13, make_order, open_exceptions, q, today_cst, \
    unique_sku, wait_for
from test_shipping import CHEAP

_wh_seq = itertools.count(1)
SECRET = "sms-gateway-secret-logistics-0123"
KINDS = {"lost": "red", "damaged": "red", "address_unknown": "yellow", "refused": "yellow"}


class LogisticsCaseTest(ServerTestCase):
    ENV = {"ORDO_MESSAGE_INTERVAL_MS": "20"}

    @classmethod
    def setUpCatalog(cls):
        cls.gateway = SmsGateway(SECRET)
        s = cls.srv
        # No review rules: these orders are about the road, not about fraud.
        s.ok("PUT", "/v1/review/rules", {"rules": []})
        s.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        s.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
             {"numbers": ["7%013d" % (9100 + i) for i in range(80)]}, expect=(200,))
        s.ok("PUT", "/v1/messages/senders/sms", {"url": cls.gateway.url, "secret": SECRET})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.gateway.close()

    # ---- helpers -------------------------------------------------------------------------

    def warehouse(self):
        code = "LC%d" % next(_wh_seq)
        self.srv.put_warehouse(code, "上海市", "上海市", "浦东新区")
        return code

    def sku(self, wh, on_hand, price=1000):
        sku = unique_sku("LC")
        self.srv.put_sku(sku, weight_g=200, price=price)
        self.srv.put_stock(wh, sku, on_hand)
        return sku

    def wave(self, wh, order_no):
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": wh, "strategy": "zone",
                                                 "max_orders": 100}, expect=(201,))
        self.assertIn(order_no, wave["orders"])
        return wave

    def pack(self, order_no, pairs, partial=None):
        body = {"items": [{"barcode": ean13(sku), "qty": n} for sku, n in pairs],
                "weight_g": 800, "length_mm": 300, "width_mm": 200, "height_mm": 150}
        if partial is not None:
            body["partial"] = partial
        return self.srv.ok("POST", "/v1/orders/%s/pack" % q(order_no), body)

    def ship(self, order_no):
        return self.srv.ok("POST", "/v1/orders/%s/ship" % q(order_no), {"carrier": "ZTO"})

    def shipped_order(self, wh, lines, phone="13912345678", **kw):
        """An order placed, waved, packed whole and shipped: (order_no, parcel)."""
        o = self.srv.post_order(make_order(lines, phone=phone, **kw))
        self.assertEqual(o["status"], "approved", o)
        no = o["order_no"]
        self.wave(wh, no)
        self.pack(no, [(sku, n) for sku, n, *_ in lines])
        shipped = self.ship(no)
        self.assertEqual(shipped["status"], "shipped", shipped)
        [parcel] = shipped["parcels"]
        return no, parcel

    def raise_case(self, order_no, body, expect=201):
        status, headers, data = self.srv.request(
            "POST", "/v1/orders/%s/logistics-cases" % q(order_no), body)
        self.assertEqual(status, expect, data)
        if expect == 201:
            self.assertEqual(headers.get("location"), "/v1/exceptions/%d" % data["id"])
        return data

    def act(self, exc_id, body, expect=200):
        status, _, data = self.srv.request("POST", "/v1/exceptions/%d/actions" % exc_id, body)
        self.assertEqual(status, expect, data)
        return data

    def stock_at(self, wh, sku):
        [row] = [w for w in self.srv.stock(sku)["warehouses"] if w["warehouse"] == wh]
        return row["on_hand"], row["reserved"]

    def consistent(self):
        v = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(v["consistent"], v)

    def texts(self, order_no, event):
        return [m for m in self.gateway.texts(order_no=order_no) if m["event"] == event]

    def wait_text(self, order_no, event):
        return wait_for(lambda: self.texts(order_no, event),
                        what="%s SMS for %s" % (event, order_no))[0]

    def open_detected(self, order_no, code):
        """Tracking's detection sweep run 49 hours from now (past the 48 hours without news
        that make a parcel stale); returns the id of the exception it opened with `code`."""
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=49)
        self.srv.ok("POST", "/v1/tracking/sweep",
                    {"as_of": later.isoformat(timespec="seconds")})
        page = self.srv.ok("GET", "/v1/exceptions?order_no=%s&code=%s" % (q(order_no), code))
        [exc] = page["items"]
        return exc["id"]

    # ---- raising cases -------------------------------------------------------------------

    def test_each_kind_opens_a_case_on_the_shipped_parcel(self):
        wh = self.warehouse()
        a = self.sku(wh, 50)
        for kind, severity in KINDS.items():
            no, parcel = self.shipped_order(wh, [(a, 1)])
            case = self.raise_case(no, {"kind": kind, "note": "客服来电"})
            self.assertEqual(case["code"], "logistics_" + kind)
            self.assertEqual(case["severity"], severity)
            self.assertEqual(case["status"], "open")
            self.assertEqual(case["order_no"], no)
            self.assertEqual(case["logistics"]["kind"], kind)
            self.assertEqual(case["logistics"]["parcel"]["id"], parcel["id"])
            self.assertEqual(case["logistics"]["parcel"]["tracking_no"], parcel["tracking_no"])
            self.assertIsNone(case["logistics"]["claim"])
            self.assertEqual(case["logistics"]["reshipments"], [])
            self.assertEqual([x["action"] for x in case["actions"]], ["raise"])
            self.assertIn("客服来电", case["message"])
            # The same report again while the first is open is one case, not two.
            self.raise_case(no, {"kind": kind, "parcel": parcel["id"]}, expect=409)
            listed = self.srv.ok("GET", "/v1/orders/%s/logistics-cases" % q(no))
            self.assertEqual([c["id"] for c in listed], [case["id"]])
            self.assertEqual(open_exceptions(self.srv.get_order(no), case["code"])[0]["id"],
                             case["id"])
            reasons = [e.get("reason") or "" for e in self.srv.events(no)]
            self.assertTrue(any("raised: parcel %d" % parcel["id"] in r for r in reasons),
                            reasons)
        pool = self.srv.ok("GET", "/v1/exceptions?code=logistics_lost")
        self.assertTrue(pool["items"])

    def test_refusals(self):
        wh = self.warehouse()
        a = self.sku(wh, 50)
        # Not shipped yet: nothing is on the road.
        waiting = self.srv.post_order(make_order([(a, 1)]))["order_no"]
        self.raise_case(waiting, {"kind": "lost"}, expect=409)
        no, parcel = self.shipped_order(wh, [(a, 1)])
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/logistics-cases" % q(no),
                                               {"kind": "stolen"}), ("kind", "unknown_kind"))
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/logistics-cases" % q(no),
                                               {"note": "x"}), ("kind", "required"))
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/logistics-cases" % q(no),
                                               {"kind": "lost", "colour": "red"}),
                              ("colour", "not_allowed"))
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/logistics-cases" % q(no),
                                               {"kind": "lost", "parcel": parcel["id"] + 999}),
                              ("parcel", "unknown_parcel"))
        self.raise_case("2001010000000099999", {"kind": "lost"}, expect=404)
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/logistics-cases" % q(no)), [])
        # Two shipped parcels: which one must be said.
        b = self.sku(wh, 50)
        o = self.srv.post_order(make_order([(a, 1), (b, 1)], splittable=True))["order_no"]
        self.wave(wh, o)
        self.pack(o, [(a, 1)], partial=True)
        first = self.ship(o)["parcels"][0]
        self.pack(o, [(b, 1)])
        self.ship(o)
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/logistics-cases" % q(o),
                                               {"kind": "damaged"}), ("parcel", "required"))
        case = self.raise_case(o, {"kind": "damaged", "parcel": first["id"]})
        self.assertEqual(case["logistics"]["parcel"]["id"], first["id"])

    # ---- claims --------------------------------------------------------------------------

    def test_a_claim_records_what_was_claimed_and_recovered(self):
        wh = self.warehouse()
        a = self.sku(wh, 50)
        no, _ = self.shipped_order(wh, [(a, 2, 4000)])
        case = self.raise_case(no, {"kind": "damaged"})
        cid = case["id"]
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "file_claim"}),
                              ("amount_claimed", "required"))
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "file_claim", "amount_claimed": -5}),
                              "amount_claimed")
        self.act(cid, {"action": "claim_settled", "amount_recovered": 10}, expect=409)
        filed = self.act(cid, {"action": "file_claim", "amount_claimed": 8000,
                               "note": "中通理赔单 ZT-1"})
        self.assertEqual(filed["logistics"]["claim"]["status"], "filed")
        self.assertEqual(filed["logistics"]["claim"]["amount_claimed"], 8000)
        self.assertIsNone(filed["logistics"]["claim"]["amount_recovered"])
        self.act(cid, {"action": "file_claim", "amount_claimed": 100}, expect=409)
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "claim_settled",
                                                "amount_recovered": 8001}),
                              ("amount_recovered", "exceeds_claim"))
        settled = self.act(cid, {"action": "claim_settled", "amount_recovered": 6000})
        claim = settled["logistics"]["claim"]
        self.assertEqual((claim["status"], claim["amount_claimed"], claim["amount_recovered"]),
                         ("settled", 8000, 6000))
        self.assertIsNotNone(claim["settled_at"])
        self.act(cid, {"action": "claim_settled", "amount_recovered": 1}, expect=409)
        self.assertEqual([x["action"] for x in settled["actions"]],
                         ["raise", "file_claim", "claim_settled"])
        self.assertIsNone(settled["decision"], "a claim is not a decision about the order")
        # Owner and deadline as the pool gives any exception.
        mine = self.srv.ok("POST", "/v1/exceptions/%d/assign" % cid,
                           {"owner": "kefu-li", "deadline": today_cst(2) + "T18:00:00+08:00"})
        self.assertEqual(mine["owner"], "kefu-li")
        # A logistics action on an exception that is not about the road is refused.
        other = self.srv.post_order(make_order([(a, 1)],
                                               requested_delivery_date=today_cst(-1)))
        [late] = open_exceptions(other, "delivery_date_past")
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % late["id"],
                                               {"action": "file_claim",
                                                "amount_claimed": 100}),
                              ("action", "not_for_code"))
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % late["id"],
                                               {"action": "reship"}),
                              ("action", "not_for_code"))

    # ---- reshipping ----------------------------------------------------------------------

    def test_a_reship_is_reserved_again_and_flows_to_shipped(self):
        wh = self.warehouse()
        a, b = self.sku(wh, 20), self.sku(wh, 20)
        no, parcel = self.shipped_order(wh, [(a, 2, 3000), (b, 1, 500)])
        self.assertEqual(self.stock_at(wh, a), (18, 0))
        case = self.raise_case(no, {"kind": "lost"})
        self.srv.ok("POST", "/v1/exceptions/%d/assign" % case["id"], {"owner": "kefu-wang"})
        self.act(case["id"], {"action": "contact_carrier", "note": "中通确认丢件"})
        done = self.act(case["id"], {"action": "reship", "note": "买家同意补发"})
        self.assertEqual(done["decision"], "reship")
        [reship] = done["logistics"]["reshipments"]
        self.assertEqual(reship["parcel_id"], parcel["id"])
        self.assertEqual(sorted((i["sku"], i["qty"]) for i in reship["items"]),
                         sorted([(a, 2), (b, 1)]))
        rno = reship["order_no"]
        self.assertNotEqual(rno, no)
        r = self.srv.get_order(rno)
        self.assertEqual(r["status"], "approved")
        self.assertEqual(r["reship_of"], no)
        self.assertEqual(r["amounts"]["total"], 0)
        self.assertEqual(r["buyer"], self.srv.get_order(no)["buyer"])
        self.assertEqual(sorted((i["sku"], i["qty"], i["unit_price"]) for i in r["items"]),
                         sorted([(a, 2, 0), (b, 1, 0)]))
        self.assertEqual(sorted((x["sku"], x["qty"]) for x in r["reservations"]),
                         sorted([(a, 2), (b, 1)]))
        self.assertEqual(self.stock_at(wh, a), (18, 2), "the reship holds stock again")
        self.consistent()
        # The rest of the parcel's goods are all sent again: nothing more to reship.
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % case["id"],
                                               {"action": "reship",
                                                "items": [{"sku": b, "qty": 1}]}),
                              ("items", "exceeds_parcel"))
        # The reship order goes through the warehouse like any order.
        self.wave(wh, rno)
        self.pack(rno, [(a, 2), (b, 1)])
        shipped = self.ship(rno)
        self.assertEqual(shipped["status"], "shipped")
        self.assertEqual(self.stock_at(wh, a), (16, 0))
        self.assertEqual(self.stock_at(wh, b), (18, 0))
        self.consistent()
        after = self.srv.ok("GET", "/v1/exceptions/%d" % case["id"])
        self.assertEqual(after["logistics"]["reshipments"][0]["status"], "shipped")
        resolved = self.srv.ok("POST", "/v1/exceptions/%d/resolve" % case["id"],
                               {"note": "补发已签收"})
        self.assertEqual(resolved["status"], "resolved")
        self.assertEqual([x["action"] for x in resolved["actions"]],
                         ["raise", "assign", "contact_carrier", "reship", "resolve"])
        self.act(case["id"], {"action": "reship"}, expect=409)

    def test_reship_of_some_items_and_with_short_stock(self):
        wh = self.warehouse()
        a = self.sku(wh, 3)
        b = self.sku(wh, 10)
        no, parcel = self.shipped_order(wh, [(a, 3), (b, 2)], splittable=False)
        self.assertEqual(self.stock_at(wh, a), (0, 0))
        case = self.raise_case(no, {"kind": "damaged"})
        cid = case["id"]
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "reship",
                                                "items": [{"sku": a, "qty": 4}]}),
                              ("items", "exceeds_parcel"))
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "reship",
                                                "items": [{"sku": "NOPE-1", "qty": 1}]}),
                              ("items[0].sku", "not_in_parcel"))
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "reship", "items": []}), "items")
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "reship",
                                                "items": [{"sku": a, "qty": 0}]}),
                              "items[0].qty")
        # Only the broken units are sent again; there are none of them left in stock.
        done = self.act(cid, {"action": "reship", "items": [{"sku": a, "qty": 2}]})
        rno = done["logistics"]["reshipments"][0]["order_no"]
        r = self.srv.get_order(rno)
        self.assertEqual([(i["sku"], i["qty"]) for i in r["items"]], [(a, 2)])
        self.assertEqual(r["reservations"], [])
        [short] = open_exceptions(r, "stock_short")
        self.assertEqual(short["severity"], "red", "an order that ships whole waits for a person")
        self.consistent()
        # Restock: the reship order takes its units like any order waiting for stock.
        self.srv.put_stock(wh, a, 5)
        r = wait_for(lambda: (lambda o: o if o["reservations"] else None)(
            self.srv.get_order(rno)), what="the reship order reserved on restock")
        self.assertEqual([(x["sku"], x["qty"]) for x in r["reservations"]], [(a, 2)])
        self.assertEqual(open_exceptions(r, "stock_short"), [])
        self.consistent()
        # What is left of the parcel may still be sent again, no more.
        self.act(cid, {"action": "reship", "items": [{"sku": a, "qty": 1}, {"sku": b, "qty": 2}]})
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "reship",
                                                "items": [{"sku": a, "qty": 1}]}),
                              ("items", "exceeds_parcel"))
        self.assertEqual(len(self.srv.ok("GET", "/v1/exceptions/%d" % cid)
                             ["logistics"]["reshipments"]), 2)
        self.consistent()

    # ---- refunds -------------------------------------------------------------------------

    def test_a_refund_records_what_is_owed_back(self):
        wh = self.warehouse()
        a = self.sku(wh, 20)
        no, _ = self.shipped_order(wh, [(a, 2, 2500)], shipping_fee=600)
        case = self.raise_case(no, {"kind": "refused"})
        cid = case["id"]
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "refund", "amount": 5601}),
                              ("amount", "exceeds_paid"))
        # By default, what the parcel's goods cost.
        first = self.act(cid, {"action": "refund"})
        self.assertEqual(first["to_refund"], 5000)
        self.assertEqual(first["decision"], "refund")
        self.assertEqual(first["actions"][-1]["to_refund"], 5000)
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%d/actions" % cid,
                                               {"action": "refund", "amount": 601}),
                              ("amount", "exceeds_paid"))
        second = self.act(cid, {"action": "refund", "amount": 600, "note": "运费也退"})
        self.assertEqual(second["to_refund"], 5600)

    # ---- buyer messages ------------------------------------------------------------------

    def test_the_buyer_is_told_when_a_case_opens_and_ends(self):
        wh = self.warehouse()
        a = self.sku(wh, 20)
        no, parcel = self.shipped_order(wh, [(a, 1, 3000)], phone="13912340001")
        case = self.raise_case(no, {"kind": "lost", "note": "内部备注不外发"})
        opened = self.wait_text(no, "logistics_case_opened")
        self.assertIn("在运输途中丢失", opened["text"])
        self.assertIn(parcel["tracking_no"], opened["text"])
        self.assertIn("中通快递", opened["text"])
        self.assertNotIn("内部备注", opened["text"])
        done = self.act(case["id"], {"action": "reship"})
        rno = done["logistics"]["reshipments"][0]["order_no"]
        reshipped = self.wait_text(no, "logistics_reshipped")
        self.assertIn(rno, reshipped["text"])
        self.assertEqual(reshipped["params"]["reship_no"], rno)
        self.act(case["id"], {"action": "refund", "amount": 1250})
        refunded = self.wait_text(no, "logistics_refunded")
        self.assertIn("12.50元", refunded["text"])
        self.srv.ok("POST", "/v1/exceptions/%d/resolve" % case["id"], {"note": "done"})
        resolved = self.wait_text(no, "logistics_case_resolved")
        self.assertIn(no, resolved["text"])
        # The reship order is announced by the case, not confirmed as a 0.00 yuan purchase;
        # its shipment is told like any.
        self.wave(wh, rno)
        self.pack(rno, [(a, 1)])
        tracking = self.ship(rno)["parcels"][0]["tracking_no"]
        self.assertIn(tracking, self.wait_text(rno, "shipped")["text"])
        self.assertEqual(self.texts(rno, "order_confirmed"), [])
        events = [m["event"] for m in self.gateway.texts(order_no=no)]
        self.assertEqual(events.count("logistics_case_opened"), 1)
        templates = self.srv.ok("GET", "/v1/messages/templates")
        built_in = {(t["event"], t["medium"]) for t in templates if t["source"] == "built_in"}
        for event in ("logistics_case_opened", "logistics_reshipped", "logistics_refunded",
                      "logistics_case_resolved"):
            self.assertIn((event, "sms"), built_in)
            self.assertIn((event, "email"), built_in)

    # ---- an exception detected from tracking ---------------------------------------------

    def test_actions_work_on_a_detected_logistics_exception(self):
        wh = self.warehouse()
        a = self.sku(wh, 20)
        no, parcel = self.shipped_order(wh, [(a, 2, 1500)], phone="13912340002")
        eid = self.open_detected(no, "logistics_stale")
        exc = self.srv.ok("GET", "/v1/exceptions/%d" % eid)
        self.assertEqual(exc["logistics"]["kind"], "stale")
        self.assertIsNone(exc["logistics"]["parcel"], "detected: no case parcel of its own")
        self.act(eid, {"action": "contact_carrier", "note": "催件"})
        self.act(eid, {"action": "file_claim", "amount_claimed": 3000})
        self.act(eid, {"action": "claim_settled", "amount_recovered": 3000})
        # The order's only shipped parcel is the one meant.
        done = self.act(eid, {"action": "reship", "items": [{"sku": a, "qty": 1}]})
        [reship] = done["logistics"]["reshipments"]
        self.assertEqual(reship["parcel_id"], parcel["id"])
        self.assertEqual(self.stock_at(wh, a), (18, 1))
        self.consistent()
        refund = self.act(eid, {"action": "refund"})
        self.assertEqual(refund["to_refund"], 3000)
        self.assertIn("物流信息长时间未更新", self.wait_text(no, "logistics_reshipped")["text"])
        resolved = self.srv.ok("POST", "/v1/exceptions/%d/resolve" % eid, {"note": "ok"})
        self.assertEqual(resolved["status"], "resolved")
        self.wait_text(no, "logistics_case_resolved")
        self.assertEqual([x["action"] for x in resolved["actions"]],
                         ["contact_carrier", "file_claim", "claim_settled", "reship", "refund",
                          "resolve"])
