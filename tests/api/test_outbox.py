"""Every timeline event has its outbox message, written in the same transaction: what the
timeline shows is what later deliveries (webhooks, notifications, streams) will say."""

import json
import sqlite3

from ordo_server import ServerTestCase, make_order, unique_sku


class OutboxTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def outbox(self, order_id):
        con = sqlite3.connect("file:%s?mode=ro" % self.srv.db, uri=True)
        try:
            return con.execute("SELECT topic, payload FROM outbox WHERE order_id = ? ORDER BY id",
                               (order_id,)).fetchall()
        finally:
            con.close()

    def order_id(self, order_no):
        con = sqlite3.connect("file:%s?mode=ro" % self.srv.db, uri=True)
        try:
            return con.execute("SELECT id FROM orders WHERE order_no = ?",
                               (order_no,)).fetchone()[0]
        finally:
            con.close()

    def test_each_event_has_its_message_in_order(self):
        sku = unique_sku("OB")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 1)
        first = self.srv.post_order(make_order([(sku, 1)]))
        waiting = self.srv.post_order(make_order([(sku, 1)]))  # short: waits for stock
        self.srv.ok("POST", "/v1/orders/%s/cancel" % first["order_no"], {"reason": "buyer asked"})
        exc = [e for e in self.srv.get_order(waiting["order_no"])["exceptions"]
               if e["code"] == "stock_short"]
        self.assertEqual(exc[0]["status"], "resolved", "the freed unit went to the waiting order")

        for order in (first, waiting):
            events = self.srv.events(order["order_no"])
            messages = self.outbox(self.order_id(order["order_no"]))
            self.assertEqual(len(messages), len(events), order["order_no"])
            for event, (topic, payload) in zip(events, messages):
                body = json.loads(payload)
                self.assertEqual(body["order_no"], order["order_no"])
                self.assertEqual(body["type"], event["type"])
                self.assertEqual(body["to"], event["to"])
                self.assertEqual(body["reason"], event["reason"])
                want = {"created": "order.created", "status": "order.status_changed"}
                self.assertEqual(topic, want.get(event["type"], "order." + event["type"]))
        self.assertEqual([e["type"] for e in self.srv.events(first["order_no"])],
                         ["created", "status"])
        self.assertIn("stock", [e["type"] for e in self.srv.events(waiting["order_no"])])
