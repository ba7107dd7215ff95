"""Idempotent intake: (channel, external_id) is the key."""

import json
import unittest

from ordo_server import ServerTestCase, make_order, unique_sku


class IdempotencyTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("IDEM")
        self.srv.put_sku(self.sku)
        self.srv.put_stock("BJ", self.sku, 50)

    def test_replay_returns_200_and_writes_nothing(self):
        order = make_order([(self.sku, 3)])
        first = self.assertStatus(self.srv.request("POST", "/v1/orders", order), 201)
        stock1 = self.srv.stock(self.sku)
        count1 = self.srv.order_count()
        events1 = self.srv.events(first["order_no"])

        again = self.assertStatus(self.srv.request("POST", "/v1/orders", order), 200,
                                  "an identical replay")
        self.assertEqual(again, first, "a replay answers with the same stored order")
        self.assertEqual(self.srv.stock(self.sku), stock1, "stock unchanged by a replay")
        self.assertEqual(stock1["reserved"], 3)
        self.assertEqual(self.srv.order_count(), count1, "no new order")
        self.assertEqual(self.srv.events(first["order_no"]), events1, "no new events")
        self.assertEqual(self.srv.get_order(first["order_no"]), first)

    def test_replay_with_reordered_keys_is_the_same_content(self):
        order = make_order([(self.sku, 1)])
        first = self.srv.post_order(order)
        # Same document, keys in reverse order and different whitespace.
        text = json.dumps(dict(reversed(list(order.items()))), ensure_ascii=False, indent=3)
        again = self.assertStatus(self.srv.request("POST", "/v1/orders",
                                                   raw=text.encode("utf-8")), 200)
        self.assertEqual(again["order_no"], first["order_no"])
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 1)

    def test_same_key_different_content_409(self):
        order = make_order([(self.sku, 2)])
        first = self.srv.post_order(order)
        count = self.srv.order_count()
        changed = json.loads(json.dumps(order))
        changed["items"][0]["qty"] = 4
        changed["payment"]["amount"] = 4 * changed["items"][0]["unit_price"]
        body = self.assertProblem(self.srv.request("POST", "/v1/orders", changed), 409,
                                  "idempotency_mismatch")
        self.assertTrue(body["detail"])
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 2)
        self.assertEqual(self.srv.order_count(), count)
        self.assertEqual(self.srv.get_order(first["order_no"])["items"][0]["qty"], 2)

        remark = dict(order, remark="不同的备注")
        self.assertProblem(self.srv.request("POST", "/v1/orders", remark), 409,
                           "idempotency_mismatch")

    def test_same_external_id_other_channel_is_a_new_order(self):
        a = make_order([(self.sku, 1)], channel="taobao")
        b = dict(a, channel="jd")
        oa = self.srv.post_order(a)
        ob = self.assertStatus(self.srv.request("POST", "/v1/orders", b), 201)
        self.assertNotEqual(oa["order_no"], ob["order_no"])
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 2)

    def test_replay_after_cancel_still_returns_the_order(self):
        order = make_order([(self.sku, 5)])
        first = self.srv.post_order(order)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % first["order_no"], {"reason": "buyer"})
        again = self.assertStatus(self.srv.request("POST", "/v1/orders", order), 200)
        self.assertEqual(again["order_no"], first["order_no"])
        self.assertEqual(again["status"], "cancelled", "the replay shows the current order")
        st = self.srv.stock(self.sku)
        self.assertEqual(st["reserved"], 0, "a replay must not reserve again")

    def test_rejected_order_does_not_claim_the_key(self):
        order = make_order([(self.sku, 1)])
        bad = dict(order, channel="web", buyer={"name": "x", "phone": "1"})
        self.assertProblem(self.srv.request("POST", "/v1/orders", bad), 422)
        self.assertStatus(self.srv.request("POST", "/v1/orders", order), 201)


if __name__ == "__main__":
    unittest.main()
