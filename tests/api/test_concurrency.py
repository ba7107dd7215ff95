"""Concurrency: many clients at once over separate connections; never oversold, none lost."""

import concurrent.futures
import threading
import unittest

from ordo_server import (ServerTestCase, make_order, open_exceptions, reserved_of, unique_sku)


class ConcurrencyTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=50)

    def run_parallel(self, calls):
        """calls: list of (method, path, body). Each runs on its own connection in its own
        thread; all are released together by a barrier. Returns [(status, body)] in order."""
        barrier = threading.Barrier(len(calls))

        def one(call):
            method, path, body = call
            conn = self.srv.connection()
            try:
                conn.connect()
                barrier.wait(timeout=30)
                return self.srv.request(method, path, body, conn=conn)
            finally:
                conn.close()

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
            results = list(pool.map(one, calls))
        return [(s, b) for s, _, b in results]

    def test_fifty_buyers_ten_units(self):
        sku = unique_sku("HOT")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 10)
        orders = [make_order([(sku, 1)]) for _ in range(50)]
        results = self.run_parallel([("POST", "/v1/orders", o) for o in orders])
        statuses = [s for s, _ in results]
        self.assertEqual(statuses, [201] * 50, [b for s, b in results if s != 201][:3])
        bodies = [b for _, b in results]
        nos = [b["order_no"] for b in bodies]
        self.assertEqual(len(set(nos)), 50, "order numbers unique under concurrency")
        reserved = [b for b in bodies if reserved_of(b) == 1]
        short = [b for b in bodies if open_exceptions(b, "stock_short")]
        self.assertEqual(len(reserved), 10, "exactly the stock on hand is reserved")
        self.assertEqual(len(short), 40)
        self.assertFalse([b for b in reserved if open_exceptions(b, "stock_short")])
        self.assertFalse([b for b in short if reserved_of(b) != 0])
        st = self.srv.stock(sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 10, 0))
        # None lost: every order is retrievable and agrees with what intake said.
        for b in bodies:
            got = self.srv.get_order(b["order_no"])
            self.assertEqual(reserved_of(got), reserved_of(b))
        listed = {o["order_no"] for o in self.srv.list_all_orders()}
        self.assertTrue(set(nos) <= listed)
        self.assertEqual(sum(reserved_of(self.srv.get_order(n)) for n in nos), 10)

    def test_multi_line_orders_never_oversell(self):
        a, b = unique_sku("MA"), unique_sku("MB")
        for s in (a, b):
            self.srv.put_sku(s)
        self.srv.put_stock("BJ", a, 7)
        self.srv.put_stock("SH", a, 5)
        self.srv.put_stock("BJ", b, 9)
        calls = []
        for i in range(40):
            items = [(a, 1 + i % 2), (b, 1)] if i % 3 else [(b, 2), (a, 1)]
            calls.append(("POST", "/v1/orders", make_order(items, splittable=(i % 2 == 0))))
        results = self.run_parallel(calls)
        self.assertEqual([s for s, _ in results], [201] * len(calls))
        for sku, on_hand in ((a, 12), (b, 9)):
            st = self.srv.stock(sku)
            self.assertEqual(st["on_hand"], on_hand)
            self.assertLessEqual(st["reserved"], on_hand, "oversold %s" % sku)
            self.assertEqual(st["available"], st["on_hand"] - st["reserved"])
            for w in st["warehouses"]:
                self.assertLessEqual(w["reserved"], w["on_hand"])
                self.assertGreaterEqual(w["available"], 0)
            total = sum(r["qty"] for _, o in results for r in
                        self.srv.get_order(o["order_no"])["reservations"] if r["sku"] == sku)
            self.assertEqual(total, st["reserved"], "reservations add up for %s" % sku)
        for _, o in results:
            got = self.srv.get_order(o["order_no"])
            if not got["splittable"]:
                self.assertLessEqual(len({r["warehouse"] for r in got["reservations"]}), 1,
                                     "a non-splittable order uses one warehouse")

    def test_concurrent_identical_replays(self):
        sku = unique_sku("REP")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 100)
        order = make_order([(sku, 3)])
        results = self.run_parallel([("POST", "/v1/orders", order)] * 20)
        statuses = sorted(s for s, _ in results)
        self.assertEqual(statuses, [200] * 19 + [201], "exactly one creates, the rest replay")
        self.assertEqual(len({b["order_no"] for _, b in results}), 1)
        self.assertEqual(self.srv.stock(sku)["reserved"], 3)
        found = self.srv.list_all_orders({"q": order["external_id"]})
        self.assertEqual(len(found), 1)

    def test_concurrent_same_key_different_content(self):
        sku = unique_sku("REPX")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 100)
        base = make_order([(sku, 1)])
        variants = []
        for i in range(10):
            o = make_order([(sku, 1 + i)], external_id=base["external_id"])
            variants.append(("POST", "/v1/orders", o))
        results = self.run_parallel(variants)
        statuses = sorted(s for s, _ in results)
        self.assertEqual(statuses, [201] + [409] * 9)
        winner = [b for s, b in results if s == 201][0]
        self.assertEqual(self.srv.stock(sku)["reserved"], winner["items"][0]["qty"])
        for s, b in results:
            if s == 409:
                self.assertEqual(b["code"], "idempotency_mismatch")

    def test_concurrent_cancels_release_once(self):
        sku = unique_sku("CXL")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 10)
        o = self.srv.post_order(make_order([(sku, 4)]))
        path = "/v1/orders/%s/cancel" % o["order_no"]
        results = self.run_parallel([("POST", path, {"reason": "race %d" % i})
                                     for i in range(12)])
        statuses = sorted(s for s, _ in results)
        self.assertEqual(statuses, [200] + [409] * 11)
        st = self.srv.stock(sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 0, 10))
        cancels = [e for e in self.srv.events(o["order_no"]) if e["to"] == "cancelled"]
        self.assertEqual(len(cancels), 1)

    def test_concurrent_adjusts_all_count(self):
        sku = unique_sku("ADJ")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 0)
        calls = [("POST", "/v1/stock/BJ/%s/adjust" % sku, {"delta": 1, "reason": "r%d" % i})
                 for i in range(30)]
        results = self.run_parallel(calls)
        self.assertEqual([s for s, _ in results], [200] * 30)
        self.assertEqual(self.srv.stock(sku)["on_hand"], 30)

    def test_orders_and_cancels_and_stocktakes_race(self):
        sku = unique_sku("MIX")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 5)
        first = [self.srv.post_order(make_order([(sku, 1)])) for _ in range(5)]
        calls = [("POST", "/v1/orders", make_order([(sku, 1)])) for _ in range(15)]
        calls += [("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "x"})
                  for o in first]
        calls += [("POST", "/v1/stock/BJ/%s/adjust" % sku, {"delta": 1, "reason": "in"})
                  for _ in range(5)]
        results = self.run_parallel(calls)
        self.assertEqual([s for s, _ in results], [201] * 15 + [200] * 10)
        st = self.srv.stock(sku)
        self.assertEqual(st["on_hand"], 10)
        self.assertEqual(st["reserved"], 10, "10 units free, 15 waiting orders: all taken")
        new = [b for _, b in results[:15]]
        held = [reserved_of(self.srv.get_order(b["order_no"])) for b in new]
        self.assertEqual(sum(held), 10)
        for b in new:
            got = self.srv.get_order(b["order_no"])
            self.assertEqual(bool(open_exceptions(got, "stock_short")), reserved_of(got) == 0,
                             "exactly the unfilled orders keep a stock_short exception")


if __name__ == "__main__":
    unittest.main()
