"""/healthz, /metrics, /openapi.json, demo data, restart persistence."""

import json
import re
import unittest

from ordo_server import OrdoServer, ServerTestCase, make_order, reserved_of, unique_sku

METRIC_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(\s+\d+)?$")


def metric_value(text, name):
    total = None
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = METRIC_LINE.match(line)
        if m and m.group(1) == name:
            total = (total or 0) + float(m.group(3))
    return total


class MetricsHealthTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def metrics(self):
        status, headers, text = self.srv.request("GET", "/metrics", token=None)
        self.assertEqual(status, 200)
        self.assertIsInstance(text, str)
        return text

    def test_healthz(self):
        status, headers, body = self.srv.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200)

    def test_metrics_format(self):
        text = self.metrics()
        self.assertTrue([l for l in text.splitlines() if l.startswith("ordo_orders_accepted_total")],
                        text[:1500])
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, METRIC_LINE, "not a Prometheus sample line")

    def test_accepted_counter_counts(self):
        sku = unique_sku("M")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 10)
        before = metric_value(self.metrics(), "ordo_orders_accepted_total")
        self.assertIsNotNone(before)
        order = make_order([(sku, 1)])
        self.srv.post_order(order)
        self.srv.post_order(make_order([(sku, 1)]))
        self.srv.post_order(order, expect=(200,))  # a replay is not a new order
        self.srv.request("POST", "/v1/orders", make_order([(sku, 0)]))  # rejected
        after = metric_value(self.metrics(), "ordo_orders_accepted_total")
        self.assertEqual(after - before, 2)

    def test_openapi(self):
        status, headers, doc = self.srv.request("GET", "/openapi.json", token=None)
        self.assertEqual(status, 200)
        self.assertIn("json", headers.get("content-type", ""))
        if isinstance(doc, str):
            doc = json.loads(doc)
        self.assertTrue(str(doc.get("openapi", "")).startswith("3"), doc.get("openapi"))
        paths = doc.get("paths", {})
        for p in ("/v1/orders", "/v1/exceptions"):
            self.assertTrue([x for x in paths if x.startswith(p)], "%s in %s" % (p, list(paths)))

    def test_unknown_path_404_problem(self):
        self.assertProblem(self.srv.request("GET", "/v1/definitely-not-here"), 404)
        status, _, _ = self.srv.request("GET", "/nope", token=None)
        self.assertEqual(status, 404)


class PersistenceTest(unittest.TestCase):
    def test_restart_keeps_everything(self):
        srv = OrdoServer()
        self.addCleanup(lambda: srv.close_checked(graceful=srv.running()))
        srv.start()
        srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        srv.put_sku("P-1", price=1234)
        srv.put_stock("BJ", "P-1", 10, bin="Z-9")
        o = srv.post_order(make_order([("P-1", 3)]))
        c = srv.post_order(make_order([("P-1", 2)]))
        srv.ok("POST", "/v1/orders/%s/cancel" % c["order_no"], {"reason": "x"})
        events = srv.events(c["order_no"])
        self.assertEqual(srv.stop(), 0, "SIGTERM exits 0")
        srv.start()
        self.assertEqual(srv.get_order(o["order_no"]), o)
        self.assertEqual(srv.events(c["order_no"]), events)
        self.assertEqual(srv.ok("GET", "/v1/skus/P-1")["price"], 1234)
        st = srv.stock("P-1")
        self.assertEqual((st["on_hand"], st["reserved"], st["available"]), (10, 3, 7))
        self.assertEqual(st["warehouses"][0]["bin"], "Z-9")


class DemoTest(unittest.TestCase):
    def test_demo_data(self):
        srv = OrdoServer(demo=True)
        self.addCleanup(lambda: srv.close_checked(graceful=srv.running()))
        srv.start()
        sku = srv.ok("GET", "/v1/skus/MOONCAKE-6")
        self.assertEqual(sku["sku"], "MOONCAKE-6")
        st = srv.stock("MOONCAKE-6")
        self.assertGreater(st["on_hand"], 0)
        whs = [srv.ok("GET", "/v1/warehouses/" + w["warehouse"]) for w in st["warehouses"]]
        self.assertGreaterEqual(len(whs), 1)
        self.assertEqual(len({w["province"] for w in whs}), len(whs),
                         "demo warehouses are in different provinces")
        # The demo's orders came through intake: they hold stock like any other.
        demo_orders = srv.order_count()
        self.assertGreater(demo_orders, 0)
        self.assertGreater(st["reserved"], 0)
        o = srv.post_order(make_order([("MOONCAKE-6", 2, sku["price"])]))
        self.assertEqual(reserved_of(o), 2)
        # A restart on the same database does not load the demo again.
        srv.restart()
        st2 = srv.stock("MOONCAKE-6")
        self.assertEqual((st2["on_hand"], st2["reserved"]), (st["on_hand"], st["reserved"] + 2))
        self.assertEqual(srv.order_count(), demo_orders + 1)
        self.assertEqual(srv.get_order(o["order_no"])["status"], "pending_review")

    def test_no_demo_is_empty(self):
        srv = OrdoServer(demo=False)
        self.addCleanup(lambda: srv.close_checked(graceful=srv.running()))
        srv.start()
        status, _, _ = srv.request("GET", "/v1/skus/MOONCAKE-6")
        self.assertEqual(status, 404)
        self.assertEqual(srv.order_count(), 0)


if __name__ == "__main__":
    unittest.main()
