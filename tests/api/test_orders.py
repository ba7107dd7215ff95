"""Order intake: the canonical order, the stored shape, validation (every problem at once)."""

import json
import unittest

from ordo_server import (ServerTestCase, make_order, parse_rfc3339, q, today_cst,
                         unique_id, unique_sku)

CANONICAL = {
    "channel": "taobao", "external_id": "T20261111000123",
    "placed_at": "2026-11-11T00:00:01+08:00",
    "buyer": {"name": "王女士", "phone": "13800138000"},
    "address": {"province": "北京市", "city": "北京市", "district": "朝阳区",
                "detail": "大望路甲18号1单元", "postal_code": "100022"},
    "items": [{"sku": "MOONCAKE-6", "qty": 5, "unit_price": 8800}],
    "shipping_fee": 0, "discounts": [{"code": "COUPON-20", "amount": 2000}],
    "payment": {"status": "paid", "method": "alipay", "transaction_id": "2026111122001",
                "amount": 42000, "paid_at": "2026-11-11T00:00:05+08:00"},
    "remark": "其中1盒刻“生日快乐”", "requested_delivery_date": "2026-11-13",
    "splittable": True, "client_ip": "203.0.113.7"}


class IntakeTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("BJ", "北京市", "北京市", "朝阳区", priority=10)
        s.put_sku("MOONCAKE-6", name="月饼礼盒", price=8800, food=True, shelf_life_days=60)
        s.put_stock("BJ", "MOONCAKE-6", 1000)
        s.put_sku("TEA-1", price=3000)
        s.put_stock("BJ", "TEA-1", 1000)
        s.put_sku("RETIRED-1", sellable=False)
        s.put_stock("BJ", "RETIRED-1", 1000)

    def test_canonical_order(self):
        before = self.srv.stock("MOONCAKE-6")
        resp = self.srv.request("POST", "/v1/orders", CANONICAL)
        o = self.assertStatus(resp, 201)
        self.assertTrue(o["order_no"].isdigit(), "order_no is digits: %r" % o["order_no"])
        for k in ("channel", "external_id", "buyer", "shipping_fee", "discounts", "remark",
                  "requested_delivery_date", "splittable", "client_ip"):
            self.assertEqual(o.get(k), CANONICAL[k], "stored %s" % k)
        self.assertEqual(parse_rfc3339(o["placed_at"]), parse_rfc3339(CANONICAL["placed_at"]))
        self.assertEqual(o["status"], "pending_review")
        parse_rfc3339(o["created_at"])
        addr = o["address"]
        for k in ("province", "city", "district", "detail", "postal_code"):
            self.assertEqual(addr.get(k), CANONICAL["address"][k], "address.%s" % k)
        self.assertEqual({k: int(v) for k, v in addr["division_codes"].items()},
                         {"province": 110000, "city": 110100, "district": 110105})
        self.assertEqual(len(o["items"]), 1)
        line = o["items"][0]
        self.assertEqual(line, dict(line, line=1, sku="MOONCAKE-6", qty=5, unit_price=8800,
                                    reserved_qty=5))
        self.assertEqual(o["amounts"], {"items": 44000, "shipping": 0, "discounts": 2000,
                                        "total": 42000})
        p = o["payment"]
        self.assertEqual((p["status"], p["method"], p["transaction_id"], p["amount"]),
                         ("paid", "alipay", "2026111122001", 42000))
        self.assertEqual(parse_rfc3339(p["paid_at"]),
                         parse_rfc3339(CANONICAL["payment"]["paid_at"]))
        self.assertEqual(o["reservations"], [{"sku": "MOONCAKE-6", "warehouse": "BJ", "qty": 5}])
        self.assertNotIn("payment_expires_at", o, "only pending_payment orders carry it")
        # The canonical delivery date may lie in the past by the time this runs.
        past = CANONICAL["requested_delivery_date"] < today_cst()
        codes = sorted(e["code"] for e in o["exceptions"])
        self.assertEqual(codes, ["delivery_date_past"] if past else [])
        after = self.srv.stock("MOONCAKE-6")
        self.assertEqual(after["reserved"], before["reserved"] + 5)
        self.assertEqual(after["available"], before["available"] - 5)

        got = self.assertStatus(self.srv.request("GET", "/v1/orders/" + o["order_no"]), 200)
        self.assertEqual(got, o, "GET returns the stored order as POST did")

    def test_get_unknown_order_404(self):
        self.assertProblem(self.srv.request("GET", "/v1/orders/99999999999999999"), 404,
                           "not_found")
        self.assertProblem(self.srv.request("GET", "/v1/orders/not-a-number"), (400, 404))

    def test_pending_payment(self):
        order = make_order([("TEA-1", 2, 3000)], paid=False, channel="jd")
        o = self.srv.post_order(order)
        self.assertEqual(o["status"], "pending_payment")
        self.assertEqual(o["payment"]["status"], "pending")
        self.assertIn("payment_expires_at", o)
        exp = parse_rfc3339(o["payment_expires_at"])
        created = parse_rfc3339(o["created_at"])
        # Default hold is one hour.
        self.assertAlmostEqual((exp - created).total_seconds(), 3600, delta=5)
        self.assertEqual(o["items"][0]["reserved_qty"], 2, "unpaid orders hold stock too")

    def test_amounts_with_shipping_and_discounts(self):
        order = make_order([("TEA-1", 2, 3000), ("MOONCAKE-6", 1, 8800)], shipping_fee=1200,
                           discounts=[{"code": "A", "amount": 500}, {"code": "B", "amount": 300}])
        o = self.srv.post_order(order)
        self.assertEqual(o["amounts"], {"items": 14800, "shipping": 1200, "discounts": 800,
                                        "total": 15200})
        self.assertEqual([l["line"] for l in o["items"]], [1, 2])
        self.assertEqual(o["payment"]["amount"], 15200)

    def test_every_channel_accepted(self):
        for ch in ("taobao", "tmall", "jd", "douyin", "web", "store", "phone"):
            o = self.srv.post_order(make_order([("TEA-1", 1, 3000)], channel=ch))
            self.assertEqual(o["channel"], ch)

    def test_order_numbers_unique_digits_time_sortable(self):
        nos = []
        for _ in range(6):
            nos.append(self.srv.post_order(make_order([("TEA-1", 1, 3000)]))["order_no"])
        self.assertEqual(len(set(nos)), len(nos), "unique")
        for n in nos:
            self.assertTrue(n.isdigit(), n)
        self.assertEqual(sorted(nos, key=int), nos, "later orders get larger numbers")
        if len(set(map(len, nos))) == 1:
            self.assertEqual(sorted(nos), nos)

    def test_landline_phone_accepted(self):
        for phone in ("010-12345678", "13912345678"):
            o = self.srv.post_order(make_order([("TEA-1", 1, 3000)], phone=phone))
            self.assertEqual(o["buyer"]["phone"], phone)

    def test_json_with_charset_accepted(self):
        order = make_order([("TEA-1", 1, 3000)])
        resp = self.srv.request("POST", "/v1/orders",
                                raw=json.dumps(order, ensure_ascii=False).encode("utf-8"),
                                headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertStatus(resp, 201)

    def test_other_address(self):
        addr = {"province": "广东省", "city": "深圳市", "district": "南山区",
                "detail": "科技园", "postal_code": "518057"}
        o = self.srv.post_order(make_order([("TEA-1", 1, 3000)], address=addr))
        self.assertEqual({k: int(v) for k, v in o["address"]["division_codes"].items()},
                         {"province": 440000, "city": 440300, "district": 440305})

    def test_optional_fields_may_be_absent(self):
        order = make_order([("TEA-1", 1, 3000)])
        for k in ("remark", "requested_delivery_date", "client_ip"):
            del order[k]
        del order["address"]["postal_code"]
        o = self.srv.post_order(order)
        self.assertEqual(o["status"], "pending_review")


class ValidationTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        s.put_sku("OK-1")
        s.put_stock("BJ", "OK-1", 100)
        s.put_sku("OFF-1", sellable=False)
        s.put_stock("BJ", "OFF-1", 100)

    def post_invalid(self, order, *field_codes):
        n0 = self.srv.order_count()
        body = self.assertValidation(self.srv.request("POST", "/v1/orders", order), *field_codes)
        self.assertEqual(body["code"], "validation_failed")
        self.assertEqual(self.srv.order_count(), n0, "a rejected order writes nothing")
        st = self.srv.stock("OK-1")
        self.assertEqual(st["reserved"], 0, "a rejected order reserves nothing")
        return body

    def test_many_problems_reported_at_once(self):
        order = make_order([("OK-1", 0), ("NO-SUCH-SKU", 1), ("OK-1", 1000)])
        order["channel"] = "ebay"
        order["buyer"]["phone"] = "12345"
        order["address"]["district"] = "不存在区"
        order["payment"]["status"] = "maybe"
        order["placed_at"] = "yesterday"
        body = self.post_invalid(order,
                                 ("channel", "unknown_channel"),
                                 ("buyer.phone", "invalid_phone"),
                                 ("items[0].qty", "out_of_range"),
                                 ("items[1].sku", "unknown_sku"),
                                 ("items[2].qty", "out_of_range"),
                                 ("address.district", "unknown_district"),
                                 "payment.status",
                                 ("placed_at", "invalid_datetime"))
        self.assertGreaterEqual(len(body["errors"]), 8)

    def test_unknown_and_unsellable_sku(self):
        order = make_order([("OK-1", 1), ("OFF-1", 1), ("GHOST-9", 1)])
        self.post_invalid(order, ("items[1].sku", "sku_not_sellable"),
                          ("items[2].sku", "unknown_sku"))

    def test_qty_range(self):
        self.post_invalid(make_order([("OK-1", -1)]), ("items[0].qty", "out_of_range"))
        self.post_invalid(make_order([("OK-1", 1000)]), ("items[0].qty", "out_of_range"))
        o = self.srv.post_order(make_order([("OK-1", 999)]))  # the maximum is fine
        self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "cleanup"})

    def test_wrong_types(self):
        order = make_order([("OK-1", 1)])
        order["items"][0]["qty"] = "1"
        order["items"][0]["unit_price"] = 10.5
        order["splittable"] = "yes"
        order["shipping_fee"] = "0"
        order["buyer"] = "王女士"
        order["discounts"] = {"code": "X", "amount": 1}
        self.post_invalid(order, ("items[0].qty", "wrong_type"), "items[0].unit_price",
                          ("splittable", "wrong_type"), ("shipping_fee", "wrong_type"),
                          ("buyer", "wrong_type"), ("discounts", "wrong_type"))

    def test_required_fields(self):
        order = make_order([("OK-1", 1)])
        for k in ("external_id", "channel", "items", "payment", "address"):
            del order[k]
        body = self.post_invalid(order, ("external_id", "required"), ("channel", "required"),
                                 ("items", "required"))
        # A missing object may be reported as itself or as its required members.
        fields = [e["field"] for e in body["errors"]]
        for obj in ("payment", "address"):
            self.assertTrue([f for f in fields if f == obj or f.startswith(obj + ".")],
                            "%s not reported in %s" % (obj, fields))

    def test_required_nested(self):
        order = make_order([("OK-1", 1)])
        del order["buyer"]["name"]
        del order["address"]["detail"]
        del order["items"][0]["sku"]
        self.post_invalid(order, ("buyer.name", "required"), ("address.detail", "required"),
                          ("items[0].sku", "required"))

    def test_empty_items(self):
        self.post_invalid(make_order([], payment={"status": "paid", "amount": 0}), "items")

    def test_amount_mismatch(self):
        order = make_order([("OK-1", 2, 1000)], shipping_fee=500,
                           discounts=[{"code": "X", "amount": 100}])
        self.assertEqual(order["payment"]["amount"], 2400)
        order["payment"]["amount"] = 2500
        self.post_invalid(order, ("payment.amount", "amount_mismatch"))

    def test_negative_money(self):
        order = make_order([("OK-1", 1, -100)])
        self.post_invalid(order, "items[0].unit_price")
        order = make_order([("OK-1", 1)], shipping_fee=-1)
        self.post_invalid(order, "shipping_fee")

    def test_address_errors(self):
        cases = [
            ({"province": "火星省", "city": "北京市", "district": "朝阳区"},
             "address.province", "unknown_province"),
            ({"province": "北京市", "city": "哥谭市", "district": "朝阳区"},
             "address.city", "unknown_city"),
            ({"province": "广东省", "city": "杭州市", "district": "西湖区"},
             "address.city", "city_not_in_province"),
            ({"province": "广东省", "city": "广州市", "district": "无名区"},
             "address.district", "unknown_district"),
            ({"province": "北京市", "city": "北京市", "district": "天河区"},
             "address.district", "district_not_in_city"),
        ]
        for parts, field, code in cases:
            with self.subTest(code=code):
                addr = dict(parts, detail="某路1号", postal_code="100000")
                self.post_invalid(make_order([("OK-1", 1)], address=addr), (field, code))

    def test_invalid_phones(self):
        for phone in ("12345", "1380013800", "12012345678", "abcdefghijk", "138001380001"):
            with self.subTest(phone=phone):
                self.post_invalid(make_order([("OK-1", 1)], phone=phone),
                                  ("buyer.phone", "invalid_phone"))

    def test_unknown_channel(self):
        self.post_invalid(make_order([("OK-1", 1)], channel="amazon"),
                          ("channel", "unknown_channel"))
        self.post_invalid(make_order([("OK-1", 1)], channel="TAOBAO"), "channel")

    def test_payment_status(self):
        order = make_order([("OK-1", 1)])
        order["payment"]["status"] = "refunded"
        self.post_invalid(order, "payment.status")

    def test_invalid_datetimes(self):
        for bad in ("2026-13-45T00:00:00+08:00", "2026-11-11 00:00:01", "2026-11-11T00:00:01",
                    "2026-02-30T10:00:00Z", "2026-11-11T25:00:00+08:00", "2026-11-11T00:00:01+8"):
            with self.subTest(placed_at=bad):
                self.post_invalid(make_order([("OK-1", 1)], placed_at=bad),
                                  ("placed_at", "invalid_datetime"))
        # An empty string may be reported as missing or as malformed.
        self.post_invalid(make_order([("OK-1", 1)], placed_at=""), "placed_at")
        order = make_order([("OK-1", 1)])
        order["payment"]["paid_at"] = "11/11/2026"
        self.post_invalid(order, ("payment.paid_at", "invalid_datetime"))

    def test_invalid_delivery_date(self):
        self.post_invalid(make_order([("OK-1", 1)], requested_delivery_date="2026-02-30"),
                          "requested_delivery_date")

    def test_external_id_too_long(self):
        self.post_invalid(make_order([("OK-1", 1)], external_id="E" * 65), "external_id")

    def test_field_paths_point_at_the_right_line(self):
        lines = [("OK-1", 1)] * 5 + [("OK-1", 0)]
        body = self.post_invalid(make_order(lines), ("items[5].qty", "out_of_range"))
        self.assertFalse([e for e in body["errors"] if e["field"].startswith("items[0]")])

    def test_not_found_sku_does_not_count_stock(self):
        order = make_order([("OK-1", 1)], external_id=unique_id("V"))
        order["items"][0]["sku"] = "nope-" + unique_sku()
        self.post_invalid(order, ("items[0].sku", "unknown_sku"))
        # The same external id is still free: nothing was recorded for it.
        ok = make_order([("OK-1", 1)], external_id=order["external_id"])
        o = self.srv.post_order(ok)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % q(o["order_no"]), {"reason": "cleanup"})


if __name__ == "__main__":
    unittest.main()
