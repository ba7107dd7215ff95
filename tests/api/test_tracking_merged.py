"""Tracking review fixes: a merged shipment's box is tracked for every order in it (pushes
with Kuaidi100's company codes, one poll per number), a number two carriers both use goes to
the right carrier's parcel, a repeated event classified anew moves the milestone, and the
buyer's page locks after too many wrong phone digits."""

import json

import test_merge
import test_tracking
from carrier_sim import CarrierSim
from ordo_server import ServerTestCase, make_order, q, unique_sku, wait_for
from test_shipping import CHEAP
from test_tracking import SALT, as_of, at


class MergedTrackingTest(ServerTestCase):
    # Warehouses, SKUs, orders, merges, waves, picking and packing as the merge tests do them.
    warehouse = test_merge.MergeTest.warehouse
    sku = test_merge.MergeTest.sku
    order = test_merge.MergeTest.order
    merge = test_merge.MergeTest.merge
    wave = test_merge.MergeTest.wave
    pick_all = test_merge.MergeTest.pick_all
    pack = test_merge.MergeTest.pack

    @classmethod
    def setUpCatalog(cls):
        srv = cls.srv
        cls.sim = CarrierSim()
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.ok("PUT", "/v1/merges/rule", {"enabled": False})
        srv.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        srv.ok("POST", "/v1/carriers/ZTO/tracking-numbers",
               {"numbers": ["7%013d" % (5000 + i) for i in range(20)]}, expect=(200,))
        # Two carriers whose pools both hold one number.
        for code, name in (("YD", "韵达快递"), ("STO", "申通快递")):
            srv.ok("PUT", "/v1/carriers/" + code, dict(CHEAP, name=name), expect=(201,))
            srv.ok("POST", "/v1/carriers/%s/tracking-numbers" % code,
                   {"numbers": ["3100000000001"]}, expect=(200,))
        srv.ok("PUT", "/v1/tracking/providers/kuaidi100", {"key": "k100-key", "salt": SALT})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.sim.close()

    def k100(self, number, state, data, com):
        status, _, body = test_tracking.TrackingTest.k100(self, number, state, data, com=com)
        self.assertEqual((status, body["result"]), (200, True), body)
        return body

    def status_of(self, no):
        return self.srv.get_order(no)["status"]

    def tracking(self, no):
        return self.srv.ok("GET", "/v1/orders/%s/tracking" % q(no))

    def merged_and_shipped(self):
        """Two orders of one buyer merged, packed into one box and shipped with ZTO."""
        wh = self.warehouse()
        a, b = self.sku(wh, "A-01-01-1"), self.sku(wh, "B-02-01-1")
        one, two = self.order([(a, 1)]), self.order([(b, 2)])
        self.merge([one, two])
        self.pick_all(self.wave(wh))
        status, _, data = self.pack(two, [(a, 1), (b, 2)])
        self.assertEqual(status, 200, data)
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(one), {"carrier": "ZTO"})
        self.assertEqual(shipped["shipment"]["orders"], [one, two])
        return one, two, shipped["shipment"]["tracking_no"]

    def shipped_alone(self, carrier):
        wh = self.warehouse()
        a = self.sku(wh)
        no = self.order([(a, 1)])
        self.pick_all(self.wave(wh))
        status, _, data = self.pack(no, [(a, 1)])
        self.assertEqual(status, 200, data)
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(no), {"carrier": carrier})
        return no, shipped["parcels"][0]["tracking_no"]

    def test_one_push_for_a_merged_box_moves_every_order_in_it(self):
        one, two, number = self.merged_and_shipped()
        for no in (one, two):
            [parcel] = self.tracking(no)["parcels"]
            self.assertEqual((parcel["carrier"], parcel["tracking_no"], parcel["open"]),
                             ("ZTO", number, True))
        # Kuaidi100 names ZTO by its own company code.
        out = [(at(-1), "【北京市朝阳区】快递员 张师傅 正在派件"), (at(-20), "快件已到达【北京转运中心】")]
        answer = self.k100(number, "5", out, com="zhongtong")
        self.assertEqual((answer["matched"], answer["parcels"], answer["new_events"]),
                         (True, 2, 2), "two orders' parcels, the box's two scans")
        self.assertEqual([self.status_of(n) for n in (one, two)],
                         ["out_for_delivery", "out_for_delivery"])
        self.k100(number, "3", [(at(-0.5), "已签收，签收人是：本人签收")] + out, com="zhongtong")
        for no in (one, two):
            self.assertEqual(self.status_of(no), "delivered")
            view = self.tracking(no)
            self.assertEqual(view["milestone"], "delivered")
            self.assertEqual([e["milestone"] for e in view["events"]],
                             ["delivered", "out_for_delivery", "in_transit"])
            self.assertFalse(view["parcels"][0]["open"])
            moves = [(e["from"], e["to"]) for e in self.srv.events(no) if e.get("type") == "status"]
            self.assertEqual(moves[-2:], [("shipped", "out_for_delivery"),
                                          ("out_for_delivery", "delivered")])

    def test_a_merged_box_is_polled_once_per_round(self):
        self.srv.ok("PUT", "/v1/tracking/carriers/ZTO",
                    {"api_url": self.sim.url, "poll_interval_minutes": 60})
        try:
            one, two, number = self.merged_and_shipped()
            self.sim.events[number] = [{"time": at(-2), "context": "【北京市】中通快递 已揽收"}]
            ids = {p["id"] for no in (one, two) for p in self.tracking(no)["parcels"]}
            round_ = self.srv.ok("POST", "/v1/tracking/poll", {"as_of": as_of(1, 1)})
            mine = [p for p in round_["parcels"] if p["parcel_id"] in ids]
            self.assertEqual(len(mine), 2, round_)
            self.assertTrue(all(p["ok"] and p["new_events"] == 1 for p in mine), mine)
            self.assertEqual(self.sim.asked(number), 1, "one box, one ask")
            for no in (one, two):
                self.assertEqual(self.tracking(no)["milestone"], "collected")
        finally:
            self.srv.ok("PUT", "/v1/tracking/carriers/ZTO", {"poll_interval_minutes": 60})

    def test_a_number_two_carriers_use_goes_to_the_carrier_named(self):
        by_yunda, number = self.shipped_alone("YD")
        by_shentong, same = self.shipped_alone("STO")
        self.assertEqual(number, same)
        answer = self.k100(number, "3", [(at(-1), "已签收，签收人是：前台")], com="yunda")
        self.assertEqual((answer["matched"], answer["parcels"]), (True, 1))
        self.assertEqual(self.status_of(by_yunda), "delivered")
        self.assertEqual(self.status_of(by_shentong), "shipped")
        self.assertEqual(self.tracking(by_shentong)["events"], [])
        # A company code the table does not know, set on the carrier's tracking settings.
        self.srv.ok("PUT", "/v1/tracking/carriers/STO", {"kuaidi100_code": "sto-express"})
        self.assertEqual(self.srv.ok("GET", "/v1/tracking/carriers/STO")["kuaidi100_code"],
                         "sto-express")
        self.k100(number, "5", [(at(-1), "【上海市】快递员 正在派件")], com="sto-express")
        self.assertEqual(self.status_of(by_shentong), "out_for_delivery")
        self.assertEqual(self.status_of(by_yunda), "delivered")
        # A company neither carrier answers to: whose scan it is cannot be told; nothing moves.
        answer = self.k100(number, "2", [(at(-0.2), "快件疑难")], com="unknowncompany")
        self.assertEqual((answer["matched"], answer["parcels"]), (False, 0))
        self.assertEqual(self.tracking(by_shentong)["milestone"], "out_for_delivery")

    def test_a_repeated_event_classified_anew_moves_the_milestone(self):
        no, number = self.shipped_alone("ZTO")
        event = [(at(-1), "快件已到达【北京朝阳营业部】")]
        self.assertEqual(self.k100(number, "0", event, com="zhongtong")["new_events"], 1)
        self.assertEqual(self.tracking(no)["milestone"], "in_transit")
        self.assertEqual(self.k100(number, "0", event, com="zhongtong")["new_events"], 0)
        # Kuaidi100 repeats the same scan with the parcel now marked delivered.
        self.assertEqual(self.k100(number, "3", event, com="zhongtong")["new_events"], 1)
        view = self.tracking(no)
        self.assertEqual(view["milestone"], "delivered")
        self.assertEqual([e["milestone"] for e in view["events"]], ["delivered"], "one event")
        self.assertEqual(self.status_of(no), "delivered")


