"""Bearer-token authentication on every /v1 call; public health, metrics and OpenAPI."""

import json
import os
import stat
import unittest

from ordo_server import OrdoServer, ServerTestCase, make_order

ENDPOINTS = [
    ("PUT", "/v1/skus/AUTH-1", {"name": "x"}),
    ("GET", "/v1/skus/AUTH-1", None),
    ("PUT", "/v1/warehouses/AUTH-W", {"name": "x", "province": "北京市", "city": "北京市",
                                      "district": "朝阳区"}),
    ("GET", "/v1/warehouses/AUTH-W", None),
    ("PUT", "/v1/stock/AUTH-W/AUTH-1", {"on_hand": 1, "safety_stock": 0, "bin": "A"}),
    ("POST", "/v1/stock/AUTH-W/AUTH-1/adjust", {"delta": 1, "reason": "x"}),
    ("GET", "/v1/stock/AUTH-1", None),
    ("POST", "/v1/orders", None),  # body filled in below
    ("GET", "/v1/orders", None),
    ("GET", "/v1/orders?status=pending_review", None),
    ("GET", "/v1/orders/{no}", None),
    ("GET", "/v1/orders/{no}/events", None),
    ("POST", "/v1/orders/{no}/cancel", {"reason": "x"}),
    ("GET", "/v1/exceptions?status=open", None),
    ("POST", "/v1/exceptions/1/resolve", {"note": "x"}),
    ("GET", "/v1/exceptions/summary", None),
    ("GET", "/v1/exceptions/1", None),
    ("POST", "/v1/exceptions/1/assign", {"owner": "x"}),
    ("POST", "/v1/exceptions/1/actions", {"action": "note", "note": "x"}),
    ("GET", "/v1/orders/99999999/events", None),
    ("GET", "/v1/nonexistent", None),
]


class AuthTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        s = cls.srv
        s.put_warehouse("AUTH-W", "北京市", "北京市", "朝阳区")
        s.put_sku("AUTH-1")
        s.put_stock("AUTH-W", "AUTH-1", 10)
        cls.order = s.post_order(make_order([("AUTH-1", 1)]))

    def cases(self):
        for method, path, body in ENDPOINTS:
            path = path.replace("{no}", self.order["order_no"])
            if method == "POST" and path == "/v1/orders":
                body = make_order([("AUTH-1", 1)])
            yield method, path, body

    def check_all_rejected(self, token=None, headers=None, label=""):
        n0 = self.srv.order_count()
        for method, path, body in self.cases():
            with self.subTest(method=method, path=path, auth=label):
                resp = self.srv.request(method, path, body, token=token, headers=headers)
                self.assertProblem(resp, 401, "unauthorized")
        self.assertEqual(self.srv.order_count(), n0, "nothing written without auth")
        st = self.srv.stock("AUTH-1")
        self.assertEqual((st["on_hand"], st["reserved"]), (10, 1))
        self.assertEqual(self.srv.get_order(self.order["order_no"])["status"], "pending_review")

    def test_missing_token(self):
        self.check_all_rejected(token=None, label="none")

    def test_wrong_token(self):
        self.check_all_rejected(token="wrong-" + self.srv.token, label="wrong")

    def test_token_prefix_or_suffix_is_not_enough(self):
        self.check_all_rejected(token=self.srv.token[:-1], label="prefix")
        self.check_all_rejected(token=self.srv.token + "0", label="suffix")
        self.check_all_rejected(token="", label="empty")

    def test_other_schemes_rejected(self):
        self.check_all_rejected(headers={"Authorization": "Basic " + self.srv.token},
                                label="basic")
        self.check_all_rejected(headers={"Authorization": self.srv.token}, label="bare")

    def test_right_token_works(self):
        self.assertStatus(self.srv.request("GET", "/v1/skus/AUTH-1"), 200)

    def test_healthz_no_auth(self):
        self.assertStatus(self.srv.request("GET", "/healthz", token=None), 200)
        self.assertStatus(self.srv.request("GET", "/healthz", token="bogus"), 200)

    def test_metrics_no_auth(self):
        status, headers, text = self.srv.request("GET", "/metrics", token=None)
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers.get("content-type", ""))
        self.assertTrue(any(l.startswith("ordo_orders_accepted_total")
                            for l in text.splitlines()), text[:2000])

    def test_openapi_no_auth(self):
        status, headers, doc = self.srv.request("GET", "/openapi.json", token=None)
        self.assertEqual(status, 200)
        if isinstance(doc, str):
            doc = json.loads(doc)
        self.assertIn("openapi", doc)
        self.assertIn("paths", doc)
        self.assertTrue(any(p.startswith("/v1/orders") for p in doc["paths"]),
                        list(doc["paths"])[:20])


class GeneratedTokenTest(unittest.TestCase):
    """Without ORDO_ADMIN_TOKEN the server writes a generated token next to the database."""

    def test_generated_token_file(self):
        srv = OrdoServer(token=None)
        self.addCleanup(lambda: srv.close_checked(graceful=srv.running()))
        srv.start()
        path = os.path.join(srv.dir, "admin.token")
        self.assertTrue(os.path.exists(path), "expected %s" % path)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600, "admin.token mode %o" % mode)
        with open(path) as f:
            token = f.read().strip()
        self.assertGreaterEqual(len(token), 16)
        status, _, _ = srv.request("GET", "/v1/orders", token=token)
        self.assertEqual(status, 200)
        status, _, _ = srv.request("GET", "/v1/orders", token=None)
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
