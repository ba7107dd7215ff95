"""Console support: the managers' dashboard (orders per status now, intake per minute, time per
stage against its SLA, error rates per stage, the peak hour against capacity) measured on
orders driven through the API — reviewed, rejected, waved, scanned with one wrong item,
packed, shipped, delivered, with a logistics case and an after-sales ticket — and the lists
the console reads (stock rows, warehouses, webhooks, waves, logistics cases across orders),
with who may read each."""

import collections
import itertools
import time
import urllib.parse

import test_completion
from ordo_server import ServerTestCase, ean13, make_order, parse_rfc3339, q, unique_sku

_wh_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def dashboard(srv, token=None, **params):
    query = "?" + urllib.parse.urlencode(params) if params else ""
    kw = {"token": token} if token else {}
    status, _, body = srv.request("GET", "/v1/stats/dashboard" + query, **kw)
    assert status == 200, body
    return body


def by_stage(items):
    return {i["stage"]: i for i in items}


class ConsoleDashboardTest(test_completion.CompletionSteps, ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        rules = cls.srv.ok("GET", "/v1/review/rules")
        cls.setUpShipping()
        # The default rules again: web orders with a remark wait for a reviewer.
        cls.srv.ok("PUT", "/v1/review/rules", {"rules": rules["rules"]})

    def warehouse(self):
        code = "CW%d" % next(_wh_seq)
        self.srv.put_warehouse(code, "上海市", "上海市", "浦东新区")
        return code

    def sku(self, wh, on_hand=20, bin_code="A-01-01"):
        sku = unique_sku("CON")
        self.srv.put_sku(sku, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        self.srv.put_stock(wh, sku, on_hand, bin=bin_code)
        return sku

    def held_order(self, lines):
        o = self.srv.post_order(make_order(lines))
        self.assertEqual(o["status"], "pending_review", o)
        return o["order_no"]

    def scan(self, task, expect=200, **body):
        status, _, data = self.srv.request("POST", "/v1/picks/%d/scan" % task, body)
        self.assertEqual(status, expect, data)
        return data

    def assertCounted(self, before, after, stage, errors, total):
        b, a = by_stage(before["error_rates"])[stage], by_stage(after["error_rates"])[stage]
        self.assertEqual((a["errors"] - b["errors"], a["total"] - b["total"]), (errors, total),
                         (stage, b, a))
        if a["total"]:
            self.assertAlmostEqual(a["rate"], a["errors"] / a["total"])
        else:
            self.assertIsNone(a["rate"])

    def test_the_dashboard_counts_a_day_at_the_warehouse(self):
        wh = self.warehouse()
        a, b, c = self.sku(wh), self.sku(wh), self.sku(wh)
        before = dashboard(self.srv)

        # Four paid orders wait for review: three approved, one rejected.
        o1 = self.held_order([(a, 1)])
        o2 = self.held_order([(a, 2)])
        o3 = self.held_order([(b, 1)])
        o4 = self.held_order([(a, 1)])
        for no in (o1, o2, o3):
            self.srv.ok("POST", "/v1/orders/%s/approve" % q(no), {"note": "电话确认"})
        self.srv.ok("POST", "/v1/orders/%s/reject" % q(o4), {"reason": "疑似刷单"})
        mid = dashboard(self.srv)
        self.assertCounted(before, mid, "review", 1, 4)

        # A wave takes the three; one wrong item is scanned, refused, and changes nothing.
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": wh, "strategy": "zone",
                                                 "max_orders": 100}, expect=(201,))
        self.assertEqual(sorted(wave["orders"]), sorted([o1, o2, o3]))
        [task] = wave["tasks"]
        lines = len(task["lines"])
        task_before = self.srv.ok("GET", "/v1/picks/%d" % task["id"])
        stock_before = self.srv.stock(c)
        refused = self.scan(task["id"], 422, barcode=ean13(c))
        self.assertIn(("barcode", "wrong_item"),
                      [(e["field"], e["code"]) for e in refused["errors"]])
        self.assertEqual(self.srv.ok("GET", "/v1/picks/%d" % task["id"]), task_before)
        self.assertEqual(self.srv.stock(c), stock_before)
        self.scan(task["id"], barcode=ean13(a), qty=3)
        done = self.scan(task["id"], barcode=ean13(b), qty=1)
        self.assertEqual(done["status"], "done", done)

        # One order is packed, shipped, has a damaged parcel, is delivered, and comes back.
        status, _, packed = self.pack(o1, [{"barcode": ean13(a), "qty": 1}])
        self.assertEqual(status, 200, packed)
        status, _, shipped = self.ship(o1)
        self.assertEqual(status, 200, shipped)
        case = self.srv.ok("POST", "/v1/orders/%s/logistics-cases" % q(o1),
                           {"kind": "damaged", "note": "外箱破损"}, expect=(201,))
        # Open logistics cases across orders: the exception pool by code family.
        family = self.srv.ok("GET", "/v1/exceptions?code=" + q("logistics_*"))["items"]
        self.assertIn(case["id"], [e["id"] for e in family])
        self.assertTrue(all(e["code"].startswith("logistics_") for e in family), family)
        self.assertEqual(self.srv.ok("GET", "/v1/exceptions?code=logistics")["items"], [])
        self.mark(o1, "delivered")
        self.srv.ok("POST", "/v1/orders/%s/after-sales" % q(o1),
                    {"type": "return_refund", "items": [{"sku": a, "qty": 1}], "reason": "破损"},
                    expect=(201,))

        after = dashboard(self.srv)
        self.assertEqual(after["window_minutes"], 60)
        self.assertCounted(before, after, "review", 1, 4)
        self.assertCounted(before, after, "picking", 0, lines)
        self.assertCounted(before, after, "scanning", 1, 3)
        self.assertCounted(before, after, "logistics", 1, 1)
        self.assertCounted(before, after, "after_sales", 1, 1)

        # Each stage ended for the orders that went through it, within its SLA.
        want = {"review": 3, "allocation": 3, "picking": 3, "packing": 1, "shipping": 1,
                "delivery": 1}
        sb, sa = by_stage(before["stages"]), by_stage(after["stages"])
        self.assertEqual([s["stage"] for s in after["stages"]],
                         ["review", "allocation", "picking", "packing", "shipping", "delivery"])
        for stage, n in want.items():
            self.assertEqual(sa[stage]["count"] - sb[stage]["count"], n, stage)
            self.assertEqual(sa[stage]["breaches"], 0, sa[stage])
            self.assertGreaterEqual(sa[stage]["avg_seconds"], 0)
            self.assertGreaterEqual(sa[stage]["p90_seconds"], 0)
            self.assertLess(sa[stage]["p90_seconds"], 120, "these took seconds, not minutes")
        self.assertEqual(sa["review"]["sla_seconds"], 1800)
        self.assertEqual(sa["delivery"]["sla_seconds"], 3 * 86400)

        # Intake: the last 60 minutes, oldest first, one bucket a minute, zeros included.
        intake = after["intake_per_minute"]
        self.assertEqual(len(intake), 60)
        minutes = [parse_rfc3339(m["minute"]) for m in intake]
        self.assertTrue(all((y - x).total_seconds() == 60 for x, y in zip(minutes, minutes[1:])))
        at = parse_rfc3339(after["at"])
        self.assertTrue(0 <= (at - minutes[-1]).total_seconds() < 60, (after["at"], intake[-1]))
        self.assertEqual(sum(m["count"] for m in intake) - sum(m["count"]
                                                               for m in before["intake_per_minute"]
                                                               if parse_rfc3339(m["minute"])
                                                               >= minutes[0]), 4)

        # Peak: this hour's orders are the intake buckets since the hour began.
        peak = after["peak"]
        hour = parse_rfc3339(peak["current_hour_start"])
        self.assertEqual(peak["current_hour_orders"],
                         sum(m["count"] for m, t in zip(intake, minutes) if t >= hour))
        self.assertGreaterEqual(peak["orders_in_busiest_hour"], peak["current_hour_orders"])
        self.assertGreaterEqual(peak["orders_in_busiest_hour"], 4)
        self.assertIsNotNone(peak["busiest_hour_start"])
        self.assertGreaterEqual(peak["capacity_per_hour"], 1, "an order shipped this hour")
        self.assertIsNotNone(peak["capacity_hour_start"])

        # Orders per status are the orders as they are now.
        counted = collections.Counter(o["status"] for o in self.srv.list_all_orders())
        self.assertEqual(after["orders_by_status"], dict(counted))
        self.assertEqual(self.srv.get_order(o4)["status"], "cancelled")

    def test_a_short_pick_is_counted(self):
        wh = self.warehouse()
        a = self.sku(wh, on_hand=3, bin_code="A-02-01")
        no = self.held_order([(a, 2)])
        self.srv.ok("POST", "/v1/orders/%s/approve" % q(no), {"note": "ok"})
        before = dashboard(self.srv)
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": wh, "strategy": "zone"},
                           expect=(201,))
        [task] = wave["tasks"]
        self.srv.ok("POST", "/v1/picks/%d/short" % task["id"],
                    {"sku": a, "bin": "A-02-01", "found": 1})
        after = dashboard(self.srv)
        self.assertCounted(before, after, "picking", 1, len(task["lines"]))

    def test_the_window_is_checked(self):
        for bad in ("0", "1441", "abc", "-5"):
            self.assertValidation(self.srv.request(
                "GET", "/v1/stats/dashboard?window_minutes=" + bad),
                ("window_minutes", "out_of_range"))
        small = dashboard(self.srv, window_minutes=5)
        self.assertEqual((small["window_minutes"], len(small["intake_per_minute"])), (5, 5))
        day = dashboard(self.srv, window_minutes=1440)
        self.assertEqual(len(day["intake_per_minute"]), 1440)


