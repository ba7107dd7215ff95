"""Order timeline (events) and cancellation."""

import unittest

from ordo_server import ServerTestCase, make_order, parse_rfc3339, unique_sku


class TimelineCancelTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("TL")
        self.srv.put_sku(self.sku)
        self.srv.put_stock("BJ", self.sku, 10)

    def test_first_event_is_created(self):
        for paid, status in ((True, "pending_review"), (False, "pending_payment")):
            o = self.srv.post_order(make_order([(self.sku, 1)], paid=paid))
            evs = self.assertStatus(self.srv.request("GET", "/v1/orders/%s/events"
                                                     % o["order_no"]), 200)
            self.assertIsInstance(evs, list)
            self.assertGreaterEqual(len(evs), 1)
            first = evs[0]
            for k in ("at", "actor", "type", "from", "to", "reason"):
                self.assertIn(k, first, "event member %s" % k)
            self.assertEqual(first["type"], "created")
            self.assertIsNone(first["from"])
            self.assertEqual(first["to"], status)
            parse_rfc3339(first["at"])

    def test_events_unknown_order_404(self):
        self.assertProblem(self.srv.request("GET", "/v1/orders/99999999999999/events"), 404)

    def test_cancel_releases_stock(self):
        o = self.srv.post_order(make_order([(self.sku, 4)]))
        self.assertEqual(self.srv.stock(self.sku)["available"], 6)
        resp = self.srv.request("POST", "/v1/orders/%s/cancel" % o["order_no"],
                                {"reason": "买家取消"})
        c = self.assertStatus(resp, 200)
        self.assertEqual(c["order_no"], o["order_no"])
        self.assertEqual(c["status"], "cancelled")
        self.assertEqual(c["reservations"], [])
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 0, 10))
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], "cancelled")

        evs = self.srv.events(o["order_no"])
        self.assertEqual(evs[0]["type"], "created")
        last = evs[-1]
        self.assertEqual((last["from"], last["to"]), ("pending_review", "cancelled"))
        self.assertEqual(last["reason"], "买家取消")
        times = [parse_rfc3339(e["at"]) for e in evs]
        self.assertEqual(times, sorted(times), "events oldest first")

    def test_cancel_twice_is_illegal(self):
        o = self.srv.post_order(make_order([(self.sku, 1)]))
        self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "one"})
        n_events = len(self.srv.events(o["order_no"]))
        resp = self.srv.request("POST", "/v1/orders/%s/cancel" % o["order_no"],
                                {"reason": "two"})
        body = self.assertProblem(resp, 409, "illegal_transition")
        self.assertIn("cancelled", body["detail"], "the detail names the current state")
        self.assertEqual(len(self.srv.events(o["order_no"])), n_events)
        self.assertEqual(self.srv.stock(self.sku)["available"], 10, "released only once")

    def test_cancel_requires_reason(self):
        o = self.srv.post_order(make_order([(self.sku, 2)]))
        for body in ({}, {"reason": ""}, {"reason": 5}):
            with self.subTest(body=body):
                resp = self.srv.request("POST", "/v1/orders/%s/cancel" % o["order_no"], body)
                self.assertValidation(resp, "reason")
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], "pending_review")
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 2)

    def test_cancel_pending_payment(self):
        o = self.srv.post_order(make_order([(self.sku, 3)], paid=False))
        c = self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "unpaid"})
        self.assertEqual(c["status"], "cancelled")
        self.assertNotIn("payment_expires_at", c)
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 0)
        last = self.srv.events(o["order_no"])[-1]
        self.assertEqual((last["from"], last["to"]), ("pending_payment", "cancelled"))

    def test_cancel_unknown_order_404(self):
        resp = self.srv.request("POST", "/v1/orders/99999999999999/cancel", {"reason": "x"})
        self.assertProblem(resp, 404)

    def test_cancel_short_order_closes_nothing_wrongly(self):
        o = self.srv.post_order(make_order([(self.sku, 15)], splittable=False))
        self.assertTrue([e for e in o["exceptions"] if e["code"] == "stock_short"])
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 0)
        c = self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "x"})
        self.assertEqual(c["status"], "cancelled")
        st = self.srv.stock(self.sku)
        self.assertEqual((st["reserved"], st["available"]), (0, 10))


if __name__ == "__main__":
    unittest.main()
