"""Buyer messages: timeline events a buyer is told of become SMS and email rendered from
templates, sent through the configured senders (a real SMTP conversation with a test mail
server, a signed POST to a test SMS gateway), in order per order, retried until sent or
dead, and not lost when the mail server is down or ordo is killed before sending."""

import hashlib
import hmac
import json
import time

from message_catchers import SmsGateway, SmtpCatcher
from ordo_server import OrdoServer, ServerTestCase, make_order, unique_id, unique_sku, wait_for

SMS_SECRET = "sms-gateway-secret-0123456789"
PAY_SECRET = "pay-hmac-secret-0123456789abcdef"
PAY_URL = "https://shop.example/pay/{{order_no}}"
FAST = {"ORDO_MESSAGE_INTERVAL_MS": "20", "ORDO_MESSAGE_BACKOFF_MS": "40",
        "ORDO_MESSAGE_MAX_ATTEMPTS": "3", "ORDO_PAY_URL": PAY_URL}

_phones = iter(range(10**7, 10**8))


def fresh_phone():
    """A mobile number of its own, so velocity rules never hold these orders."""
    return "139%08d" % (next(_phones) + int(time.time()) % 1000 * 10**4)


class MessageTestCase(ServerTestCase):
    ENV = FAST

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("MSG")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("BJ", cls.sku, 1000)

    def configure(self, smtp_url, sms_url=None):
        self.srv.ok("PUT", "/v1/messages/senders/email",
                    {"smtp_url": smtp_url, "from": "shop@ordo.test", "from_name": "好物商城"})
        if sms_url:
            self.srv.ok("PUT", "/v1/messages/senders/sms",
                        {"url": sms_url, "secret": SMS_SECRET, "sign_name": "好物商城"})

    def place(self, email=None, channel="taobao", paid=True, phone=None, **kw):
        """An order from a buyer with this email; returns (order, phone)."""
        phone = phone or fresh_phone()
        order = make_order([(self.sku, 1, 1234)], channel=channel, paid=paid, phone=phone, **kw)
        order.pop("remark", None)
        if email:
            order["buyer"]["email"] = email
        return self.srv.post_order(order), phone

    def confirm(self, order):
        if order["status"] == "pending_review":
            self.srv.ok("POST", "/v1/orders/%s/approve" % order["order_no"], {"note": "ok"})

    def log(self, order_no):
        return self.srv.ok("GET", "/v1/orders/%s/messages" % order_no)

    def wait_sent(self, order_no, count, what="messages sent"):
        return wait_for(lambda: [m for m in self.log(order_no) if m["status"] == "sent"]
                        if len([m for m in self.log(order_no) if m["status"] == "sent"]) >= count
                        else None, 15, 0.02, what)