class ConsoleSlaTest(test_completion.CompletionSteps, ServerTestCase):
    # A one-second review SLA, so a review that takes longer is a breach.
    ENV = {"ORDO_SLA_REVIEW_S": "1"}

    @classmethod
    def setUpCatalog(cls):
        rules = cls.srv.ok("GET", "/v1/review/rules")
        cls.setUpShipping()
        cls.srv.ok("PUT", "/v1/review/rules", {"rules": rules["rules"]})
        cls.sku = unique_sku("SLA")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("SH", cls.sku, 10)

    def test_a_slow_review_breaches_the_configured_sla(self):
        before = by_stage(dashboard(self.srv)["stages"])["review"]
        o = self.srv.post_order(make_order([(self.sku, 1)]))
        self.assertEqual(o["status"], "pending_review")
        time.sleep(1.2)  # the review must take longer than the one-second SLA
        self.srv.ok("POST", "/v1/orders/%s/approve" % q(o["order_no"]), {"note": "ok"})
        after = by_stage(dashboard(self.srv)["stages"])["review"]
        self.assertEqual(after["sla_seconds"], 1)
        self.assertEqual((after["count"] - before["count"],
                          after["breaches"] - before["breaches"]), (1, 1))
        self.assertGreaterEqual(after["p90_seconds"], 1.2)


class ConsoleListsTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.ok("PUT", "/v1/review/rules", {"rules": []})
        cls.tokens = {}
        for role in ("reviewer", "warehouse", "customer_service", "finance"):
            name = "c-" + role.replace("_", "-")
            s.ok("POST", "/v1/users", {"name": name, "role": role, "password": PASSWORD},
                 expect=(201,))
            cls.tokens[role] = s.ok("POST", "/v1/users/%s/tokens" % name, {"label": "t"},
                                    expect=(201,))["token"]
        s.put_warehouse("LB", "北京市", "北京市", "朝阳区", priority=5)
        s.put_warehouse("LA", "上海市", "上海市", "浦东新区")
        cls.skus = sorted(unique_sku("LST") for _ in range(3))
        for sku in cls.skus:
            s.put_sku(sku)
        s.put_stock("LA", cls.skus[0], 10, safety_stock=2)
        s.put_stock("LB", cls.skus[0], 1, safety_stock=5)  # low
        s.put_stock("LA", cls.skus[1], 0, safety_stock=1)  # low
        s.put_stock("LB", cls.skus[2], 7)

    def as_role(self, role, path):
        return self.srv.request("GET", path, token=self.tokens[role])

    def stock_page(self, **params):
        return self.srv.ok("GET", "/v1/stock?" + urllib.parse.urlencode(params))

    def mine(self, items):
        return [(i["sku"], i["warehouse"]) for i in items if i["sku"] in self.skus]

    def test_stock_rows_filter_and_page(self):
        rows = self.stock_page(limit=500)["items"]
        self.assertEqual(self.mine(rows), [(self.skus[0], "LA"), (self.skus[0], "LB"),
                                           (self.skus[1], "LA"), (self.skus[2], "LB")])
        [row] = [r for r in rows if (r["sku"], r["warehouse"]) == (self.skus[0], "LB")]
        self.assertEqual(row, {"sku": self.skus[0], "warehouse": "LB", "on_hand": 1,
                               "reserved": 0, "available": 1, "safety_stock": 5,
                               "bin": "A-01-01", "low": True})
        # The same numbers as the single SKU's view.
        single = self.srv.stock(self.skus[0])["warehouses"]
        for w in single:
            [mine] = [r for r in rows if (r["sku"], r["warehouse"]) == (self.skus[0],
                                                                          w["warehouse"])]
            self.assertEqual({k: mine[k] for k in w}, w)
        self.assertEqual(self.mine(self.stock_page(sku=self.skus[0])["items"]),
                         [(self.skus[0], "LA"), (self.skus[0], "LB")])
        self.assertEqual(self.mine(self.stock_page(warehouse="LB")["items"]),
                         [(self.skus[0], "LB"), (self.skus[2], "LB")])
        low = self.stock_page(low="true")["items"]
        self.assertTrue(all(r["low"] and r["available"] < r["safety_stock"] for r in low))
        self.assertEqual(self.mine(low), [(self.skus[0], "LB"), (self.skus[1], "LA")])
        # One row a page, walked by the cursor: every row once, in order.
        seen, cursor = [], None
        for _ in range(100):
            params = {"limit": 1, "warehouse": "LA"}
            if cursor:
                params["cursor"] = cursor
            page = self.stock_page(**params)
            self.assertLessEqual(len(page["items"]), 1)
            seen += [(r["sku"], r["warehouse"]) for r in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, [(r["sku"], r["warehouse"])
                                for r in self.stock_page(warehouse="LA", limit=500)["items"]])
        self.assertValidation(self.srv.request("GET", "/v1/stock?cursor=zz"),
                              ("cursor", "invalid_cursor"))
        self.assertValidation(self.srv.request("GET", "/v1/stock?low=maybe&limit=0"),
                              ("low", "out_of_range"), ("limit", "out_of_range"))

    def test_warehouses_and_webhooks_are_listed_as_their_single_views(self):
        items = self.srv.ok("GET", "/v1/warehouses")["items"]
        codes = [w["code"] for w in items]
        self.assertEqual(codes, sorted(codes))
        for code in ("LA", "LB"):
            [w] = [w for w in items if w["code"] == code]
            self.assertEqual(w, self.srv.ok("GET", "/v1/warehouses/" + code))
        self.srv.ok("PUT", "/v1/webhooks/console-hook",
                    {"url": "http://127.0.0.1:9/hook", "events": ["*"],
                     "secret": "s3cret-console-hook"}, expect=(200, 201))
        hooks = self.srv.ok("GET", "/v1/webhooks")["items"]
        [hook] = [h for h in hooks if h["id"] == "console-hook"]
        self.assertEqual(hook, self.srv.ok("GET", "/v1/webhooks/console-hook"))
        self.assertNotIn("s3cret-console-hook", str(hooks))

    def test_waves_newest_first_with_progress(self):
        s = self.srv
        sku = unique_sku("WV")
        s.put_sku(sku)
        s.put_stock("LA", sku, 50, bin="B-01-01")
        made = []
        for _ in range(3):
            o = s.post_order(make_order([(sku, 2)]))
            self.assertEqual(o["status"], "approved", o)
            made.append(s.ok("POST", "/v1/waves", {"warehouse": "LA", "strategy": "zone"},
                             expect=(201,)))
        task = made[0]["tasks"][0]["id"]
        s.ok("POST", "/v1/picks/%d/scan" % task, {"barcode": ean13(sku), "qty": 1})
        page = s.ok("GET", "/v1/waves?warehouse=LA")
        ids = [w["id"] for w in page["items"]]
        self.assertEqual(ids[:3], [w["id"] for w in reversed(made)])
        self.assertEqual(ids, sorted(ids, reverse=True))
        oldest = [w for w in page["items"] if w["id"] == made[0]["id"]][0]
        self.assertEqual({k: oldest[k] for k in ("warehouse", "strategy", "orders", "units",
                                                   "picked", "remaining", "status")},
                         {"warehouse": "LA", "strategy": "zone", "orders": 1, "units": 2,
                          "picked": 1, "remaining": 1, "status": "open"})
        self.assertEqual(oldest["tasks"], [{"id": task, "zone": made[0]["tasks"][0]["zone"],
                                            "status": "open",
                                            "units": 2, "picked": 1, "remaining": 1}])
        self.assertEqual(oldest["created_at"], made[0]["created_at"])
        # Paged by cursor, newest first, nothing twice.
        first = s.ok("GET", "/v1/waves?warehouse=LA&limit=2")
        self.assertEqual([w["id"] for w in first["items"]], ids[:2])
        rest = s.ok("GET", "/v1/waves?warehouse=LA&limit=2&cursor=" + first["next_cursor"])
        self.assertEqual([w["id"] for w in rest["items"]], ids[2:4])
        self.assertEqual(s.ok("GET", "/v1/waves?warehouse=NOPE")["items"], [])
        self.assertValidation(s.request("GET", "/v1/waves?cursor=-3"),
                              ("cursor", "invalid_cursor"))

    def test_only_a_final_star_makes_a_code_family(self):
        self.assertValidation(self.srv.request("GET", "/v1/exceptions?code=" + q("log*s_*")),
                              ("code", "out_of_range"))
        self.assertValidation(self.srv.request("GET", "/v1/exceptions?code=" + q("logistics_?")),
                              ("code", "out_of_range"))

    def test_who_may_read_what(self):
        allowed = {
            "/v1/stats/dashboard": {"reviewer", "warehouse", "customer_service", "finance"},
            "/v1/stock": {"reviewer", "warehouse", "customer_service"},
            "/v1/warehouses": {"reviewer", "warehouse", "customer_service", "finance"},
            "/v1/webhooks": set(),
            "/v1/waves": {"warehouse"},
        }
        for path, roles in allowed.items():
            for role in self.tokens:
                status, _, body = self.as_role(role, path)
                self.assertEqual(status, 200 if role in roles else 403, (path, role, body))
        # The dashboard holds no money: the warehouse sees all of it.
        self.assertEqual(set(dashboard(self.srv, token=self.tokens["warehouse"])),
                         set(dashboard(self.srv)))
