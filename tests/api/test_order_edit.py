"""Corrections before picking: recipient, phone, address and remark, validated like a new
order, each change kept on the timeline with its previous value."""

from ordo_server import ServerTestCase, make_order, unique_sku


class OrderEditTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("ED")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("BJ", cls.sku, 100)

    def order(self, **kw):
        o = make_order([(self.sku, 1)], **kw)
        o["address"]["detail"] = "大望路甲18号"
        return o, self.srv.post_order(o)

    def patch(self, order_no, body):
        return self.srv.request("PATCH", "/v1/orders/%s" % order_no, body)

    def test_correct_address_and_phone(self):
        submitted, o = self.order()
        fixed = self.srv.ok("PATCH", "/v1/orders/%s" % o["order_no"],
                            {"address": {"detail": "大望路甲18号3号楼1单元"},
                             "buyer": {"phone": "010-85860000"}})
        self.assertEqual(fixed["address"]["detail"], "大望路甲18号3号楼1单元")
        self.assertEqual(fixed["buyer"]["phone"], "010-85860000")
        self.assertEqual(fixed["address"]["division_codes"], o["address"]["division_codes"])
        self.assertEqual(fixed["items"], o["items"], "the goods are untouched")
        self.assertEqual(fixed["reservations"], o["reservations"])
        self.assertEqual(self.srv.get_order(o["order_no"]), fixed)
        edit = self.srv.events(o["order_no"])[-1]
        self.assertEqual(edit["type"], "edited")
        self.assertIn('address.detail: "大望路甲18号" → "大望路甲18号3号楼1单元"', edit["reason"])
        self.assertIn('buyer.phone: "13800138000" → "010-85860000"', edit["reason"])
        # The channel retrying its original submission still finds the same order.
        status, _, again = self.srv.request("POST", "/v1/orders", submitted)
        self.assertEqual(status, 200, again)
        self.assertEqual(again["order_no"], o["order_no"])
        # Searching by the new phone finds it.
        page = self.srv.ok("GET", "/v1/orders?q=1085860000")
        self.assertIn(o["order_no"], [x["order_no"] for x in page["items"]])

    def test_move_to_another_district_and_drop_the_remark(self):
        _, o = self.order()
        fixed = self.srv.ok("PATCH", "/v1/orders/%s" % o["order_no"],
                            {"address": {"province": "上海", "city": "上海市",
                                         "district": "浦东新区", "detail": "世纪大道100号5楼"},
                             "remark": None})
        self.assertEqual(fixed["address"]["province"], "上海市")
        self.assertEqual(fixed["address"]["division_codes"]["district"], 310115)
        self.assertIsNone(fixed["remark"])

    def test_invalid_corrections_change_nothing(self):
        _, o = self.order()
        body = self.assertValidation(self.patch(o["order_no"], {
            "address": {"city": "广州市"}, "buyer": {"phone": "12345"}}),
            ("address.city", "city_not_in_province"), ("buyer.phone", "invalid_phone"))
        self.assertEqual(len(body["errors"]), 2)
        self.assertValidation(self.patch(o["order_no"], {"items": [], "buyer": {"age": 30}}),
                              ("items", "not_editable"), ("buyer", "not_editable"))
        self.assertValidation(self.patch(o["order_no"], {"buyer": {"email": "x"}}),
                              ("buyer.email", "invalid_email"))
        self.assertEqual(self.srv.get_order(o["order_no"])["address"], o["address"])
        self.assertEqual([e["type"] for e in self.srv.events(o["order_no"])], ["created"])

    def test_buyer_email_added_and_removed(self):
        _, o = self.order()
        path = "/v1/orders/%s" % o["order_no"]
        fixed = self.srv.ok("PATCH", path, {"buyer": {"email": "wang@example.com"}})
        self.assertEqual(fixed["buyer"]["email"], "wang@example.com")
        gone = self.srv.ok("PATCH", path, {"buyer": {"email": None}})
        self.assertNotIn("email", gone["buyer"])
        self.assertEqual([e["type"] for e in self.srv.events(o["order_no"])],
                         ["created", "edited", "edited"])

    def test_too_late_after_cancel_and_unknown(self):
        _, o = self.order()
        self.srv.ok("POST", "/v1/orders/%s/cancel" % o["order_no"], {"reason": "x"})
        body = self.assertProblem(self.patch(o["order_no"], {"remark": "改地址"}), 409,
                                  "illegal_transition")
        self.assertIn("cancelled", body["detail"])
        self.assertProblem(self.patch("999", {"remark": "x"}), 404, "not_found")

    def test_no_change_writes_nothing(self):
        _, o = self.order()
        same = self.srv.ok("PATCH", "/v1/orders/%s" % o["order_no"],
                           {"address": {"detail": "大望路甲18号"}})
        self.assertEqual(same, o)
        self.assertEqual(len(self.srv.events(o["order_no"])), 1)

    def test_unpaid_order_sent_without_an_amount(self):
        """The stored form writes payment.amount 0 for such an order; a correction must not
        hold it to the total (it is not paid, nothing was)."""
        submitted = make_order([(self.sku, 1)], paid=False)
        del submitted["payment"]["amount"]
        o = self.srv.post_order(submitted)
        fixed = self.srv.ok("PATCH", "/v1/orders/%s" % o["order_no"], {"remark": "下午送"})
        self.assertEqual(fixed["remark"], "下午送")
        self.assertEqual(fixed["payment"], o["payment"])
