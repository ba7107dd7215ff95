"""Exceptions raised at intake, the exception pool and resolving; the pool as people work it:
filters, counts, owners and deadlines, the log of what was done, and the decisions about a
short order (wait, swap, cancel and refund, split)."""

import datetime
import unittest
import urllib.parse

from ordo_server import (ADDR_SHANGHAI, ServerTestCase, make_order, now_cst, open_exceptions,
                         parse_rfc3339, rfc3339, today_cst, unique_sku, wait_for)


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
        return self.assertStatus(self.srv.request(
            "GET", "/v1/exceptions?limit=500&status=" + status), 200)["items"]

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


def later(**delta):
    """An RFC 3339 time that far ahead of now."""
    return rfc3339(now_cst().replace(microsecond=0) + datetime.timedelta(**delta))


class PoolCase(ServerTestCase):
    """Helpers for working the pool."""

    def pool_page(self, **params):
        return self.srv.ok("GET", "/v1/exceptions?" + urllib.parse.urlencode(params))

    def detail(self, exc_id):
        return self.srv.ok("GET", "/v1/exceptions/%s" % exc_id)

    def act(self, exc_id, action, **body):
        body["action"] = action
        return self.srv.request("POST", "/v1/exceptions/%s/actions" % exc_id, body)

    def acted(self, exc_id, action, **body):
        return self.assertStatus(self.act(exc_id, action, **body), 200)

    def assign(self, exc_id, **body):
        return self.srv.request("POST", "/v1/exceptions/%s/assign" % exc_id, body)

    def timeline(self, order_no):
        return [e["reason"] for e in self.srv.events(order_no) if e["type"] == "exception"]

    def sku(self, on_hand, warehouse="BJ", price=1000):
        sku = unique_sku("XP")
        self.srv.put_sku(sku, price=price)
        if on_hand is not None:
            self.srv.put_stock(warehouse, sku, on_hand)
        return sku

    def short_order(self, sku, qty, **kw):
        """A non-splittable order for more of sku than any warehouse has: it is accepted,
        holds nothing and has an open stock_short exception."""
        o = self.srv.post_order(make_order([(sku, qty)], splittable=False, **kw))
        [exc] = open_exceptions(o, "stock_short")
        self.assertEqual(o["reservations"], [])
        return o, exc


