"""Catalog and stock endpoints: SKUs, warehouses, stocktake, adjust, stock view."""

import unittest

from ordo_server import (ADDR_BEIJING, ServerTestCase, make_order, q, unique_sku)

SKU_FIELDS = {"name": "月饼礼盒 6 枚装", "barcode": "6901234567892", "price": 8800,
              "weight_g": 1200, "length_mm": 300, "width_mm": 250, "height_mm": 80,
              "fragile": True, "liquid": False, "food": True, "shelf_life_days": 60,
              "sellable": True}


class SkuTest(ServerTestCase):
    def test_create_then_update_then_get(self):
        sku = unique_sku("MC")
        body = self.assertStatus(self.srv.request("PUT", "/v1/skus/" + q(sku), SKU_FIELDS), 201,
                                 "first PUT creates")
        self.assertEqual(body["sku"], sku)
        for k, v in SKU_FIELDS.items():
            self.assertEqual(body.get(k), v, "field %s of the created sku" % k)

        changed = dict(SKU_FIELDS, price=9900, name="月饼礼盒（新）", sellable=False)
        body = self.assertStatus(self.srv.request("PUT", "/v1/skus/" + q(sku), changed), 200,
                                 "second PUT updates")
        self.assertEqual(body["price"], 9900)
        self.assertEqual(body["sellable"], False)

        got = self.assertStatus(self.srv.request("GET", "/v1/skus/" + q(sku)), 200)
        self.assertEqual(got["sku"], sku)
        for k, v in changed.items():
            self.assertEqual(got.get(k), v, "field %s after update" % k)

    def test_get_unknown_sku_404(self):
        self.assertProblem(self.srv.request("GET", "/v1/skus/NO-SUCH-SKU-XYZ"), 404, "not_found")

    def test_sellable_defaults_true(self):
        sku = unique_sku()
        body = dict(SKU_FIELDS)
        del body["sellable"]
        created = self.assertStatus(self.srv.request("PUT", "/v1/skus/" + q(sku), body), 201)
        self.assertIs(created["sellable"], True)
        self.assertIs(self.srv.ok("GET", "/v1/skus/" + q(sku))["sellable"], True)

    def test_name_required(self):
        sku = unique_sku()
        body = dict(SKU_FIELDS)
        del body["name"]
        self.assertValidation(self.srv.request("PUT", "/v1/skus/" + q(sku), body),
                              ("name", "required"))
        self.assertProblem(self.srv.request("GET", "/v1/skus/" + q(sku)), 404)

    def test_all_invalid_fields_reported_at_once(self):
        sku = unique_sku()
        body = dict(SKU_FIELDS, price=-1, weight_g="heavy", fragile="yes", sellable=1)
        del body["name"]
        resp = self.srv.request("PUT", "/v1/skus/" + q(sku), body)
        self.assertValidation(resp, ("name", "required"), "price", ("weight_g", "wrong_type"),
                              ("fragile", "wrong_type"), ("sellable", "wrong_type"))
        self.assertProblem(self.srv.request("GET", "/v1/skus/" + q(sku)), 404,
                           msg="a rejected PUT must not create the sku")

    def test_negative_dimensions_rejected(self):
        sku = unique_sku()
        body = dict(SKU_FIELDS, length_mm=-5, shelf_life_days=-1)
        self.assertValidation(self.srv.request("PUT", "/v1/skus/" + q(sku), body),
                              "length_mm", "shelf_life_days")


