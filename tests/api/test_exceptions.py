"""Exceptions raised at intake, the exception pool, and resolving."""

import unittest

from ordo_server import (ServerTestCase, make_order, open_exceptions, parse_rfc3339,
                         today_cst, unique_sku)


class ExceptionsTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("EX")
        self.srv.put_sku(self.sku)
        self.srv.put_stock("BJ", self.sku, 5)

    def pool(self, status="open"):
        return self.assertStatus(self.srv.request("GET", "/v1/exceptions?status=" + status),
                                 200)

    def test_clean_order_has_no_exceptions(self):
        o = self.srv.post_order(make_order([(self.sku, 1)]))
        self.assertEqual(o["exceptions"], [])
        self.assertFalse([e for e in self.pool() if e["order_no"] == o["order_no"]])

    def test_stock_short(self):
        o = self.assertStatus(self.srv.request(
            "POST", "/v1/orders", make_order([(self.sku, 8)], splittable=False)), 201,
            "a short order is still accepted")
        self.assertEqual(o["status"], "pending_review")
        exc = open_exceptions(o, "stock_short")
        self.assertEqual(len(exc), 1, o["exceptions"])
        e = exc[0]
        for k in ("id", "code", "severity", "message", "status", "created_at"):
            self.assertIn(k, e)
        self.assertEqual(e["severity"], "red")
        self.assertTrue(e["message"])
        parse_rfc3339(e["created_at"])
        pooled = [p for p in self.pool() if p["id"] == e["id"]]
        self.assertEqual(len(pooled), 1, "the open exception is in the pool")
        p = pooled[0]
        self.assertEqual((p["order_no"], p["code"], p["severity"], p["status"]),
                         (o["order_no"], "stock_short", "red", "open"))
        for k in ("message", "created_at"):
            self.assertIn(k, p)

    def test_delivery_date_past(self):
        o = self.srv.post_order(make_order([(self.sku, 1)],
                                           requested_delivery_date=today_cst(-1)))
        exc = open_exceptions(o, "delivery_date_past")
        self.assertEqual(len(exc), 1, o["exceptions"])
        self.assertEqual(exc[0]["severity"], "yellow")
        self.assertEqual(o["status"], "pending_review")
        # Today (China time) is not in the past.
        o = self.srv.post_order(make_order([(self.sku, 1)], requested_delivery_date=today_cst()))
        self.assertEqual(open_exceptions(o, "delivery_date_past"), [])

    def test_coupon_mismatch_discount_total(self):
        order = make_order([(self.sku, 1, 5000)], discounts=[{"code": "A", "amount": 500},
                                                              {"code": "B", "amount": 300}])
        order["discount_total"] = 900
        o = self.srv.post_order(order)
        exc = open_exceptions(o, "coupon_mismatch")
        self.assertEqual(len(exc), 1, o["exceptions"])
        self.assertEqual(exc[0]["severity"], "yellow")

        order = make_order([(self.sku, 1, 5000)], discounts=[{"code": "A", "amount": 500},
                                                              {"code": "B", "amount": 300}])
        order["discount_total"] = 800
        o = self.srv.post_order(order)
        self.assertEqual(open_exceptions(o, "coupon_mismatch"), [], "matching total is fine")

    def test_coupon_mismatch_duplicate_code(self):
        order = make_order([(self.sku, 1, 5000)], discounts=[{"code": "DUP", "amount": 500},
                                                              {"code": "DUP", "amount": 500}])
        o = self.srv.post_order(order)
        self.assertEqual(len(open_exceptions(o, "coupon_mismatch")), 1, o["exceptions"])

    def test_several_exceptions_on_one_order(self):
        order = make_order([(self.sku, 9)], splittable=False,
                           requested_delivery_date=today_cst(-3),
                           discounts=[{"code": "C", "amount": 100}, {"code": "C", "amount": 100}])
        o = self.srv.post_order(order)
        self.assertEqual(sorted(e["code"] for e in open_exceptions(o)),
                         ["coupon_mismatch", "delivery_date_past", "stock_short"])
        ids = {e["id"] for e in o["exceptions"]}
        self.assertEqual(len(ids), 3)
        pooled = {p["id"] for p in self.pool() if p["order_no"] == o["order_no"]}
        self.assertEqual(pooled, ids)

    def test_resolve(self):
        o = self.srv.post_order(make_order([(self.sku, 1)],
                                           requested_delivery_date=today_cst(-2)))
        e = open_exceptions(o, "delivery_date_past")[0]
        resp = self.srv.request("POST", "/v1/exceptions/%s/resolve" % e["id"],
                                {"note": "called the buyer, new date agreed"})
        r = self.assertStatus(resp, 200)
        self.assertEqual(r["id"], e["id"])
        self.assertEqual(r["status"], "resolved")
        self.assertEqual(r["code"], "delivery_date_past")
        self.assertFalse([p for p in self.pool() if p["id"] == e["id"]],
                         "resolved exceptions leave the open pool")
        after = self.srv.get_order(o["order_no"])
        mine = [x for x in after["exceptions"] if x["id"] == e["id"]]
        self.assertEqual(mine[0]["status"], "resolved")
        # Not listed under the open-exception filter any more.
        listed = self.srv.ok("GET", "/v1/orders?exception=delivery_date_past&limit=500")
        self.assertNotIn(o["order_no"], [x["order_no"] for x in listed["items"]])

        again = self.srv.request("POST", "/v1/exceptions/%s/resolve" % e["id"], {"note": "x"})
        self.assertProblem(again, 409)

    def test_resolve_unknown_404(self):
        self.assertProblem(self.srv.request("POST", "/v1/exceptions/987654321/resolve",
                                            {"note": "x"}), 404)

    def test_resolved_pool(self):
        o = self.srv.post_order(make_order([(self.sku, 1)],
                                           requested_delivery_date=today_cst(-2)))
        e = open_exceptions(o)[0]
        self.srv.ok("POST", "/v1/exceptions/%s/resolve" % e["id"], {"note": "ok"})
        resolved = self.pool("resolved")
        self.assertIn(e["id"], [p["id"] for p in resolved])
        self.assertTrue(all(p["status"] == "resolved" for p in resolved))
        self.assertTrue(all(p["status"] == "open" for p in self.pool("open")))


if __name__ == "__main__":
    unittest.main()
