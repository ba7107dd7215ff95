"""Payment providers and their notifications: real Alipay and WeChat Pay notifications
verified with their real keys, and the merchant's own HMAC-signed checkout with a secret made
here. A notification moves the order on once; a retry changes nothing."""

import hashlib
import hmac
import json
import os
import time
import urllib.parse

from ordo_server import REPO, ServerTestCase, make_order, unique_sku, unique_id

VECTORS = os.path.join(REPO, "tests", "data", "payments")
SECRET = "merchant-checkout-secret-0123456789"


def vector(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


class PaymentsTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("PAY")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("BJ", cls.sku, 1000)
        cls.srv.ok("PUT", "/v1/payments/providers/hmac", {"secret": SECRET})

    def web_order(self, total, paid=True, external_id=None, **kw):
        o = make_order([(self.sku, 1, total)], channel="web", paid=paid,
                       external_id=external_id or unique_id("WEB"),
                       client_ip="2001:db8::%s" % unique_id("")[-4:].lower().replace("_", "a"),
                       **kw)
        o.pop("remark", None)
        o["address"]["detail"] = "大望路甲18号%s单元" % unique_id("")[-5:]
        o["buyer"]["phone"] = "137%08d" % (int(hashlib.md5(o["external_id"].encode())
                                               .hexdigest(), 16) % 10**8)
        return self.srv.post_order(o)

    def notify(self, provider, body, headers=None, token=None):
        raw = body if isinstance(body, bytes) else body.encode("utf-8")
        return self.srv.request("POST", "/v1/payments/%s/notify" % provider, raw=raw,
                                token=token, headers=headers or {})

    def hmac_notify(self, ref, amount, status="paid", tx=None, ts=None, secret=SECRET):
        body = json.dumps({"out_trade_no": ref, "amount": amount, "status": status,
                           "transaction_id": tx or unique_id("TX"),
                           "timestamp": int(ts if ts is not None else time.time())})
        sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        return self.notify("hmac", body, {"Content-Type": "application/json",
                                          "X-Ordo-Signature": sig}), body, sig

    def test_settings_keep_their_secrets(self):
        self.assertValidation(self.srv.request("PUT", "/v1/payments/providers/hmac",
                                               {"secret": "short"}), ("secret", "out_of_range"))
        self.assertValidation(self.srv.request("PUT", "/v1/payments/providers/wechat",
                                               {"apiv3_key": "x" * 20}),
                              ("mchid", "required"), ("apiv3_key", "out_of_range"),
                              ("platform_certificates", "required"))
        shown = self.srv.ok("GET", "/v1/payments/providers/hmac")
        self.assertTrue(shown["secret_set"])
        self.assertNotIn("secret", shown)
        self.assertNotIn(SECRET, json.dumps(shown))
        self.assertProblem(self.srv.request("GET", "/v1/payments/providers/paypal"), 404,
                           "not_found")
        self.assertProblem(self.srv.request("GET", "/v1/payments/providers/hmac", token=None),
                           401, "unauthorized")

    def test_unpaid_order_is_paid_and_reviewed(self):
        o = self.web_order(12300, paid=False)
        self.assertEqual(o["status"], "pending_payment")
        status, _, body = self.hmac_notify(o["order_no"], 12300)[0]
        self.assertEqual(status, 200, body)
        self.assertEqual((body["ok"], body["outcome"]), (True, "paid"))
        paid = self.srv.get_order(o["order_no"])
        self.assertEqual(paid["status"], "approved", "confirmed payment, nothing else held it")
        self.assertTrue(paid["review"]["passed"])
        self.assertNotIn("payment_expires_at", paid)
        steps = [(e["from"], e["to"]) for e in self.srv.events(o["order_no"]) if e["to"]]
        self.assertEqual(steps, [(None, "pending_payment"), ("pending_payment", "pending_review"),
                                 ("pending_review", "approved")])

    def test_web_order_held_for_payment_moves_on(self):
        o = self.web_order(5000)
        self.assertEqual([h["reason"] for h in o["holds"]], ["payment_unverified"])
        (status, _, body), raw, sig = self.hmac_notify(o["external_id"], 5000, tx="TX-RETRY-1")
        self.assertEqual(body["outcome"], "payment_confirmed")
        after = self.srv.get_order(o["order_no"])
        self.assertEqual(after["status"], "approved")
        self.assertEqual(after["holds"][0]["released_by"], "payments")
        events = self.srv.events(o["order_no"])
        # The platform retries: same notification, nothing changes.
        status, _, again = self.notify("hmac", raw, {"X-Ordo-Signature": sig})
        self.assertEqual((status, again["outcome"]), (200, "duplicate"))
        self.assertEqual(self.srv.events(o["order_no"]), events)

    def test_refusals(self):
        o = self.web_order(777, paid=False)
        (status, _, body), raw, _ = self.hmac_notify(o["order_no"], 777,
                                                     secret="wrong-secret-0123456789")
        self.assertEqual(status, 401, body)
        self.assertFalse(body["ok"])
        status, _, body = self.hmac_notify(o["order_no"], 777, ts=time.time() - 3600)[0]
        self.assertEqual(status, 400)
        self.assertIn("window", body["message"])
        status, _, body = self.hmac_notify("NO-SUCH-ORDER", 777)[0]
        self.assertEqual(status, 404, "unknown yet: the platform retries later")
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], "pending_payment",
                         "nothing changed")

    def test_wrong_amount_and_late_payment_are_exceptions(self):
        o = self.web_order(4000, paid=False)
        status, _, body = self.hmac_notify(o["order_no"], 3999)[0]
        self.assertEqual((status, body["outcome"]), (200, "amount_mismatch"))
        after = self.srv.get_order(o["order_no"])
        self.assertEqual(after["status"], "pending_payment")
        self.assertIn("payment_amount_mismatch", [e["code"] for e in after["exceptions"]])

        late = self.web_order(4100, paid=False)
        self.srv.ok("POST", "/v1/orders/%s/cancel" % late["order_no"], {"reason": "timeout"})
        status, _, body = self.hmac_notify(late["order_no"], 4100)[0]
        self.assertEqual(body["outcome"], "paid_after_cancel")
        after = self.srv.get_order(late["order_no"])
        self.assertEqual(after["status"], "cancelled", "a late payment does not revive it")
        [exc] = [e for e in after["exceptions"] if e["code"] == "paid_after_cancel"]
        self.assertEqual(exc["severity"], "red")
        self.assertIn("refund", exc["message"])

        closed = self.web_order(4200, paid=False)
        reserved = self.srv.stock(self.sku)["reserved"]
        status, _, body = self.hmac_notify(closed["order_no"], 4200, status="closed")[0]
        self.assertEqual(body["outcome"], "closed")
        self.assertEqual(self.srv.get_order(closed["order_no"])["status"], "cancelled")
        self.assertEqual(self.srv.stock(self.sku)["reserved"], reserved - 1,
                         "the closed order's stock is released")

    def test_real_alipay_notification(self):
        v = vector("alipay_notify_rsa2_test_vector.json")
        params = v["post_params"]
        self.srv.ok("PUT", "/v1/payments/providers/alipay",
                    {"app_id": params["app_id"],
                     "alipay_public_key_pem": v["alipay_public_key_der_base64"]})
        # The order the notification is about: a web order, 0.10 yuan.
        o = self.web_order(10, external_id=params["out_trade_no"])
        form = urllib.parse.urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        status, hdrs, body = self.notify("alipay", form, headers)
        self.assertEqual((status, body), (200, "success"))
        self.assertTrue(hdrs.get("Content-Type", hdrs.get("content-type", "")).startswith(
            "text/plain"))
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], "approved")
        self.assertEqual(self.notify("alipay", form, headers)[2], "success", "a retry")
        tampered = dict(params, total_amount="100.00")
        self.assertEqual(self.notify("alipay", urllib.parse.urlencode(tampered).encode(),
                                     headers)[2], "failure")

    def test_real_wechat_notification_is_verified_and_decrypted(self):
        v = vector("wechatpay_v3_notify_test_vector.json")
        self.srv.ok("PUT", "/v1/payments/providers/wechat",
                    {"mchid": "1234567890", "apiv3_key": v["apiv3_key"],
                     "platform_certificates": [v["platform_certificate_pem"]],
                     # the vector was signed in 2021: widen the window to reach it
                     "window_seconds": 315360000})
        headers = dict(v["headers"], **{"Content-Type": "application/json"})
        status, _, body = self.notify("wechat", v["body"], headers)
        # The vector is a real notification of a service-contract event: the signature and
        # the decryption pass, and ordo says precisely why it is not a payment.
        self.assertEqual(status, 400, body)
        self.assertEqual(body["code"], "FAIL")
        self.assertIn("out_trade_no", body["message"])
        bad = dict(headers, **{"Wechatpay-Signature": "A" + headers["Wechatpay-Signature"][1:]})
        status, _, body = self.notify("wechat", v["body"], bad)
        self.assertEqual(status, 401, body)