class TrackPageLockTest(ServerTestCase):
    """The buyer's page with small limits: 3 wrong tries per order, 6 per client address,
    within a 2-second window that is also the lock."""
    ENV = {"ORDO_TRACK_MAX_FAILURES": "3", "ORDO_TRACK_CLIENT_MAX_FAILURES": "6",
           "ORDO_TRACK_LOCK_S": "2"}

    def page(self, no, digits, json_view=True):
        headers = {"Accept": "application/json"} if json_view else None
        return self.srv.request("GET", "/track/%s?phone_last4=%s" % (q(no), digits), token=None,
                                headers=headers)

    def assertLocked(self, answer):
        status, headers, body = answer
        self.assertEqual(status, 429, body)
        self.assertIn(int(headers["retry-after"]), (1, 2))
        self.assertNotIn("order_no", json.dumps(body))

    def test_wrong_digits_lock_the_order_then_the_address(self):
        sku = unique_sku("TRK")
        self.srv.put_sku(sku)
        no = self.srv.post_order(make_order([(sku, 1)], phone="13912345678"))["order_no"]
        self.assertEqual(self.page(no, "5678")[0], 200)
        for digits in ("0000", "1111", "2222"):
            self.assertEqual(self.page(no, digits)[0], 404)
        # Locked: the right digits are refused too, the HTML page the same way.
        self.assertLocked(self.page(no, "5678"))
        status, headers, page = self.page(no, "5678", json_view=False)
        self.assertEqual(status, 429)
        self.assertIn("retry-after", headers)
        self.assertNotIn(no, page)
        # Not digits at all is no guess: it never counts.
        wait_for(lambda: self.page(no, "5678")[0] == 200, what="the order's lock to run out")
        for _ in range(5):
            self.assertEqual(self.srv.request("GET", "/track/%s" % q(no), token=None)[0], 404)
        self.assertEqual(self.page(no, "5678")[0], 200)

        # One wrong try at each of six order numbers locks the address for every order.
        for i in range(6):
            self.assertEqual(self.page("NO-SUCH-%d" % i, "0000")[0], 404)
        self.assertLocked(self.page(no, "5678"))
        wait_for(lambda: self.page(no, "5678")[0] == 200, what="the address's lock to run out")