class ExceptionWorkTest(PoolCase):
    """Owners, deadlines, the actions log, counts and filters."""

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def late_order(self):
        """An order with one yellow delivery_date_past exception."""
        o = self.srv.post_order(make_order([(self.sku(5), 1)],
                                           requested_delivery_date=today_cst(-1)))
        [exc] = open_exceptions(o, "delivery_date_past")
        return o, exc

    def test_detail_of_a_fresh_exception(self):
        o, exc = self.late_order()
        d = self.detail(exc["id"])
        self.assertEqual((d["id"], d["order_no"], d["code"], d["severity"], d["status"]),
                         (exc["id"], o["order_no"], "delivery_date_past", "yellow", "open"))
        self.assertEqual(d["order_status"], o["status"])
        self.assertEqual((d["owner"], d["deadline"], d["decision"], d["to_refund"]),
                         (None, None, None, None))
        self.assertEqual(d["actions"], [])
        self.assertTrue(d["message"])
        self.assertProblem(self.srv.request("GET", "/v1/exceptions/987654321"), 404, "not_found")
        self.assertProblem(self.srv.request("GET", "/v1/exceptions/x1"), 404, "not_found")

    def test_assign_owner_and_deadline(self):
        o, exc = self.late_order()
        due = later(hours=4)
        d = self.assertStatus(self.assign(exc["id"], owner="li.na", deadline=due,
                                          note="she handles delivery dates"), 200)
        self.assertEqual((d["owner"], parse_rfc3339(d["deadline"])),
                         ("li.na", parse_rfc3339(due)))
        [a] = d["actions"]
        self.assertEqual((a["action"], a["actor"], a["note"]),
                         ("assign", "admin", "she handles delivery dates"))
        self.assertEqual(a["detail"]["owner"], "li.na")
        parse_rfc3339(a["at"])
        self.assertEqual(self.detail(exc["id"]), d, "the answer is the stored exception")
        self.assertTrue([t for t in self.timeline(o["order_no"]) if "assigned to li.na" in t],
                        self.timeline(o["order_no"]))

        # Another owner, the deadline kept when not given; null removes it.
        d = self.assertStatus(self.assign(exc["id"], owner="wang"), 200)
        self.assertEqual((d["owner"], parse_rfc3339(d["deadline"])),
                         ("wang", parse_rfc3339(due)))
        d = self.assertStatus(self.assign(exc["id"], owner="wang", deadline=None), 200)
        self.assertIsNone(d["deadline"])
        self.assertEqual([a["action"] for a in d["actions"]], ["assign"] * 3)

        mine = self.pool_page(owner="wang", limit=500)["items"]
        self.assertEqual([e["id"] for e in mine if e["order_no"] == o["order_no"]], [exc["id"]])
        self.assertFalse([e for e in self.pool_page(owner="li.na", limit=500)["items"]
                          if e["id"] == exc["id"]])

    def test_assign_refusals(self):
        _, exc = self.late_order()
        url = exc["id"]
        self.assertValidation(self.assign(url), ("owner", "required"))
        self.assertValidation(self.assign(url, owner=""), ("owner", "required"))
        self.assertValidation(self.assign(url, owner="x" * 64), ("owner", "too_long"))
        self.assertValidation(self.assign(url, owner="li", deadline="tomorrow"),
                              ("deadline", "invalid_datetime"))
        self.assertValidation(self.assign(url, owner="li", deadline="2020-01-01T00:00:00+08:00"),
                              ("deadline", "in_past"))
        self.assertValidation(self.assign(url, owner="li", boss="x"), ("boss", "not_allowed"))
        self.assertEqual(self.detail(url)["actions"], [], "nothing was recorded")
        self.assertProblem(self.assign(987654321, owner="li"), 404, "not_found")
        self.srv.ok("POST", "/v1/exceptions/%s/resolve" % url, {"note": "done"})
        self.assertProblem(self.assign(url, owner="li"), 409, "conflict")

    def test_actions_are_logged_on_the_exception_and_the_timeline(self):
        o, exc = self.late_order()
        self.acted(exc["id"], "contact_buyer", note="called 138…; asked for a new date")
        self.acted(exc["id"], "contact_carrier", note="SF can deliver on Friday")
        d = self.acted(exc["id"], "note", note="buyer will call back")
        self.assertEqual([(a["action"], a["note"], a["actor"]) for a in d["actions"]],
                         [("contact_buyer", "called 138…; asked for a new date", "admin"),
                          ("contact_carrier", "SF can deliver on Friday", "admin"),
                          ("note", "buyer will call back", "admin")])
        self.assertEqual((d["status"], d["decision"]), ("open", None),
                         "contact and notes decide nothing")
        events = [e for e in self.srv.events(o["order_no"]) if e["type"] == "exception"]
        texts = [e["reason"] for e in events]
        for word in ("buyer contacted: called 138", "carrier contacted: SF can deliver",
                     "note: buyer will call back"):
            self.assertTrue([t for t in texts if word in t and str(exc["id"]) in t],
                            (word, texts))
        self.assertTrue(all(e["actor"] == "admin" for e in events))

        # Resolving is logged too.
        r = self.srv.ok("POST", "/v1/exceptions/%s/resolve" % exc["id"],
                        {"note": "new date agreed"})
        self.assertEqual(r["actions"][-1]["action"], "resolve")
        self.assertEqual((r["status"], r["resolved_by"]), ("resolved", "admin"))

    def test_action_refusals(self):
        _, exc = self.late_order()
        i = exc["id"]
        self.assertValidation(self.act(i, "shout"), ("action", "unknown_action"))
        self.assertValidation(self.srv.request("POST", "/v1/exceptions/%s/actions" % i,
                                               {"note": "x"}), ("action", "required"))
        self.assertValidation(self.act(i, "note"), ("note", "required"))
        self.assertValidation(self.act(i, "note", note="x", until=later(days=1)),
                              ("until", "not_allowed"))
        self.assertValidation(self.act(i, "contact_buyer", sku="X"), ("sku", "not_allowed"))
        self.assertValidation(self.act(i, "note", note="x" * 501), ("note", "too_long"))
        # A decision about missing stock is not for a late delivery date.
        for decision in ("wait", "swap", "split"):
            body = {"line": 1, "sku": self.sku(5)} if decision == "swap" else {}
            self.assertValidation(self.act(i, decision, **body), ("action", "not_for_code"))
        self.assertEqual(self.detail(i)["actions"], [], "nothing was recorded")
        self.assertProblem(self.act(987654321, "note", note="x"), 404, "not_found")
        self.srv.ok("POST", "/v1/exceptions/%s/resolve" % i, {"note": "done"})
        self.assertProblem(self.act(i, "note", note="late"), 409, "conflict")

    def test_summary_counts_open_exceptions_per_code_and_severity(self):
        def counts():
            s = self.srv.ok("GET", "/v1/exceptions/summary")
            per = {c["code"]: c for c in s["codes"]}
            for c in s["codes"]:
                self.assertEqual(c["open"], c["red"] + c["yellow"], c)
            self.assertEqual(s["open"], sum(c["open"] for c in s["codes"]))
            self.assertEqual(s["red"], sum(c["red"] for c in s["codes"]))
            self.assertEqual(s["yellow"], sum(c["yellow"] for c in s["codes"]))
            self.assertEqual([c["code"] for c in s["codes"]], sorted(per))
            return s, per

        def of(per, code, key="open"):
            return per.get(code, {}).get(key, 0)

        before, bper = counts()
        short_sku = self.sku(1)
        short = [self.short_order(short_sku, 3)[1] for _ in range(2)]
        _, late = self.late_order()
        after, aper = counts()
        self.assertEqual(of(aper, "stock_short", "red") - of(bper, "stock_short", "red"), 2)
        self.assertEqual(of(aper, "delivery_date_past", "yellow")
                         - of(bper, "delivery_date_past", "yellow"), 1)
        self.assertEqual((after["open"] - before["open"], after["red"] - before["red"],
                          after["yellow"] - before["yellow"]), (3, 2, 1))
        self.assertEqual(after["unassigned"] - before["unassigned"], 3)

        self.assertStatus(self.assign(short[0]["id"], owner="li", deadline=later(seconds=2)), 200)
        self.srv.ok("POST", "/v1/exceptions/%s/resolve" % late["id"], {"note": "ok"})
        now, nper = counts()
        self.assertEqual(of(nper, "stock_short") - of(bper, "stock_short"), 2)
        self.assertEqual(of(nper, "delivery_date_past") - of(bper, "delivery_date_past"), 0)
        self.assertEqual(now["unassigned"] - before["unassigned"], 1)
        # Once its deadline passes, the assigned one is overdue.
        wait_for(lambda: counts()[0]["overdue"] - before["overdue"] == 1, deadline_s=10,
                 what="the deadline to pass")

    def test_filters_and_cursor(self):
        sku = self.sku(1)
        o = self.srv.post_order(make_order(
            [(sku, 4)], splittable=False, requested_delivery_date=today_cst(-3),
            discounts=[{"code": "C", "amount": 100}, {"code": "C", "amount": 100}]))
        mine = sorted((e["id"], e["code"]) for e in open_exceptions(o))
        self.assertEqual(sorted(c for _, c in mine),
                         ["coupon_mismatch", "delivery_date_past", "stock_short"])
        no = o["order_no"]
        page = self.pool_page(order_no=no)
        self.assertEqual(sorted((e["id"], e["code"]) for e in page["items"]), mine)
        self.assertEqual([e["id"] for e in page["items"]],
                         sorted((e["id"] for e in page["items"]), reverse=True), "newest first")
        self.assertIsNone(page["next_cursor"])
        self.assertTrue(all(e["order_no"] == no and e["order_status"] == o["status"]
                            for e in page["items"]))

        self.assertEqual([e["code"] for e in self.pool_page(order_no=no, code="stock_short")
                          ["items"]], ["stock_short"])
        self.assertEqual(sorted(e["code"] for e in self.pool_page(order_no=no, severity="yellow")
                                ["items"]), ["coupon_mismatch", "delivery_date_past"])
        self.assertEqual([e["code"] for e in self.pool_page(order_no=no, severity="red")
                          ["items"]], ["stock_short"])
        red = self.pool_page(severity="red", limit=500)["items"]
        self.assertTrue(red and all(e["severity"] == "red" for e in red))

        # One page at a time.
        seen, cursor = [], None
        for _ in range(5):
            params = {"order_no": no, "limit": 1}
            if cursor:
                params["cursor"] = cursor
            page = self.pool_page(**params)
            seen += [e["id"] for e in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(sorted(seen), [i for i, _ in mine])
        self.assertEqual(len(seen), 3, "each exception once")

        # Resolved ones leave the default (open) view; status=all and resolved show them.
        late = [i for i, c in mine if c == "delivery_date_past"][0]
        self.srv.ok("POST", "/v1/exceptions/%s/resolve" % late, {"note": "ok"})
        self.assertEqual(len(self.pool_page(order_no=no)["items"]), 2)
        self.assertEqual(len(self.pool_page(order_no=no, status="all")["items"]), 3)
        self.assertEqual([e["id"] for e in self.pool_page(order_no=no, status="resolved")
                          ["items"]], [late])
        # Undecided ones, and those decided.
        short = [i for i, c in mine if c == "stock_short"][0]
        self.acted(short, "wait")
        self.assertEqual([e["id"] for e in self.pool_page(order_no=no, decision="wait")
                          ["items"]], [short])
        self.assertEqual([e["code"] for e in self.pool_page(order_no=no, decision="none")
                          ["items"]], ["coupon_mismatch"])

    def test_bad_filters(self):
        for params, field in (({"status": "closed"}, "status"), ({"severity": "blue"}, "severity"),
                              ({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
                              ({"limit": "x"}, "limit"), ({"cursor": "abc"}, "cursor"),
                              ({"decision": "maybe"}, "decision")):
            with self.subTest(params=params):
                self.assertValidation(self.srv.request(
                    "GET", "/v1/exceptions?" + urllib.parse.urlencode(params)), field)


class ShortOrderDecisionTest(PoolCase):
    """A non-splittable order short of stock waits in the pool for a person: the buyer waits,
    takes another SKU, cancels and is refunded, or accepts the order in parts."""

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区", priority=1)
        cls.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=50)

    def assertLedgerBalanced(self):
        verify = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(verify["consistent"], verify)

    def test_wait_keeps_the_order_waiting_until_restock(self):
        sku = self.sku(2)
        o, exc = self.short_order(sku, 3)
        until = later(days=7)
        d = self.acted(exc["id"], "wait", until=until, note="buyer happy to wait a week")
        self.assertEqual((d["status"], d["decision"]), ("open", "wait"))
        a = d["actions"][-1]
        self.assertEqual((a["action"], a["actor"], parse_rfc3339(a["until"])),
                         ("wait", "admin", parse_rfc3339(until)))
        got = self.srv.get_order(o["order_no"])
        self.assertEqual((got["status"], got["reservations"]), (o["status"], []))
        self.assertTrue([t for t in self.timeline(o["order_no"]) if "decision wait" in t])
        # Restock: the order becomes whole and the exception resolves by itself.
        self.srv.put_stock("BJ", sku, 3)
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(sum(r["qty"] for r in got["reservations"]), 3)
        d = self.detail(exc["id"])
        self.assertEqual((d["status"], d["decision"]), ("resolved", "wait"))
        self.assertValidation(self.act(self.short_order(sku, 9)[1]["id"], "wait",
                                       until="2020-01-01T00:00:00Z"), ("until", "in_past"))

    def test_swap_to_a_sku_in_stock_makes_the_order_whole(self):
        short_sku, other = self.sku(1), self.sku(10, price=1200)
        o, exc = self.short_order(short_sku, 4)
        d = self.acted(exc["id"], "swap", line=1, sku=other, note="buyer takes the blue one")
        self.assertEqual((d["status"], d["decision"], d["resolved_by"]),
                         ("resolved", "swap", "admin"))
        a = d["actions"][-1]
        self.assertEqual((a["action"], a["detail"]), ("swap", {"line": 1, "sku": other}))
        got = self.srv.get_order(o["order_no"])
        self.assertEqual([(i["sku"], i["qty"], i["unit_price"], i["reserved_qty"])
                          for i in got["items"]], [(other, 4, 1200, 4)])
        # The line edit service made the swap: versioned, with who and why and the money.
        self.assertEqual(got["line_edits"]["version"], 1)
        [edit] = got["line_edits"]["history"]
        self.assertEqual((edit["actor"], edit["reason"]), ("admin", "buyer takes the blue one"))
        self.assertEqual(got["line_edits"]["to_collect"], 800)
        self.assertEqual(open_exceptions(got, "stock_short"), [])
        self.assertEqual((self.srv.stock(other)["reserved"], self.srv.stock(short_sku)["reserved"]),
                         (4, 0))
        texts = self.timeline(o["order_no"])
        self.assertTrue([t for t in texts if "decision swap" in t and "whole" in t], texts)
        self.assertLedgerBalanced()

    def test_swap_refusals_change_nothing(self):
        short_sku, scarce = self.sku(1), self.sku(2)
        o, exc = self.short_order(short_sku, 4)
        self.assertValidation(self.act(exc["id"], "swap", line=1, sku="NO-SUCH-SKU"),
                              ("sku", "unknown_sku"))
        self.assertValidation(self.act(exc["id"], "swap", sku=scarce), ("line", "required"))
        self.assertValidation(self.act(exc["id"], "swap", line=1, sku=scarce, qty=0), "qty")
        self.assertValidation(self.act(exc["id"], "swap", line=7, sku=scarce), "line")
        self.assertValidation(self.act(exc["id"], "swap", line=1, sku=short_sku),
                              ("sku", "same_sku"))
        bad = self.assertProblem(self.act(exc["id"], "swap", line=1, sku=scarce), 409, "conflict")
        self.assertFieldError(bad, "sku", "insufficient_stock")
        d = self.detail(exc["id"])
        self.assertEqual((d["status"], d["decision"], d["actions"]), ("open", None, []))
        got = self.srv.get_order(o["order_no"])
        self.assertEqual([i["sku"] for i in got["items"]], [short_sku])
        self.assertEqual(got["line_edits"]["version"], 0)
        # Accepting the wait for the other SKU: swapped, still short, the exception stays open.
        d = self.acted(exc["id"], "swap", line=1, sku=scarce, allow_short=True)
        self.assertEqual((d["status"], d["decision"]), ("open", "swap"))
        self.assertEqual([i["sku"] for i in self.srv.get_order(o["order_no"])["items"]], [scarce])

    def test_cancel_releases_stock_and_records_the_refund(self):
        sku, other = self.sku(3), self.sku(10)
        o = self.srv.post_order(make_order([(other, 2, 1500), (sku, 5, 1000)], splittable=False))
        [exc] = open_exceptions(o, "stock_short")
        d = self.acted(exc["id"], "cancel", note="buyer wants the money back")
        self.assertEqual((d["status"], d["decision"], d["order_status"]),
                         ("resolved", "cancel", "cancelled"))
        self.assertEqual(d["to_refund"], 8000, "what the buyer paid")
        a = d["actions"][-1]
        self.assertEqual((a["action"], a["to_refund"], a["actor"]), ("cancel", 8000, "admin"))
        got = self.srv.get_order(o["order_no"])
        self.assertEqual((got["status"], got["reservations"]), ("cancelled", []))
        self.assertEqual((self.srv.stock(sku)["reserved"], self.srv.stock(other)["reserved"]),
                         (0, 0))
        last = [e for e in self.srv.events(o["order_no"]) if e["type"] == "status"][-1]
        self.assertEqual((last["to"], last["actor"]), ("cancelled", "admin"))
        self.assertIn("buyer wants the money back", last["reason"])
        self.assertTrue([t for t in self.timeline(o["order_no"])
                         if "decision cancel" in t and "8000 fen to refund" in t])
        self.assertLedgerBalanced()

    def test_cancel_of_an_unpaid_order_owes_nothing(self):
        o, exc = self.short_order(self.sku(1), 2, paid=False)
        d = self.acted(exc["id"], "cancel")
        self.assertEqual((d["status"], d["to_refund"]), ("resolved", 0))

    def test_cancel_answers_any_exception(self):
        sku = self.sku(5)
        o = self.srv.post_order(make_order([(sku, 2)], requested_delivery_date=today_cst(-1)))
        [exc] = open_exceptions(o, "delivery_date_past")
        self.assertEqual(self.srv.stock(sku)["reserved"], 2)
        d = self.acted(exc["id"], "cancel", note="the date cannot be met")
        self.assertEqual((d["status"], d["order_status"], d["to_refund"]),
                         ("resolved", "cancelled", 2000))
        self.assertEqual(self.srv.stock(sku)["reserved"], 0, "its stock is released")

    def test_split_ships_what_there_is(self):
        sku = self.sku(5)
        o, exc = self.short_order(sku, 8)
        self.assertFalse(o["splittable"])
        d = self.acted(exc["id"], "split", note="buyer accepts two parcels")
        self.assertEqual((d["status"], d["decision"]), ("open", "split"),
                         "3 units still missing: the exception stays until restock")
        got = self.srv.get_order(o["order_no"])
        self.assertTrue(got["splittable"])
        self.assertEqual(got["items"][0]["reserved_qty"], 5)
        self.assertIn("stock_short", [h["reason"] for h in o["holds"]])
        self.assertNotIn("stock_short", [h["reason"] for h in got["holds"]
                                         if h["status"] == "open"],
                         "a backorder does not hold the order")
        self.assertEqual(self.srv.stock(sku)["reserved"], 5)
        self.assertTrue([t for t in self.timeline(o["order_no"]) if "decision split" in t])
        self.assertProblem(self.act(exc["id"], "split"), 409, "conflict")
        self.srv.put_stock("BJ", sku, 8)
        self.assertEqual(self.srv.get_order(o["order_no"])["items"][0]["reserved_qty"], 8)
        self.assertEqual(self.detail(exc["id"])["status"], "resolved")
        self.assertLedgerBalanced()

    def test_split_across_warehouses_makes_the_order_whole(self):
        sku = self.sku(3)
        self.srv.put_stock("SH", sku, 4)
        o, exc = self.short_order(sku, 6)
        d = self.acted(exc["id"], "split")
        self.assertEqual((d["status"], d["decision"]), ("resolved", "split"))
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(sorted({r["warehouse"] for r in got["reservations"]}), ["BJ", "SH"],
                         "neither warehouse has all 6: the order ships in two parts")
        self.assertEqual(got["items"][0]["reserved_qty"], 6)
        self.assertLedgerBalanced()

    def test_no_decision_once_the_exception_is_resolved_or_the_order_cancelled(self):
        o, exc = self.short_order(self.sku(1), 2)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "test"})
        for action in ("wait", "split", "cancel"):
            self.assertProblem(self.act(exc["id"], action), 409, "conflict")
        late = self.srv.post_order(make_order([(self.sku(5), 1)],
                                              requested_delivery_date=today_cst(-1)))
        [lexc] = open_exceptions(late, "delivery_date_past")
        self.srv.ok("POST", "/v1/orders/%s/cancel" % late["order_no"], {"reason": "test"})
        self.assertProblem(self.act(lexc["id"], "cancel"), 409, "illegal_transition")
        self.assertEqual(self.detail(lexc["id"])["actions"], [])


