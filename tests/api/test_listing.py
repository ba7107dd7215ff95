"""GET /v1/orders: newest first, cursor pagination, filters."""

import time
import unittest
import urllib.parse

from ordo_server import ServerTestCase, make_order, parse_rfc3339, unique_id

CHANNELS = ["taobao", "jd", "web", "douyin", "tmall", "jd", "store", "phone"]


class ListingTest(ServerTestCase):
    """One fresh server; setUpCatalog writes N orders; the tests only read (except the last
    ones, which add orders they account for)."""

    N = 56

    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        s.put_sku("L-1")
        s.put_stock("BJ", "L-1", 1000)
        s.put_sku("L-SHORT")  # no stock at all: every order for it is short
        cls.orders = []  # oldest first
        for i in range(cls.N):
            ch = CHANNELS[i % len(CHANNELS)]
            sku = "L-SHORT" if i % 5 == 3 else "L-1"
            phone = "139%08d" % (10000000 + i)
            o = s.post_order(make_order([(sku, 1)], channel=ch, paid=(i % 4 != 1),
                                        phone=phone, external_id=unique_id("LST")))
            cls.orders.append(o)
            if i in (7, 15, 40):
                time.sleep(0.02)  # distinct created_at for the since/until tests

    def page(self, **params):
        return self.assertStatus(
            self.srv.request("GET", "/v1/orders?" + urllib.parse.urlencode(params)), 200)

    def nos(self, items):
        return [o["order_no"] for o in items]

    def test_newest_first_default_page(self):
        page = self.page()
        newest = [o["order_no"] for o in reversed(self.orders)]
        self.assertIn("next_cursor", page)
        self.assertEqual(len(page["items"]), 50, "default page size is 50")
        self.assertIsInstance(page["next_cursor"], str)
        self.assertEqual(self.nos(page["items"]), newest[:50])
        rest = self.page(cursor=page["next_cursor"])
        self.assertEqual(self.nos(rest["items"]), newest[50:])
        self.assertIsNone(rest["next_cursor"])

    def test_listed_orders_are_full_orders(self):
        page = self.page(limit=1)
        self.assertEqual(page["items"][0], self.srv.get_order(self.orders[-1]["order_no"]))

    def test_cursor_walks_everything_exactly_once(self):
        for limit in (1, 5, 7, 55, 56, 57, 500):
            with self.subTest(limit=limit):
                seen, cursor, pages = [], None, 0
                while True:
                    params = {"limit": limit}
                    if cursor:
                        params["cursor"] = cursor
                    page = self.page(**params)
                    pages += 1
                    self.assertLessEqual(len(page["items"]), limit)
                    seen += self.nos(page["items"])
                    cursor = page["next_cursor"]
                    if not cursor:
                        break
                    self.assertIsInstance(cursor, str)
                    self.assertLess(pages, 100, "cursor never ends")
                self.assertEqual(seen, [o["order_no"] for o in reversed(self.orders)])
                n = len(self.orders)
                self.assertLessEqual(pages, -(-n // limit) + 1)

    def test_cursor_is_stable_while_new_orders_arrive(self):
        first = self.page(limit=10)
        # A new order arrives between pages; it is newer than everything listed, so the
        # walk continues where it was and neither repeats nor skips anything.
        extra = self.srv.post_order(make_order([("L-1", 1)], channel="web"))
        try:
            seen = self.nos(first["items"])
            cursor = first["next_cursor"]
            while cursor:
                page = self.page(limit=10, cursor=cursor)
                seen += self.nos(page["items"])
                cursor = page["next_cursor"]
            self.assertEqual(seen, [o["order_no"] for o in reversed(self.orders)])
        finally:
            self.srv.ok("POST", "/v1/orders/%s/cancel" % extra["order_no"], {"reason": "x"})
            type(self).orders.append(self.srv.get_order(extra["order_no"]))

    def test_limit_bounds(self):
        resp = self.srv.request("GET", "/v1/orders?limit=501")
        if resp[0] == 200:
            self.assertLessEqual(len(resp[2]["items"]), 500)
        else:
            self.assertValidation(resp, "limit")
        self.assertEqual(len(self.page(limit=500)["items"]), len(self.orders))
        for bad in ("0", "-1", "abc"):
            resp = self.srv.request("GET", "/v1/orders?limit=" + bad)
            self.assertIn(resp[0], (200, 400, 422), "limit=%s" % bad)

    def test_bad_cursor(self):
        resp = self.srv.request("GET", "/v1/orders?cursor=%21%21garbage")
        self.assertProblem(resp, (400, 422))

    def test_filter_status(self):
        for status in ("pending_payment", "pending_review"):
            want = [o["order_no"] for o in reversed(self.orders) if o["status"] == status]
            self.assertTrue(want)
            got = self.srv.list_all_orders({"status": status}, limit=3)
            self.assertEqual(self.nos(got), want, status)
            self.assertTrue(all(o["status"] == status for o in got))

    def test_filter_channel(self):
        want = [o["order_no"] for o in reversed(self.orders) if o["channel"] == "jd"]
        self.assertGreaterEqual(len(want), 3)
        got = self.srv.list_all_orders({"channel": "jd"}, limit=2)
        self.assertEqual(self.nos(got), want)
        self.assertEqual(self.page(channel="store")["items"][0]["channel"], "store")

    def test_filter_exception(self):
        want = [o["order_no"] for o in reversed(self.orders)
                if any(e["code"] == "stock_short" and e["status"] == "open"
                       for e in o["exceptions"])]
        self.assertEqual(len(want), len([i for i in range(self.N) if i % 5 == 3]))
        got = self.srv.list_all_orders({"exception": "stock_short"})
        self.assertEqual(self.nos(got), want)
        self.assertEqual(self.page(exception="coupon_mismatch")["items"], [])

    def test_filter_combined(self):
        want = [o["order_no"] for o in reversed(self.orders)
                if o["channel"] == "jd" and o["status"] == "pending_review"]
        got = self.srv.list_all_orders({"channel": "jd", "status": "pending_review"})
        self.assertEqual(self.nos(got), want)

    def test_q_matches_order_no_external_id_phone(self):
        o = self.orders[4]
        for term in (o["order_no"], o["external_id"], o["buyer"]["phone"]):
            with self.subTest(q=term):
                got = self.page(q=term)["items"]
                self.assertIn(o["order_no"], self.nos(got))
                self.assertEqual(len(got), 1, "q=%s matches only that order" % term)
        self.assertEqual(self.page(q="NO-SUCH-THING-42")["items"], [])
        self.assertEqual(self.page(q="' OR 1=1 --")["items"], [])
        self.assertEqual(self.page(q="%")["items"], [])

    def test_since_until(self):
        created = [parse_rfc3339(o["created_at"]) for o in self.orders]
        pivot_a, pivot_b = self.orders[8]["created_at"], self.orders[41]["created_at"]
        ta, tb = parse_rfc3339(pivot_a), parse_rfc3339(pivot_b)
        self.assertLess(created[7], ta, "orders 7 and 8 are 20 ms apart")

        got = self.nos(self.srv.list_all_orders({"since": pivot_a}))
        must = [o["order_no"] for o, t in zip(self.orders, created) if t > ta]
        must_not = [o["order_no"] for o, t in zip(self.orders, created) if t < ta]
        self.assertTrue(set(must) <= set(got), "since includes everything later")
        self.assertFalse(set(must_not) & set(got), "since excludes everything earlier")

        got = self.nos(self.srv.list_all_orders({"until": pivot_b}))
        must = [o["order_no"] for o, t in zip(self.orders, created) if t < tb]
        must_not = [o["order_no"] for o, t in zip(self.orders, created) if t > tb]
        self.assertTrue(set(must) <= set(got), "until includes everything earlier")
        self.assertFalse(set(must_not) & set(got), "until excludes everything later")

        got = self.nos(self.srv.list_all_orders({"since": pivot_a, "until": pivot_b}))
        for o, t in zip(self.orders, created):
            if ta < t < tb:
                self.assertIn(o["order_no"], got)
            elif t < ta or t > tb:
                self.assertNotIn(o["order_no"], got)

        far = "2099-01-01T00:00:00+08:00"
        self.assertEqual(self.page(since=far)["items"], [])
        self.assertEqual(len(self.page(until=far, limit=500)["items"]), len(self.orders))

    def test_bad_filters_rejected(self):
        for params in ({"since": "last tuesday"}, {"until": "2026-13-01T00:00:00Z"}):
            with self.subTest(params=params):
                self.assertProblem(self.srv.request(
                    "GET", "/v1/orders?" + urllib.parse.urlencode(params)), (400, 422))


if __name__ == "__main__":
    unittest.main()