class WarehouseTest(ServerTestCase):
    def test_create_update_get(self):
        body = {"name": "北京朝阳仓", "province": "北京市", "city": "北京市", "district": "朝阳区",
                "priority": 10}
        created = self.assertStatus(self.srv.request("PUT", "/v1/warehouses/BJ-CY", body), 201)
        for k, v in body.items():
            self.assertEqual(created.get(k), v, "warehouse field %s" % k)
        body["priority"] = 20
        body["name"] = "北京朝阳仓 2"
        updated = self.assertStatus(self.srv.request("PUT", "/v1/warehouses/BJ-CY", body), 200)
        self.assertEqual(updated["priority"], 20)
        got = self.assertStatus(self.srv.request("GET", "/v1/warehouses/BJ-CY"), 200)
        self.assertEqual(got["priority"], 20)
        self.assertEqual(got["name"], "北京朝阳仓 2")
        self.assertEqual(got["district"], "朝阳区")

    def test_priority_defaults_to_100(self):
        body = {"name": "广州仓", "province": "广东省", "city": "广州市", "district": "天河区"}
        created = self.assertStatus(self.srv.request("PUT", "/v1/warehouses/GZ-DEF", body),
                                    (200, 201))
        self.assertEqual(created["priority"], 100)

    def test_get_unknown_404(self):
        self.assertProblem(self.srv.request("GET", "/v1/warehouses/NOPE-404"), 404, "not_found")

    def test_wrong_city_rejected(self):
        body = {"name": "x", "province": "广东省", "city": "杭州市", "district": "西湖区"}
        resp = self.srv.request("PUT", "/v1/warehouses/BAD-CITY", body)
        body = self.assertProblem(resp, 422)
        self.assertTrue(any(e["field"].endswith("city") for e in body["errors"]),
                        "an error naming the city: %s" % body["errors"])
        self.assertProblem(self.srv.request("GET", "/v1/warehouses/BAD-CITY"), 404)

    def test_unknown_province_rejected(self):
        body = {"name": "x", "province": "火星省", "city": "广州市", "district": "天河区"}
        body = self.assertProblem(self.srv.request("PUT", "/v1/warehouses/BAD-PROV", body), 422)
        self.assertTrue(any(e["field"].endswith("province") for e in body["errors"]),
                        "an error naming the province: %s" % body["errors"])

    def test_district_not_in_city_rejected(self):
        body = {"name": "x", "province": "北京市", "city": "北京市", "district": "天河区"}
        body = self.assertProblem(self.srv.request("PUT", "/v1/warehouses/BAD-DIST", body), 422)
        self.assertTrue(any(e["field"].endswith("district") for e in body["errors"]),
                        "an error naming the district: %s" % body["errors"])

    def test_priority_must_be_integer(self):
        body = {"name": "x", "province": "北京市", "city": "北京市", "district": "朝阳区",
                "priority": "high"}
        body = self.assertValidation(self.srv.request("PUT", "/v1/warehouses/BAD-PRIO", body),
                                     "priority")


class StockTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区", priority=10)
        cls.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=20)

    def new_sku(self):
        sku = unique_sku("STK")
        self.srv.put_sku(sku)
        return sku

    def test_stocktake_sets_count(self):
        sku = self.new_sku()
        resp = self.srv.request("PUT", "/v1/stock/BJ/" + q(sku),
                                {"on_hand": 40, "safety_stock": 5, "bin": "A-01-03",
                                 "reason": "initial count"})
        body = self.assertStatus(resp, 200)
        self.assertEqual(body, dict(body, warehouse="BJ", sku=sku, on_hand=40, reserved=0,
                                    available=40, safety_stock=5, bin="A-01-03"))
        body = self.assertStatus(self.srv.request("PUT", "/v1/stock/BJ/" + q(sku),
                                                  {"on_hand": 12, "safety_stock": 0,
                                                   "bin": "A-01-03"}), 200)
        self.assertEqual(body["on_hand"], 12, "a stocktake sets the count, it does not add")
        self.assertEqual(body["available"], 12)

    def test_stocktake_unknown_warehouse_or_sku(self):
        sku = self.new_sku()
        for path, what in (("/v1/stock/NOWH/" + q(sku), "warehouse"),
                           ("/v1/stock/BJ/NO-SUCH-SKU-Q", "sku")):
            resp = self.srv.request("PUT", path, {"on_hand": 1, "safety_stock": 0, "bin": "X"})
            body = self.assertProblem(resp, (404, 422), msg="unknown " + what)
            if resp[0] == 422:
                self.assertTrue(any(what in e["field"] for e in body["errors"]),
                                "422 must name the %s: %s" % (what, body["errors"]))

    def test_stocktake_validation(self):
        sku = self.new_sku()
        resp = self.srv.request("PUT", "/v1/stock/BJ/" + q(sku),
                                {"on_hand": -3, "safety_stock": "x", "bin": "A"})
        self.assertValidation(resp, "on_hand", "safety_stock")

    def test_adjust(self):
        sku = self.new_sku()
        self.srv.put_stock("BJ", sku, 10)
        body = self.assertStatus(self.srv.request("POST", "/v1/stock/BJ/%s/adjust" % q(sku),
                                                  {"delta": 5, "reason": "goods received"}), 200)
        self.assertEqual((body["warehouse"], body["sku"]), ("BJ", sku))
        self.assertEqual(body["on_hand"], 15)
        self.assertEqual(body["available"], 15)
        body = self.assertStatus(self.srv.request("POST", "/v1/stock/BJ/%s/adjust" % q(sku),
                                                  {"delta": -4, "reason": "damaged"}), 200)
        self.assertEqual(body["on_hand"], 11)
        self.assertEqual(self.srv.stock(sku)["on_hand"], 11)

    def test_adjust_requires_reason(self):
        sku = self.new_sku()
        self.srv.put_stock("BJ", sku, 10)
        resp = self.srv.request("POST", "/v1/stock/BJ/%s/adjust" % q(sku), {"delta": 1})
        self.assertValidation(resp, ("reason", "required"))
        self.assertEqual(self.srv.stock(sku)["on_hand"], 10)

    def test_adjust_below_zero_rejected(self):
        sku = self.new_sku()
        self.srv.put_stock("BJ", sku, 3)
        resp = self.srv.request("POST", "/v1/stock/BJ/%s/adjust" % q(sku),
                                {"delta": -4, "reason": "lost"})
        body = self.assertProblem(resp, (409, 422))
        self.assertTrue(body.get("detail") or body.get("errors"), "a clear message")
        self.assertEqual(self.srv.stock(sku)["on_hand"], 3, "a rejected adjust changes nothing")

    def test_adjust_below_reserved_rejected(self):
        sku = self.new_sku()
        self.srv.put_stock("BJ", sku, 5)
        order = self.srv.post_order(make_order([(sku, 3)], address=ADDR_BEIJING))
        self.assertEqual(order["status"], "pending_review")
        resp = self.srv.request("POST", "/v1/stock/BJ/%s/adjust" % q(sku),
                                {"delta": -3, "reason": "lost"})
        self.assertProblem(resp, (409, 422), msg="on_hand 2 would be below reserved 3")
        st = self.srv.stock(sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (5, 3, 2))
        # Down to exactly the reserved amount is fine.
        body = self.srv.adjust("BJ", sku, -2, "lost")
        self.assertEqual((body["on_hand"], body["reserved"], body["available"]), (3, 3, 0))

    def test_adjust_unknown(self):
        resp = self.srv.request("POST", "/v1/stock/NOWH/NO-SKU-Z/adjust",
                                {"delta": 1, "reason": "x"})
        self.assertProblem(resp, (404, 422))

    def test_stock_view_sums_warehouses(self):
        sku = self.new_sku()
        self.srv.put_stock("BJ", sku, 7, safety_stock=1, bin="B-2")
        self.srv.put_stock("SH", sku, 4, safety_stock=0, bin="C-9")
        st = self.assertStatus(self.srv.request("GET", "/v1/stock/" + q(sku)), 200)
        self.assertEqual(st["sku"], sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (11, 0, 11))
        by_wh = {w["warehouse"]: w for w in st["warehouses"]}
        self.assertEqual(set(by_wh), {"BJ", "SH"})
        self.assertEqual(by_wh["BJ"], dict(by_wh["BJ"], on_hand=7, reserved=0, available=7,
                                           safety_stock=1, bin="B-2"))
        self.assertEqual(by_wh["SH"]["on_hand"], 4)
        self.assertEqual(by_wh["SH"]["bin"], "C-9")

        self.srv.post_order(make_order([(sku, 2)], address=ADDR_BEIJING))
        st = self.srv.stock(sku)
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (11, 2, 9))
        for w in st["warehouses"]:
            self.assertEqual(w["available"], w["on_hand"] - w["reserved"])

    def test_stock_unknown_sku(self):
        resp = self.srv.request("GET", "/v1/stock/NO-SUCH-SKU-S")
        self.assertProblem(resp, 404)


if __name__ == "__main__":
    unittest.main()
