"""Allocation rules, short stock, refill (stocktake / adjust / cancellation) oldest first,
and stocktakes below the reserved amount taking back from the newest orders."""

import unittest

from ordo_server import (ADDR_BEIJING, ADDR_GUANGZHOU, ADDR_HANGZHOU, ADDR_SHANGHAI,
                         ServerTestCase, make_order, open_exceptions, reserved_of, unique_sku)


def resolved_exceptions(order, code):
    return [e for e in order.get("exceptions") or []
            if e.get("code") == code and e.get("status") == "resolved"]


class AllocationTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("W-BJ", "北京市", "北京市", "朝阳区", priority=1)
        s.put_warehouse("W-GZ", "广东省", "广州市", "天河区", priority=50)
        s.put_warehouse("W-SH", "上海市", "上海市", "浦东新区", priority=30)

    def sku_with(self, **per_wh):
        sku = unique_sku("AL")
        self.srv.put_sku(sku)
        for wh, n in per_wh.items():
            self.srv.put_stock(wh.replace("_", "-"), sku, n)
        return sku

    def res(self, order):
        return sorted((r["sku"], r["warehouse"], r["qty"]) for r in order["reservations"])

    def test_buyer_province_preferred_over_priority(self):
        sku = self.sku_with(W_BJ=10, W_GZ=10, W_SH=10)
        o = self.srv.post_order(make_order([(sku, 3)], address=ADDR_GUANGZHOU))
        self.assertEqual(self.res(o), [(sku, "W-GZ", 3)])
        o = self.srv.post_order(make_order([(sku, 3)], address=ADDR_SHANGHAI))
        self.assertEqual(self.res(o), [(sku, "W-SH", 3)])

    def test_nearest_when_no_local_warehouse(self):
        sku = self.sku_with(W_BJ=10, W_GZ=10, W_SH=10)
        o = self.srv.post_order(make_order([(sku, 2)], address=ADDR_HANGZHOU))
        self.assertEqual(self.res(o), [(sku, "W-SH", 2)],
                         "the default policy is nearest: Shanghai, not Beijing's priority")

    def test_local_warehouse_that_cannot_fill_is_skipped(self):
        sku = self.sku_with(W_BJ=1, W_GZ=10, W_SH=10)
        o = self.srv.post_order(make_order([(sku, 4)], address=ADDR_BEIJING, splittable=False))
        self.assertEqual(self.res(o), [(sku, "W-SH", 4)], "next nearest: SH before GZ")

    def test_whole_order_from_one_warehouse_when_possible(self):
        a, b = unique_sku("AL"), unique_sku("AL")
        for s in (a, b):
            self.srv.put_sku(s)
        self.srv.put_stock("W-BJ", a, 10)       # BJ has only a
        self.srv.put_stock("W-GZ", a, 10)       # GZ has both
        self.srv.put_stock("W-GZ", b, 10)
        o = self.srv.post_order(make_order([(a, 2), (b, 2)], address=ADDR_HANGZHOU,
                                           splittable=False))
        self.assertEqual(self.res(o), sorted([(a, "W-GZ", 2), (b, "W-GZ", 2)]),
                         "not splittable: the one warehouse that fills the whole order")

    def test_split_when_splittable(self):
        sku = self.sku_with(W_BJ=2, W_GZ=3)
        o = self.srv.post_order(make_order([(sku, 5)], address=ADDR_HANGZHOU, splittable=True))
        self.assertEqual(self.res(o), [(sku, "W-BJ", 2), (sku, "W-GZ", 3)])
        self.assertEqual(o["items"][0]["reserved_qty"], 5)
        self.assertEqual(open_exceptions(o, "stock_short"), [])

    def test_no_split_when_not_splittable(self):
        sku = self.sku_with(W_BJ=2, W_GZ=3)
        o = self.srv.post_order(make_order([(sku, 5)], address=ADDR_HANGZHOU, splittable=False))
        self.assertEqual(o["reservations"], [], "all or nothing from one warehouse")
        self.assertEqual(o["items"][0]["reserved_qty"], 0)
        self.assertEqual(len(open_exceptions(o, "stock_short")), 1)
        st = self.srv.stock(sku)
        self.assertEqual((st["reserved"], st["available"]), (0, 5))

    def test_not_splittable_lines_in_different_warehouses(self):
        a, b = unique_sku("AL"), unique_sku("AL")
        for s in (a, b):
            self.srv.put_sku(s)
        self.srv.put_stock("W-BJ", a, 5)
        self.srv.put_stock("W-GZ", b, 5)
        o = self.srv.post_order(make_order([(a, 1), (b, 1)], splittable=False))
        self.assertEqual(o["reservations"], [])
        self.assertEqual(len(open_exceptions(o, "stock_short")), 1)
        o = self.srv.post_order(make_order([(a, 1), (b, 1)], splittable=True))
        self.assertEqual(self.res(o), sorted([(a, "W-BJ", 1), (b, "W-GZ", 1)]))

    def test_splittable_reserves_what_it_can(self):
        a, b = unique_sku("AL"), unique_sku("AL")
        for s in (a, b):
            self.srv.put_sku(s)
        self.srv.put_stock("W-BJ", a, 10)
        self.srv.put_stock("W-BJ", b, 1)
        o = self.srv.post_order(make_order([(a, 3), (b, 4)], splittable=True))
        self.assertEqual([l["reserved_qty"] for l in o["items"]], [3, 1])
        self.assertEqual(self.res(o), sorted([(a, "W-BJ", 3), (b, "W-BJ", 1)]))
        self.assertEqual(len(open_exceptions(o, "stock_short")), 1)

    def test_same_sku_on_two_lines(self):
        sku = self.sku_with(W_BJ=5)
        o = self.srv.post_order(make_order([(sku, 2), (sku, 2)], splittable=False))
        self.assertEqual(reserved_of(o), 4)
        o = self.srv.post_order(make_order([(sku, 1), (sku, 1)], splittable=False))
        self.assertEqual(reserved_of(o), 0, "only 1 left: the order needs 2")
        self.assertEqual(self.srv.stock(sku)["reserved"], 4)


class RefillTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("R-BJ", "北京市", "北京市", "朝阳区", priority=1)

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("RF")
        self.srv.put_sku(self.sku)
        self.srv.put_stock("R-BJ", self.sku, 0)

    def short_orders(self, n, qty=2):
        out = []
        for _ in range(n):
            o = self.srv.post_order(make_order([(self.sku, qty)], splittable=False))
            self.assertEqual(reserved_of(o), 0)
            self.assertEqual(len(open_exceptions(o, "stock_short")), 1)
            out.append(o)
        return out

    def state(self, orders):
        return [reserved_of(self.srv.get_order(o["order_no"])) for o in orders]

    def assert_exceptions(self, orders, filled):
        for o, f in zip(orders, filled):
            got = self.srv.get_order(o["order_no"])
            if f:
                self.assertEqual(open_exceptions(got, "stock_short"), [],
                                 "filled order %s still has an open stock_short"
                                 % o["order_no"])
                pool = self.srv.ok("GET", "/v1/exceptions?status=open&limit=500")["items"]
                self.assertFalse([p for p in pool if p["order_no"] == o["order_no"]
                                  and p["code"] == "stock_short"])
            else:
                self.assertEqual(len(open_exceptions(got, "stock_short")), 1)

    def test_refill_by_stocktake_oldest_first(self):
        a, b, c = self.short_orders(3)
        self.srv.put_stock("R-BJ", self.sku, 3)
        self.assertEqual(self.state([a, b, c]), [2, 0, 0], "the oldest waiting order first")
        self.assert_exceptions([a, b, c], [True, False, False])
        got = self.srv.get_order(a["order_no"])
        self.assertEqual(len(resolved_exceptions(got, "stock_short")), 1,
                         "the stock_short exception is closed (status resolved)")
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (3, 2, 1))
        self.srv.put_stock("R-BJ", self.sku, 6)
        self.assertEqual(self.state([a, b, c]), [2, 2, 2])
        self.assert_exceptions([a, b, c], [True, True, True])
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (6, 6, 0))

    def test_refill_by_adjust_oldest_first(self):
        a, b, c = self.short_orders(3)
        self.srv.adjust("R-BJ", self.sku, 2, "goods in")
        self.assertEqual(self.state([a, b, c]), [2, 0, 0])
        self.srv.adjust("R-BJ", self.sku, 3, "goods in")
        self.assertEqual(self.state([a, b, c]), [2, 2, 0])
        self.assert_exceptions([a, b, c], [True, True, False])
        self.assertEqual(self.srv.stock(self.sku)["available"], 1)
        self.srv.adjust("R-BJ", self.sku, 1, "goods in")
        self.assertEqual(self.state([a, b, c]), [2, 2, 2])
        self.assert_exceptions([a, b, c], [True, True, True])

    def test_refill_by_cancellation(self):
        self.srv.put_stock("R-BJ", self.sku, 2)
        holder = self.srv.post_order(make_order([(self.sku, 2)], splittable=False))
        self.assertEqual(reserved_of(holder), 2)
        a, b = self.short_orders(2)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % holder["order_no"], {"reason": "buyer"})
        self.assertEqual(self.state([a, b]), [2, 0])
        self.assert_exceptions([a, b], [True, False])
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (2, 2, 0))

    def test_refill_partial_for_splittable(self):
        a = self.srv.post_order(make_order([(self.sku, 3)], splittable=True))
        self.assertEqual(reserved_of(a), 0)
        self.srv.put_stock("R-BJ", self.sku, 2)
        got = self.srv.get_order(a["order_no"])
        self.assertEqual(reserved_of(got), 2, "a splittable order takes what there is")
        self.assertEqual(len(open_exceptions(got, "stock_short")), 1, "still short by one")
        self.srv.adjust("R-BJ", self.sku, 1, "in")
        got = self.srv.get_order(a["order_no"])
        self.assertEqual(reserved_of(got), 3)
        self.assertEqual(got["items"][0]["reserved_qty"], 3)
        self.assertEqual(open_exceptions(got, "stock_short"), [])

    def test_cancelled_short_order_gets_nothing(self):
        a, b = self.short_orders(2)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % a["order_no"], {"reason": "x"})
        self.srv.put_stock("R-BJ", self.sku, 2)
        self.assertEqual(self.state([a, b]), [0, 2], "cancelled orders wait for nothing")

    def test_stocktake_below_reserved_takes_from_newest(self):
        self.srv.put_stock("R-BJ", self.sku, 6)
        a, b, c = [self.srv.post_order(make_order([(self.sku, 2)], splittable=False))
                   for _ in range(3)]
        self.assertEqual(self.state([a, b, c]), [2, 2, 2])
        body = self.srv.put_stock("R-BJ", self.sku, 4, reason="stocktake: 2 missing")
        self.assertEqual((body["on_hand"], body["reserved"], body["available"]), (4, 4, 0))
        self.assertEqual(self.state([a, b, c]), [2, 2, 0], "the newest order gives back")
        self.assert_exceptions([a, b, c], [True, True, False])
        cc = self.srv.get_order(c["order_no"])
        self.assertEqual(len(open_exceptions(cc, "stock_short")), 1)
        self.assertEqual(open_exceptions(cc, "stock_short")[0]["severity"], "red")

        self.srv.put_stock("R-BJ", self.sku, 2)
        self.assertEqual(self.state([a, b, c]), [2, 0, 0])
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (2, 2, 0))

        # And when stock comes back, the oldest waiting order (b) is served first.
        self.srv.put_stock("R-BJ", self.sku, 4)
        self.assertEqual(self.state([a, b, c]), [2, 2, 0])
        self.srv.put_stock("R-BJ", self.sku, 6)
        self.assertEqual(self.state([a, b, c]), [2, 2, 2])
        self.assert_exceptions([a, b, c], [True, True, True])

    def test_never_oversold(self):
        self.srv.put_stock("R-BJ", self.sku, 5)
        orders = [self.srv.post_order(make_order([(self.sku, 2)], splittable=True))
                  for _ in range(5)]
        st = self.srv.stock(self.sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (5, 5, 0))
        self.assertEqual(sum(self.state(orders)), 5)


if __name__ == "__main__":
    unittest.main()
