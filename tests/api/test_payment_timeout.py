"""Unpaid orders hold stock for ORDO_PAYMENT_HOLD_S seconds, then are cancelled with reason
payment_timeout, their stock released and an exception recorded.

All scenarios are set up together in setUpClass so that their holds expire in parallel; each
test then awaits its own condition (polling with a deadline)."""

import unittest

from ordo_server import (ServerTestCase, make_order, open_exceptions, parse_rfc3339,
                         reserved_of, unique_sku, wait_for)

DEADLINE_S = 15.0  # hold is 1 s and the job runs at least every second; ASan is slow


class PaymentTimeoutTest(ServerTestCase):
    ENV = {"ORDO_PAYMENT_HOLD_S": "1"}

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

        def new_sku(on_hand):
            sku = unique_sku("PT")
            s.put_sku(sku)
            s.put_stock("BJ", sku, on_hand)
            return sku

        # 1. A lone unpaid order.
        cls.sku1 = new_sku(10)
        cls.unpaid1 = s.post_order(make_order([(cls.sku1, 3)], paid=False))
        # 2. Paid and unpaid side by side.
        cls.sku2 = new_sku(10)
        cls.paid2 = s.post_order(make_order([(cls.sku2, 2)]))
        cls.unpaid2 = s.post_order(make_order([(cls.sku2, 2)], paid=False))
        # 3. Released stock goes to a waiting order.
        cls.sku3 = new_sku(2)
        cls.unpaid3 = s.post_order(make_order([(cls.sku3, 2)], paid=False))
        cls.waiting3 = s.post_order(make_order([(cls.sku3, 2)], splittable=False))
        # 4. Many unpaid orders.
        cls.sku4 = new_sku(50)
        cls.unpaid4 = [s.post_order(make_order([(cls.sku4, 1)], paid=False))["order_no"]
                       for _ in range(20)]
        # 5. Cancelled by hand before the hold ran out: released once only.
        cls.sku5 = new_sku(5)
        cls.unpaid5 = s.post_order(make_order([(cls.sku5, 2)], paid=False))
        s.ok("POST", "/v1/orders/%s/cancel" % cls.unpaid5["order_no"], {"reason": "buyer"})
        cls.paid5 = s.post_order(make_order([(cls.sku5, 4)]))
        cls.sentinel = s.post_order(make_order([(new_sku(1), 1)], paid=False))

    def wait_cancelled(self, order_no):
        def done():
            o = self.srv.get_order(order_no)
            return o if o["status"] == "cancelled" else None
        return wait_for(done, DEADLINE_S, 0.05, "order %s to time out" % order_no)

    def test_unpaid_order_times_out(self):
        o = self.unpaid1
        self.assertEqual(o["status"], "pending_payment")
        self.assertEqual(reserved_of(o), 3)
        exp = parse_rfc3339(o["payment_expires_at"])
        created = parse_rfc3339(o["created_at"])
        self.assertAlmostEqual((exp - created).total_seconds(), 1.0, delta=1.0)

        c = self.wait_cancelled(o["order_no"])
        self.assertEqual(c["reservations"], [])
        self.assertNotIn("payment_expires_at", c)
        st = self.srv.stock(self.sku1)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 0, 10))
        exc = [e for e in c["exceptions"] if e["code"] == "payment_timeout"]
        self.assertEqual(len(exc), 1, c["exceptions"])
        pool = self.srv.ok("GET", "/v1/exceptions?limit=500&status=" + exc[0]["status"])["items"]
        self.assertIn(exc[0]["id"], [p["id"] for p in pool])
        mine = [p for p in pool if p["id"] == exc[0]["id"]][0]
        self.assertEqual((mine["order_no"], mine["code"]), (o["order_no"], "payment_timeout"))
        last = self.srv.events(o["order_no"])[-1]
        self.assertEqual((last["from"], last["to"], last["reason"]),
                         ("pending_payment", "cancelled", "payment_timeout"))
        # A cancelled order stays cancelled.
        resp = self.srv.request("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "x"})
        self.assertProblem(resp, 409, "illegal_transition")

    def test_paid_orders_are_not_touched(self):
        self.wait_cancelled(self.unpaid2["order_no"])
        p = self.srv.get_order(self.paid2["order_no"])
        self.assertEqual(p["status"], "pending_review")
        self.assertEqual(reserved_of(p), 2)
        self.assertEqual(self.srv.stock(self.sku2)["reserved"], 2)

    def test_released_stock_goes_to_waiting_order(self):
        self.assertEqual(len(open_exceptions(self.waiting3, "stock_short")), 1)
        self.assertEqual(reserved_of(self.waiting3), 0)
        self.wait_cancelled(self.unpaid3["order_no"])
        w = wait_for(lambda: (lambda o: o if reserved_of(o) == 2 else None)(
            self.srv.get_order(self.waiting3["order_no"])), DEADLINE_S, 0.05,
            "the waiting order to get the released stock")
        self.assertEqual(open_exceptions(w, "stock_short"), [])
        self.assertTrue([e for e in w["exceptions"]
                         if e["code"] == "stock_short" and e["status"] == "resolved"])
        st = self.srv.stock(self.sku3)
        self.assertEqual((st["reserved"], st["available"]), (2, 0))

    def test_many_unpaid_orders_all_expire(self):
        wait_for(lambda: self.srv.stock(self.sku4)["reserved"] == 0, DEADLINE_S, 0.05,
                 "all 20 holds to expire")
        for n in self.unpaid4:
            self.assertEqual(self.srv.get_order(n)["status"], "cancelled")

    def test_cancelled_before_expiry_is_not_released_twice(self):
        # Once an unpaid order created after it has expired, the job has certainly passed
        # the moment this one's hold would have run out.
        self.wait_cancelled(self.sentinel["order_no"])
        o = self.srv.get_order(self.unpaid5["order_no"])
        self.assertEqual(o["status"], "cancelled")
        self.assertEqual([e for e in o["exceptions"] if e["code"] == "payment_timeout"], [],
                         "cancelled by hand: no payment_timeout")
        st = self.srv.stock(self.sku5)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (5, 4, 1))
        self.assertEqual(reserved_of(self.srv.get_order(self.paid5["order_no"])), 4)


if __name__ == "__main__":
    unittest.main()