class MessagesTest(MessageTestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp = SmtpCatcher()
        cls.sms = SmsGateway(SMS_SECRET)
        super().setUpClass()

    @classmethod
    def setUpCatalog(cls):
        super().setUpCatalog()
        cls.srv.ok("PUT", "/v1/payments/providers/hmac", {"secret": PAY_SECRET})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.close()
        cls.sms.close()

    def setUp(self):
        super().setUp()
        self.configure(self.smtp.url, self.sms.url)

    def test_confirmation_by_email_and_sms(self):
        to = unique_id("buyer").lower() + "@example.com"
        order, phone = self.place(email=to)
        self.confirm(order)
        no = order["order_no"]
        mail = wait_for(lambda: self.smtp.mails(to), 15, 0.02, "the confirmation email")[0]
        self.assertEqual(mail["from"], "shop@ordo.test")
        m = mail["mail"]
        self.assertEqual(m["Subject"], "订单%s已确认" % no)
        self.assertEqual(m["To"], to)
        self.assertEqual(m["From"].addresses[0].display_name, "好物商城")
        self.assertEqual(m["From"].addresses[0].addr_spec, "shop@ordo.test")
        self.assertTrue(m["Date"].datetime, "a parseable Date header")
        self.assertRegex(m["Message-ID"], r"^<ordo\.\d+\.%s@ordo\.test>$" % no)
        self.assertEqual(m.get_content_type(), "text/plain")
        body = m.get_content()
        self.assertIn("王女士，您好", body)
        self.assertIn("您的订单%s已确认，实付金额12.34元" % no, body)
        # Header text went out as RFC 2047 encoded words, never as raw UTF-8.
        raw_headers = mail["raw"].split(b"\r\n\r\n", 1)[0]
        self.assertTrue(all(b < 0x80 for b in raw_headers), raw_headers)
        self.assertIn(b"=?UTF-8?B?", raw_headers)

        sms = wait_for(lambda: self.sms.texts(phone=phone), 15, 0.02, "the confirmation SMS")[0]
        self.assertEqual(sms["text"], "您的订单%s已确认，实付12.34元，我们将尽快为您发货。" % no)
        self.assertEqual((sms["event"], sms["order_no"], sms["sign_name"]),
                         ("order_confirmed", no, "好物商城"))
        self.assertEqual(sms["params"]["amount"], "12.34")

        log = self.wait_sent(no, 2)
        self.assertEqual(sorted((e["medium"], e["recipient"]) for e in log),
                         [("email", to), ("sms", phone)])
        for e in log:
            self.assertEqual((e["event"], e["attempts"]), ("order_confirmed", 1))
            self.assertTrue(e["sent_at"])
        self.assertEqual([e for e in log if e["medium"] == "sms"][0]["id"], sms["message_id"])
        self.assertEqual(self.sms.bad_signatures, 0)

    def test_channel_template_and_silence(self):
        self.srv.ok("PUT", "/v1/messages/templates/order_confirmed/sms",
                    {"channel": "jd", "body": "【京东订单】{{ order_no }}已确认，{{buyer_name}}"},
                    expect=(201, 200))
        self.srv.ok("PUT", "/v1/messages/templates/order_confirmed/email",
                    {"channel": "jd", "body": ""}, expect=(201, 200))
        shown = self.srv.ok("GET", "/v1/messages/templates")
        mine = [t for t in shown if (t["event"], t["medium"], t["channel"])
                == ("order_confirmed", "sms", "jd")]
        self.assertEqual(mine[0]["source"], "stored")
        self.assertTrue([t for t in shown if (t["event"], t["medium"], t["source"])
                         == ("order_confirmed", "sms", "built_in")])
        to = unique_id("jd").lower() + "@example.com"
        order, phone = self.place(email=to, channel="jd")
        self.confirm(order)
        sms = wait_for(lambda: self.sms.texts(phone=phone), 15, 0.02, "the jd SMS")[0]
        self.assertEqual(sms["text"], "【京东订单】%s已确认，王女士" % order["order_no"])
        # Silenced for jd by its empty email template: the SMS went, no email row was made.
        self.assertEqual([e["medium"] for e in self.log(order["order_no"])], ["sms"])
        self.assertEqual(self.smtp.mails(to), [])

    def test_payment_failure_offers_a_retry_link(self):
        to = unique_id("pay").lower() + "@example.com"
        order, phone = self.place(email=to, channel="web", paid=False)
        no = order["order_no"]
        body = json.dumps({"out_trade_no": no, "amount": 1234, "status": "failed",
                           "transaction_id": unique_id("TX"), "reason": "余额不足",
                           "timestamp": int(time.time())})
        sig = hmac.new(PAY_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        for _ in range(2):  # the platform's retry changes nothing
            status, _, answer = self.srv.request(
                "POST", "/v1/payments/hmac/notify", raw=body.encode(), token=None,
                headers={"X-Ordo-Signature": sig})
            self.assertEqual(status, 200, answer)
        self.assertEqual(self.srv.get_order(no)["status"], "pending_payment")
        events = [e for e in self.srv.events(no) if e["type"] == "payment_failed"]
        self.assertEqual([e["reason"] for e in events], ["余额不足"])
        link = "https://shop.example/pay/" + no
        mail = wait_for(lambda: self.smtp.mails(to), 15, 0.02, "the payment failure email")[0]
        self.assertEqual(mail["mail"]["Subject"], "订单%s支付未成功" % no)
        self.assertIn(link, mail["mail"].get_content())
        sms = wait_for(lambda: self.sms.texts(phone=phone), 15, 0.02, "the payment failure SMS")
        self.assertTrue(sms[0]["text"].endswith("请尽快重新支付：" + link), sms[0]["text"])
        self.wait_sent(no, 2)
        self.assertEqual(len(self.log(no)), 2, "one message per medium despite the retry")

    def test_no_recipient_no_message(self):
        order, phone = self.place(phone="010-62345678")  # a landline: no SMS, no email given
        self.confirm(order)
        marker, _ = self.place(email=unique_id("m").lower() + "@example.com")
        self.confirm(marker)
        self.wait_sent(marker["order_no"], 2)  # the messenger has passed the first order
        self.assertEqual(self.log(order["order_no"]), [])

    def test_buyer_email_is_validated(self):
        for bad in ("no-at-sign", "a@b", "two@@example.com", "sp ace@example.com",
                    "x" * 65 + "@example.com", "dot.@example.com"):
            o = make_order([(self.sku, 1)])
            o["buyer"]["email"] = bad
            body = self.assertValidation(self.srv.request("POST", "/v1/orders", o),
                                         ("buyer.email", "invalid_email"))
            self.assertEqual(len(body["errors"]), 1, body)
        order, _ = self.place(email="li.lei+shop@mail.example.cn")
        self.assertEqual(self.srv.get_order(order["order_no"])["buyer"]["email"],
                         "li.lei+shop@mail.example.cn")

    def test_template_validation(self):
        before = self.srv.ok("GET", "/v1/messages/templates")
        r = self.srv.request("PUT", "/v1/messages/templates/shipped/email",
                             {"subject": "{{order_no}} {{tracking}}", "body": "到了 {{ordr_no}"})
        body = self.assertValidation(r, ("subject", "unknown_placeholder"),
                                     ("body", "invalid_value"))
        self.assertIn("{{tracking}}", json.dumps(body, ensure_ascii=False))
        self.assertIn("order_no, buyer_name", json.dumps(body, ensure_ascii=False))
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/templates/shipped/sms", {"subject": "x", "body": "已发货"}),
            ("subject", "invalid_value"))
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/templates/shipped/email", {"body": "已发货"}),
            ("subject", "required"))
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/templates/shipped/sms", {"body": "已发货", "channel": "ebay"}),
            ("channel", "unknown_channel"))
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/templates/shipped/sms", {"channel": "jd"}), ("body", "required"))
        self.assertProblem(self.srv.request(
            "PUT", "/v1/messages/templates/teleported/sms", {"body": "x"}), 404, "not_found")
        self.assertProblem(self.srv.request(
            "PUT", "/v1/messages/templates/shipped/fax", {"body": "x"}), 404, "not_found")
        self.assertEqual(self.srv.ok("GET", "/v1/messages/templates"), before,
                         "a refused template changes nothing")

    def test_sender_settings_keep_their_secrets(self):
        body = self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/senders/email",
            {"smtp_url": "ftp://mail.example.com", "from": "not an address"}),
            ("smtp_url", "invalid_value"), ("from", "invalid_value"))
        self.assertEqual(len(body["errors"]), 2)
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/senders/sms", {"url": "http://x/sms", "secret": "short"}),
            ("secret", "out_of_range"))
        self.assertValidation(self.srv.request(
            "PUT", "/v1/messages/senders/sms", {"kind": "carrier-pigeon", "url": "http://x"}),
            ("kind", "invalid_value"))
        self.assertProblem(self.srv.request("PUT", "/v1/messages/senders/fax", {}), 404)
        password = "mail-password-" + unique_id("")
        shown = self.srv.ok("PUT", "/v1/messages/senders/email",
                            {"smtp_url": self.smtp.url, "from": "shop@ordo.test",
                             "username": "shop", "password": password})
        again = self.srv.ok("GET", "/v1/messages/senders/email")
        for doc in (shown, again):
            self.assertNotIn(password, json.dumps(doc))
            self.assertTrue(doc["password_set"])
            self.assertEqual((doc["kind"], doc["username"]), ("smtp", "shop"))
        sms = self.srv.ok("GET", "/v1/messages/senders/sms")
        self.assertNotIn(SMS_SECRET, json.dumps(sms))
        self.assertTrue(sms["secret_set"])

    def test_dead_after_attempts_then_resent(self):
        busy = unique_id("busy").lower() + "@example.com"
        gone = unique_id("gone").lower() + "@example.com"
        self.smtp.replies[busy] = "451 4.3.0 mailbox busy, try later"
        self.smtp.replies[gone] = "550 5.1.1 no such user"
        first, _ = self.place(email=busy)
        second, _ = self.place(email=gone)
        self.confirm(first)
        self.confirm(second)

        def email_row(order):
            rows = [m for m in self.log(order["order_no"]) if m["medium"] == "email"]
            return rows[0] if rows and rows[0]["status"] == "dead" else None

        dead = wait_for(lambda: email_row(first), 15, 0.02, "the busy mailbox to go dead")
        self.assertEqual(dead["attempts"], 3)  # ORDO_MESSAGE_MAX_ATTEMPTS
        self.assertIn("451", dead["last_error"])
        refused = wait_for(lambda: email_row(second), 15, 0.02, "the unknown mailbox")
        self.assertEqual(refused["attempts"], 1, "a 5xx recipient is not retried")
        self.assertIn("550", refused["last_error"])
        listed = self.srv.ok("GET", "/v1/messages?status=dead&limit=500")
        self.assertTrue({dead["id"], refused["id"]} <= {m["id"] for m in listed})

        del self.smtp.replies[busy]
        again = self.srv.ok("POST", "/v1/messages/%d/resend" % dead["id"], {})
        self.assertEqual(again["status"], "pending")
        wait_for(lambda: self.smtp.mails(busy), 15, 0.02, "the resent mail")
        self.assertProblem(self.srv.request("POST", "/v1/messages/999999999/resend", {}), 404)
        self.assertValidation(self.srv.request("GET", "/v1/messages?status=lost"), "status")


