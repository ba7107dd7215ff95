"""Buyers' reviews of completed orders: one per order, editable once, validated field by
field; aggregates per SKU, warehouse and carrier; a low rating opens a yellow low_rating
exception; the quality report per SKU, carrier and warehouse. Against a real server, from
shipped orders confirmed by the buyer."""

import datetime
import itertools

from ordo_server import ServerTestCase, now_cst, q, rfc3339, unique_sku
from test_completion import CompletionSteps
from test_shipping import CHEAP, FAST

_seq = itertools.count(1)


class ReviewTest(CompletionSteps, ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        # Codes of their own, so aggregates count only this class's orders.
        cls.wh = "RV%d" % (next(_seq) + 100)
        cls.cheap, cls.fast = "RZ%d" % next(_seq), "RS%d" % next(_seq)
        cls.setUpShipping(warehouse=cls.wh,
                          carriers=((cls.cheap, CHEAP, "7"), (cls.fast, FAST, "SF")))

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("REV")
        self.srv.put_sku(self.sku, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        self.srv.put_stock(self.wh, self.sku, 100)
        self.addCleanup(self.srv.ok, "PUT", "/v1/completion/settings", {"low_rating_max": 2},
                        expect=(200,))

    def completed_order(self, sku=None, carrier=None):
        no = self.shipped_order([(sku or self.sku, 1)], warehouse=self.wh, carrier=carrier)
        self.assertEqual(self.confirm(no)[0], 200)
        return no

    def review(self, no, body, method="POST"):
        return self.srv.request(method, "/v1/orders/%s/review" % q(no), body)

    def low_rating_exceptions(self, no):
        return self.srv.ok("GET", "/v1/exceptions?code=low_rating&order_no=%s" % q(no),
                           expect=(200,))["items"]

    def test_one_review_per_order_edited_once(self):
        no = self.shipped_order([(self.sku, 1)], warehouse=self.wh)
        # Not before completion.
        self.assertProblem(self.review(no, {"rating": 5}), 409, "conflict")
        self.assertEqual(self.confirm(no)[0], 200)
        self.assertProblem(self.review(no, {"rating": 4}, "PUT"), 404)
        self.assertProblem(self.srv.request("GET", "/v1/orders/%s/review" % q(no)), 404)

        status, _, first = self.review(no, {"rating": 4, "comment": "包装很好，物流稍慢",
                                            "tags": ["包装好", "物流慢"]})
        self.assertEqual(status, 201, first)
        self.assertEqual((first["rating"], first["comment"], first["tags"], first["edits"],
                          first["edits_left"], first["low_rating"]),
                         (4, "包装很好，物流稍慢", ["包装好", "物流慢"], 0, 1, False))
        got = self.srv.ok("GET", "/v1/orders/%s/review" % q(no), expect=(200,))
        self.assertEqual((got["rating"], got["tags"]), (4, ["包装好", "物流慢"]))

        status, _, edited = self.review(no, {"rating": 5, "comment": "客服处理很快"})
        self.assertEqual(status, 200, edited)
        self.assertEqual((edited["rating"], edited["comment"], edited["tags"], edited["edits"],
                          edited["edits_left"]), (5, "客服处理很快", [], 1, 0))
        self.assertEqual(edited["created_at"], first["created_at"])
        # The edit is spent: neither POST nor PUT changes it again.
        self.assertProblem(self.review(no, {"rating": 1}), 409, "conflict")
        self.assertProblem(self.review(no, {"rating": 1}, "PUT"), 409, "conflict")
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/review" % q(no),
                                     expect=(200,))["rating"], 5)
        notes = [e["reason"] for e in self.srv.events(no) if e["type"] == "review"]
        self.assertEqual(notes, ["the buyer rated the order 4/5",
                                 "the buyer changed the rating from 4/5 to 5/5"])
        self.assertEqual(self.low_rating_exceptions(no), [])

    def test_put_edits_once_too(self):
        no = self.completed_order()
        self.assertEqual(self.review(no, {"rating": 3})[0], 201)
        status, _, body = self.review(no, {"rating": 4, "tags": ["还行"]}, "PUT")
        self.assertEqual((status, body["rating"], body["edits_left"]), (200, 4, 0), body)
        self.assertProblem(self.review(no, {"rating": 5}, "PUT"), 409)

    def test_validation_names_each_field_and_saves_nothing(self):
        no = self.completed_order()
        self.assertValidation(self.review(no, {}), ("rating", "required"))
        self.assertValidation(self.review(no, {"rating": 0}), ("rating", "out_of_range"))
        self.assertValidation(self.review(no, {"rating": 6}), ("rating", "out_of_range"))
        self.assertValidation(
            self.review(no, {"rating": "5", "comment": "好" * 400, "tags": "好评"}),
            ("rating", "wrong_type"), ("comment", "too_long"), ("tags", "wrong_type"))
        self.assertValidation(
            self.review(no, {"rating": 5, "tags": ["快", "", 7, "x" * 40, "快"]}),
            ("tags[1]", "out_of_range"), ("tags[2]", "wrong_type"), ("tags[3]", "out_of_range"),
            ("tags[4]", "duplicate"))
        self.assertValidation(self.review(no, {"rating": 5, "tags": ["t%d" % i
                                                                      for i in range(11)]}),
                              ("tags", "too_many"))
        self.assertValidation(self.review(no, [5]), "")
        self.assertProblem(self.srv.request("GET", "/v1/orders/%s/review" % q(no)), 404)
        self.assertProblem(self.review("NO-SUCH", {"rating": 5}), 404)

    def test_low_rating_opens_a_yellow_exception(self):
        bad = self.completed_order()
        status, _, body = self.review(bad, {"rating": 2, "comment": "杯子碎了"})
        self.assertEqual(status, 201, body)
        self.assertTrue(body["low_rating"])
        [exc] = self.low_rating_exceptions(bad)
        self.assertEqual((exc["id"], exc["severity"], exc["status"]),
                         (body["exception_id"], "yellow", "open"))
        self.assertIn("2/5", exc["message"])
        self.assertIn("杯子碎了", exc["message"])
        # Edited lower still: the open exception stays the only one.
        self.assertEqual(self.review(bad, {"rating": 1})[0], 200)
        self.assertEqual(len(self.low_rating_exceptions(bad)), 1)

        fine = self.completed_order()
        self.assertEqual(self.review(fine, {"rating": 3})[0], 201)
        self.assertEqual(self.low_rating_exceptions(fine), [])
        # A good review edited down opens one.
        self.assertEqual(self.review(fine, {"rating": 1})[0], 200)
        self.assertEqual(len(self.low_rating_exceptions(fine)), 1)

        # The threshold is a setting: at 3, a 3 is low.
        self.srv.ok("PUT", "/v1/completion/settings", {"low_rating_max": 3}, expect=(200,))
        three = self.completed_order()
        status, _, body = self.review(three, {"rating": 3})
        self.assertTrue(body["low_rating"])
        self.assertEqual(len(self.low_rating_exceptions(three)), 1)

    def test_aggregates_per_sku_warehouse_and_carrier(self):
        other = unique_sku("REW")
        self.srv.put_sku(other, weight_g=300, length_mm=100, width_mm=100, height_mm=50)
        self.srv.put_stock(self.wh, other, 100)
        ratings = [(self.sku, self.cheap, 5), (self.sku, self.fast, 1), (other, self.cheap, 4)]
        for sku, carrier, rating in ratings:
            no = self.completed_order(sku=sku, carrier=carrier)
            self.assertEqual(self.review(no, {"rating": rating})[0], 201)

        by_sku = self.srv.ok("GET", "/v1/reviews?sku=%s" % q(self.sku), expect=(200,))
        self.assertEqual((by_sku["sku"], by_sku["count"], by_sku["average"],
                          by_sku["low_ratings"], by_sku["low_rating_share"]),
                         (self.sku, 2, 3.0, 1, 0.5))
        self.assertEqual(by_sku["distribution"], {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1})
        by_carrier = self.srv.ok("GET", "/v1/reviews?carrier=%s" % self.cheap, expect=(200,))
        self.assertEqual((by_carrier["count"], by_carrier["average"], by_carrier["low_ratings"]),
                         (2, 4.5, 0))
        by_fast = self.srv.ok("GET", "/v1/reviews?carrier=%s" % self.fast, expect=(200,))
        self.assertEqual((by_fast["count"], by_fast["low_ratings"]), (1, 1))
        by_wh = self.srv.ok("GET", "/v1/reviews?warehouse=%s" % self.wh, expect=(200,))
        self.assertGreaterEqual(by_wh["count"], 3)
        none = self.srv.ok("GET", "/v1/reviews?sku=NOBODY-RATED", expect=(200,))
        self.assertEqual((none["count"], none["average"], none["low_rating_share"]),
                         (0, None, None))
        self.assertValidation(self.srv.request("GET", "/v1/reviews"), "")
        self.assertValidation(self.srv.request("GET", "/v1/reviews?sku=a&carrier=b"), "")

    def test_quality_report(self):
        # A carrier of its own: the other tests ship with the class's two.
        carrier_code = "RQ%d" % next(_seq)
        self.srv.ok("PUT", "/v1/carriers/%s" % carrier_code, FAST, expect=(201,))
        self.add_numbers(carrier_code, ["SF%012d" % (900000 + next(_seq) * 10 + i)
                                        for i in range(5)])
        start = now_cst() - datetime.timedelta(minutes=1)
        fast_nos = [self.completed_order(carrier=carrier_code) for _ in range(3)]
        self.assertEqual(self.review(fast_nos[0], {"rating": 1})[0], 201)
        self.assertEqual(self.review(fast_nos[1], {"rating": 5})[0], 201)
        # One buyer returns a unit; another's refund request is rejected (not counted).
        self.srv.ok("POST", "/v1/orders/%s/after-sales" % q(fast_nos[2]),
                    {"type": "return_refund", "items": [{"sku": self.sku, "qty": 1}],
                     "reason": "尺码不合适"}, expect=(201,))
        rejected = self.srv.ok("POST", "/v1/orders/%s/after-sales" % q(fast_nos[1]),
                               {"type": "refund_only", "items": [{"sku": self.sku, "qty": 1}],
                                "reason": "不想要了"}, expect=(201,))
        self.srv.ok("POST", "/v1/after-sales/%d/reject" % rejected["id"],
                    {"reason": "已签收且无质量问题"})
        end = now_cst() + datetime.timedelta(minutes=1)
        report = self.srv.ok("GET", "/v1/stats/quality?from=%s&to=%s"
                             % (q(rfc3339(start)), q(rfc3339(end))), expect=(200,))
        self.assertEqual(report["low_rating_max"], 2)
        self.assertTrue(report["after_sales"])
        [row] = [r for r in report["by_sku"] if r["sku"] == self.sku]
        self.assertEqual((row["orders"], row["reviews"], row["low_ratings"], row["average_rating"],
                          row["low_rating_rate"], row["review_rate"]),
                         (3, 2, 1, 3.0, 0.5, 0.6667))
        [carrier] = [r for r in report["by_carrier"] if r["carrier"] == carrier_code]
        self.assertEqual((carrier["orders"], carrier["reviews"], carrier["low_ratings"]),
                         (3, 2, 1))
        # This carrier's three orders: one return (a complaint too), no refund paid out.
        self.assertEqual((carrier["returns"], carrier["return_rate"], carrier["refunds"],
                          carrier["refund_rate"], carrier["complaints"],
                          carrier["complaint_rate"]), (1, 0.3333, 0, 0.0, 1, 0.3333))
        [wh] = [r for r in report["by_warehouse"] if r["warehouse"] == self.wh]
        self.assertGreaterEqual(wh["orders"], 3)
        # Orders shipped outside the range are not counted.
        before = self.srv.ok("GET", "/v1/stats/quality?from=%s&to=%s"
                             % (q(rfc3339(start - datetime.timedelta(days=2))),
                                q(rfc3339(start))), expect=(200,))
        self.assertFalse([r for r in before["by_sku"] if r["sku"] == self.sku])

    def test_quality_report_validation(self):
        now = now_cst()
        self.assertValidation(self.srv.request(
            "GET", "/v1/stats/quality?from=%s&to=%s" % (q(rfc3339(now)),
                                                        q(rfc3339(now - datetime.timedelta(1))))),
            ("from", "out_of_range"))
        self.assertValidation(self.srv.request("GET", "/v1/stats/quality?from=yesterday"),
                              ("from", "invalid_datetime"))
        self.assertValidation(self.srv.request(
            "GET", "/v1/stats/quality?from=%s" % q(rfc3339(now - datetime.timedelta(days=400)))),
            ("from", "out_of_range"))
        # Without a range: the last 30 days.
        report = self.srv.ok("GET", "/v1/stats/quality", expect=(200,))
        self.assertIn("by_carrier", report)