class DecisionInTheWarehouseTest(PoolCase):
    """Once picking started, a decision about missing stock is refused."""

    @classmethod
    def setUpCatalog(cls):
        cls.srv.ok("PUT", "/v1/review/rules", {"rules": []})
        cls.srv.put_warehouse("PW", "北京市", "北京市", "朝阳区")

    def test_decisions_refused_for_an_order_in_picking(self):
        sku = self.sku(None, warehouse="PW")
        self.srv.put_stock("PW", sku, 2, bin="A-01-04-1")
        spare = self.sku(10, warehouse="PW")
        o = self.srv.post_order(make_order([(sku, 2)]))
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": "PW", "strategy": "single"},
                           expect=(201,))
        task = [t["id"] for t in wave["tasks"]][0]
        self.srv.ok("POST", "/v1/picks/%d/short" % task,
                    {"sku": sku, "bin": "A-01-04-1", "found": 0})
        got = self.srv.get_order(o["order_no"])
        self.assertEqual(got["status"], "picking")
        [exc] = open_exceptions(got, "stock_short")
        for action, body in (("wait", {}), ("split", {}), ("swap", {"line": 1, "sku": spare})):
            with self.subTest(action=action):
                self.assertProblem(self.act(exc["id"], action, **body), 409, "illegal_transition")
        self.assertEqual(self.detail(exc["id"])["actions"], [])
        # Talking to the buyer is still recorded.
        self.acted(exc["id"], "contact_buyer", note="told the buyer about the delay")
