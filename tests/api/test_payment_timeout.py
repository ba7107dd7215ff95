"""Unpaid orders hold stock for ORDO_PAYMENT_HOLD_S seconds, then are cancelled with reason
payment_timeout, their stock released and an exception recorded."""

import unittest

from ordo_server import (ServerTestCase, make_order, open_exceptions, parse_rfc3339,
                         reserved_of, unique_sku, wait_for)

DEADLINE_S = 15.0  # hold is 1 s and the job runs at least every second; ASan is slow


class PaymentTimeoutTest(ServerTestCase):
    ENV = {"ORDO_PAYMENT_HOLD_S": "1"}

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def new_sku(self, on_hand):
        sku = unique_sku("PT")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, on_hand)
        return sku

    def wait_cancelled(self, order_no):
        def done():
            o = self.srv.get_order(order_no)
            return o if o["status"] == "cancelled" else None
        return wait_for(done, DEADLINE_S, 0.05, "order %s to time out" % order_no)

    def test_unpaid_order_times_out(self):
        sku = self.new_sku(10)
        o = self.srv.post_order(make_order([(sku, 3)], paid=False))
        self.assertEqual(o["status"], "pending_payment")
        self.assertEqual(reserved_of(o), 3)
        exp = parse_rfc3339(o["payment_expires_at"])
        created = parse_rfc3339(o["created_at"])
        self.assertAlmostEqual((exp - created).total_seconds(), 1.0, delta=1.0)

        c = self.wait_cancelled(o["order_no"])
        self.assertEqual(c["reservations"], [])
        self.assertNotIn("payment_expires_at", c)
        st = self.srv.stock(sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 0, 10))
        exc = [e for e in c["exceptions"] if e["code"] == "payment_timeout"]
        self.assertEqual(len(exc), 1, c["exceptions"])
        pool = self.srv.ok("GET", "/v1/exceptions?status=" + exc[0]["status"])
        self.assertIn(exc[0]["id"], [p["id"] for p in pool])
        last = self.srv.events(o["order_no"])[-1]
        self.assertEqual((last["from"], last["to"], last["reason"]),
                         ("pending_payment", "cancelled", "payment_timeout"))
        # A cancelled order stays cancelled.
        resp = self.srv.request("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "x"})
        self.assertProblem(resp, 409, "illegal_transition")

    def test_paid_orders_are_not_touched(self):
        sku = self.new_sku(10)
        paid = self.srv.post_order(make_order([(sku, 2)]))
        unpaid = self.srv.post_order(make_order([(sku, 2)], paid=False))
        self.wait_cancelled(unpaid["order_no"])
        p = self.srv.get_order(paid["order_no"])
        self.assertEqual(p["status"], "pending_review")
        self.assertEqual(reserved_of(p), 2)
        self.assertEqual(self.srv.stock(sku)["reserved"], 2)

    def test_released_stock_goes_to_waiting_order(self):
        sku = self.new_sku(2)
        unpaid = self.srv.post_order(make_order([(sku, 2)], paid=False))
        waiting = self.srv.post_order(make_order([(sku, 2)], splittable=False))
        self.assertEqual(len(open_exceptions(waiting, "stock_short")), 1)
        self.assertEqual(reserved_of(waiting), 0)
        self.wait_cancelled(unpaid["order_no"])

        w = wait_for(lambda: (lambda o: o if reserved_of(o) == 2 else None)(
            self.srv.get_order(waiting["order_no"])), DEADLINE_S, 0.05,
            "the waiting order to get the released stock")
        self.assertEqual(open_exceptions(w, "stock_short"), [])
        self.assertTrue([e for e in w["exceptions"]
                         if e["code"] == "stock_short" and e["status"] == "resolved"])
        st = self.srv.stock(sku)
        self.assertEqual((st["reserved"], st["available"]), (2, 0))

    def test_many_unpaid_orders_all_expire(self):
        sku = self.new_sku(50)
        nos = [self.srv.post_order(make_order([(sku, 1)], paid=False))["order_no"]
               for _ in range(20)]
        self.assertEqual(self.srv.stock(sku)["reserved"], 20)
        wait_for(lambda: self.srv.stock(sku)["reserved"] == 0, DEADLINE_S, 0.05,
                 "all 20 holds to expire")
        for n in nos:
            self.assertEqual(self.srv.get_order(n)["status"], "cancelled")


if __name__ == "__main__":
    unittest.main()