class MessagesOutageTest(MessageTestCase):
    """The mail server is down, then back: nothing is lost, each order's mail in order."""
    ENV = dict(FAST, ORDO_MESSAGE_MAX_ATTEMPTS="40", ORDO_MESSAGE_BACKOFF_MS="20")

    def test_mail_server_down_then_up(self):
        catcher = SmtpCatcher()
        port = catcher.port
        catcher.close()  # down
        self.configure("smtp://127.0.0.1:%d" % port)
        to = unique_id("outage").lower() + "@example.com"
        order, _ = self.place(email=to)
        self.confirm(order)
        no = order["order_no"]
        self.srv.ok("POST", "/v1/orders/%s/cancel" % no, {"reason": "buyer changed mind"})

        def failed_once():
            log = self.log(no)
            return len(log) == 2 and log[0]["attempts"] >= 1 and log[0]["last_error"] and log

        log = wait_for(failed_once, 15, 0.02, "a failed attempt while the server is down")
        self.assertEqual([m["event"] for m in log], ["order_confirmed", "cancelled"])
        self.assertEqual(log[1]["attempts"], 0, "the later message waits for the earlier one")
        self.srv.restart()  # and ordo restarts meanwhile

        back = SmtpCatcher(port)
        try:
            wait_for(lambda: len(back.mails(to)) >= 2, 20, 0.02, "both mails after the outage")
            subjects = [m["mail"]["Subject"] for m in back.mails(to)]
            self.assertEqual(subjects[:2], ["订单%s已确认" % no, "订单%s已取消" % no])
            self.assertEqual([m["status"] for m in self.log(no)], ["sent", "sent"])
        finally:
            back.close()


class MessagesCrashTest(MessageTestCase):
    """ordo is killed after the events are committed and before any message is sent."""
    # The messenger makes one pass at start, then sleeps for an hour.
    ENV = dict(FAST, ORDO_MESSAGE_INTERVAL_MS="3600000")

    def test_kill9_before_sending(self):
        catcher = SmtpCatcher()
        try:
            self.configure(catcher.url)
            placed = []
            for _ in range(4):
                order, _ = self.place(email=unique_id("crash").lower() + "@example.com")
                self.confirm(order)
                placed.append(order["order_no"])
            self.assertEqual([self.log(no) for no in placed], [[]] * 4, "nothing fanned out yet")
            self.assertEqual(catcher.mails(), [])
            self.srv.kill9()
            self.srv.extra_env["ORDO_MESSAGE_INTERVAL_MS"] = "20"
            self.srv.start()
            for no in placed:
                self.wait_sent(no, 1, "the message of %s after the restart" % no)
            got = sorted(m["mail"]["Subject"] for m in catcher.mails())
            self.assertEqual(got, sorted("订单%s已确认" % no for no in placed))
        finally:
            catcher.close()
