"""The 201 body is written from the transaction's decisions, the GET view from the stored
document: the two must be the same order, field for field, in every shape an order takes."""

from ordo_server import ServerTestCase, make_order, today_cst, unique_sku


class ViewParityTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区", priority=1)
        cls.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=2)

    def assertSameAsStored(self, created):
        stored = self.srv.get_order(created["order_no"])
        self.assertEqual(created, stored)
        return stored

    def test_split_short_with_every_exception(self):
        a, b = unique_sku("VA"), unique_sku("VB")
        for sku in (a, b):
            self.srv.put_sku(sku)
        self.srv.put_stock("BJ", a, 2)
        self.srv.put_stock("SH", a, 2)
        self.srv.put_stock("SH", b, 1)
        order = make_order([(a, 5, 1200), (b, 1, 300), (a, 1, 1200)],
                           discounts=[{"code": "C1", "amount": 100},
                                      {"code": "C1", "amount": 100}],
                           shipping_fee=800, splittable=True,
                           requested_delivery_date=today_cst(-2), discount_total=300)
        created = self.srv.post_order(order)
        stored = self.assertSameAsStored(created)
        # The parts that come from the transaction are really there, not just equal.
        self.assertEqual(sum(r["qty"] for r in stored["reservations"]), 5)
        self.assertEqual({r["warehouse"] for r in stored["reservations"]}, {"BJ", "SH"})
        self.assertEqual([l["reserved_qty"] for l in stored["items"]], [4, 1, 0])
        self.assertEqual(sorted(e["code"] for e in stored["exceptions"]),
                         ["coupon_mismatch", "delivery_date_past", "stock_short"])
        self.assertEqual(stored["discount_total"], 300)

    def test_unpaid_order_with_optional_fields_absent(self):
        sku = unique_sku("VP")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 5)
        order = make_order([(sku, 1)], paid=False)
        for key in ("remark", "client_ip", "requested_delivery_date"):
            del order[key]
        del order["address"]["postal_code"]
        created = self.srv.post_order(order)
        stored = self.assertSameAsStored(created)
        self.assertEqual(stored["status"], "pending_payment")
        self.assertIn("payment_expires_at", stored)
        self.assertIsNone(stored["remark"])
        self.assertIsNone(stored["address"]["postal_code"])
        self.assertIsNone(stored["payment"]["paid_at"])

    def test_text_needing_escapes_round_trips(self):
        sku = unique_sku("VE")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 5)
        remark = 'quote " backslash \\ tab \t newline \n 刻“生日快乐” \u2028 end'
        order = make_order([(sku, 1)], remark=remark)
        order["address"]["detail"] = '大望路"甲"18号\\1单元'
        created = self.srv.post_order(order)
        stored = self.assertSameAsStored(created)
        self.assertEqual(stored["remark"], remark)
        self.assertEqual(stored["address"]["detail"], order["address"]["detail"])
