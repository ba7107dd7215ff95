"""Delivery tracking end to end from a shipped order: Kuaidi100 pushes (signature, duplicates,
out-of-order events), the generic signed push, polling a simulated carrier API with an error
and back-off, the order following its parcels, the buyer's page, and the logistics-exception
sweep run as of later times."""

import datetime
import hashlib
import hmac
import json
import urllib.parse

from carrier_sim import CarrierSim
from message_catchers import SmsGateway
from ordo_server import ServerTestCase, open_exceptions, parse_rfc3339, q, rfc3339, unique_sku, wait_for
from test_shipping import FAST, ShippingSteps, zone

SALT = "k100-salt-for-tests"
SECRET = "generic-push-secret-0123456789"
SMS_SECRET = "sms-gateway-secret-0123456789"
CST = datetime.timezone(datetime.timedelta(hours=8))

YTO = {"name": "圆通速递", "quality_score": 85, "volumetric_divisor": 8000,
       "rate_card": {"local": zone(1000, 500, 1000, 100, 2),
                     "regional": zone(1000, 700, 1000, 200, 3),
                     "national": zone(1000, 900, 1000, 300, 3)},
       "tracking_format": {"pattern": "YT[0-9]{13}"}}


def at(hours=0, minutes=0):
    """A time relative to now, as Kuaidi100 writes it (China time, no zone)."""
    t = datetime.datetime.now(CST) + datetime.timedelta(hours=hours, minutes=minutes)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def as_of(hours=0, minutes=0):
    return rfc3339(datetime.datetime.now(datetime.timezone.utc)
                   + datetime.timedelta(hours=hours, minutes=minutes))


def k100_param(number, state, data, com="shunfeng"):
    """The subscription push as Kuaidi100 sends it: newest event first."""
    return json.dumps({
        "status": "polling", "billstatus": "got", "message": "",
        "lastResult": {"message": "ok", "state": state, "status": "200", "condition": "F00",
                       "ischeck": "1" if state == "3" else "0", "com": com, "nu": number,
                       "data": [{"context": c, "time": t, "ftime": t} for t, c in data]},
    }, ensure_ascii=False)


class TrackingTest(ShippingSteps, ServerTestCase):
    ENV = {"ORDO_MESSAGE_INTERVAL_MS": "20"}

    @classmethod
    def setUpCatalog(cls):
        srv = cls.srv
        cls.gateway = SmsGateway(SMS_SECRET)
        cls.sim = CarrierSim()
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.put_warehouse("SH", "上海市", "上海市", "浦东新区")
        cls.tee = unique_sku("TEE")
        srv.put_sku(cls.tee, weight_g=200, length_mm=250, width_mm=200, height_mm=20)
        srv.put_stock("SH", cls.tee, 1000)
        srv.ok("PUT", "/v1/carriers/SF", FAST, expect=(201,))
        srv.ok("PUT", "/v1/carriers/YTO", YTO, expect=(201,))
        cls.add_numbers("SF", ["SF%013d" % (7000 + i) for i in range(60)])
        cls.add_numbers("YTO", ["YT%013d" % (3000 + i) for i in range(10)])
        srv.ok("PUT", "/v1/tracking/providers/kuaidi100", {"key": "k100-key", "salt": SALT})
        srv.ok("PUT", "/v1/tracking/providers/generic", {"secret": SECRET})
        srv.ok("PUT", "/v1/messages/senders/sms", {"url": cls.gateway.url, "secret": SMS_SECRET})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.gateway.close()
        cls.sim.close()

    # ---- helpers ---------------------------------------------------------------------

    def shipped(self, parcels=1, carrier="SF", phone="13912345678"):
        """An order shipped in `parcels` parcels; returns (order_no, [tracking numbers])."""
        no = self.picking_order([(self.tee, parcels)], phone=phone)
        numbers = []
        for i in range(parcels):
            self.assertStatus(self.pack(no, self.scan((self.tee, 1)), partial=i < parcels - 1,
                                        weight_g=220, dims=(300, 220, 30)), 200)
            shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % q(no), {"carrier": carrier})
            numbers.append(shipped["parcels"][0]["tracking_no"])
        self.assertEqual(shipped["status"], "shipped")
        return no, numbers

    def k100(self, number, state, data, salt=SALT, sign=None, com="shunfeng"):
        param = k100_param(number, state, data, com)
        if sign is None:
            sign = hashlib.md5((param + salt).encode()).hexdigest().upper()
        raw = urllib.parse.urlencode({"param": param, "sign": sign}).encode()
        return self.srv.request("POST", "/v1/tracking/kuaidi100", raw=raw, token=None,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})

    def tracking(self, no):
        return self.srv.ok("GET", "/v1/orders/%s/tracking" % q(no))

    def status_moves(self, no):
        return [(e["from"], e["to"]) for e in self.srv.events(no) if e.get("type") == "status"]

    def exceptions(self, no, code):
        return open_exceptions(self.srv.get_order(no), code)

    # ---- settings --------------------------------------------------------------------

    def test_provider_settings_keep_their_secrets(self):
        shown = self.srv.ok("GET", "/v1/tracking/providers/kuaidi100")
        self.assertNotIn(SALT, json.dumps(shown))
        self.assertTrue(shown.get("salt_set"))
        self.assertValidation(self.srv.request("PUT", "/v1/tracking/providers/kuaidi100",
                                               {"key": "k"}), ("salt", "required"))
        self.assertValidation(self.srv.request("PUT", "/v1/tracking/providers/generic",
                                               {"secret": "short"}), ("secret", "too_short"))
        self.assertProblem(self.srv.request("PUT", "/v1/tracking/providers/cainiao",
                                            {"secret": SECRET}), 404)
        # The refused puts changed nothing: the salt still verifies pushes.
        self.assertEqual(self.k100("SF0000000000000", "0", [(at(), "运输中")])[0], 200)

    # ---- Kuaidi100 pushes ----------------------------------------------------------------

    def test_kuaidi100_signature_is_checked(self):
        no, [number] = self.shipped()
        status, _, body = self.k100(number, "3", [(at(), "已签收，签收人是：本人")],
                                    salt="wrong-salt")
        self.assertEqual(status, 401)
        self.assertEqual((body["result"], body["returnCode"]), (False, "500"))
        status, _, body = self.k100(number, "3", [(at(), "已签收")], sign="")
        self.assertEqual((status, body["result"]), (401, False))
        # Nothing was recorded for the refused pushes.
        self.assertEqual(self.tracking(no)["events"], [])
        self.assertEqual(self.srv.get_order(no)["status"], "shipped")
        # Malformed form: no param.
        status, _, body = self.srv.request(
            "POST", "/v1/tracking/kuaidi100", raw=b"sign=ABC", token=None,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, body["result"]), (400, False))
        # A lower-case hex sign is the same signature.
        param = k100_param(number, "1", [(at(-1), "【上海市】顺丰速运 已收取快件")])
        raw = urllib.parse.urlencode(
            {"param": param, "sign": hashlib.md5((param + SALT).encode()).hexdigest()}).encode()
        status, _, body = self.srv.request(
            "POST", "/v1/tracking/kuaidi100", raw=raw, token=None,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(body, {"result": True, "returnCode": "200", "message": "成功",
                                "matched": True, "parcels": 1, "new_events": 1})

    def test_unknown_tracking_number_is_acknowledged_and_ignored(self):
        status, _, body = self.k100("SF9999999999999", "0", [(at(), "快件到达【北京顺义集散中心】")])
        self.assertEqual(status, 200)
        self.assertEqual((body["result"], body["returnCode"], body["matched"]),
                         (True, "200", False))

    def test_order_follows_pushes_with_duplicates_and_late_events(self):
        no, [number] = self.shipped()
        t_collect, t_transit, t_out, t_done = at(-30), at(-20), at(-2), at(-1)
        early = [(t_transit, "快件到达【北京顺义集散中心】"),
                 (t_collect, "【上海市浦东新区】顺丰速运 已收取快件")]
        status, _, body = self.k100(number, "0", early)
        self.assertEqual((status, body["new_events"]), (200, 2))
        view = self.tracking(no)
        self.assertEqual(view["milestone"], "in_transit")
        self.assertEqual([e["milestone"] for e in view["events"]], ["in_transit", "collected"])
        self.assertEqual(self.srv.get_order(no)["status"], "shipped")

        # Kuaidi100 repeats the whole history with every push: nothing is counted twice.
        self.assertEqual(self.k100(number, "0", early)[2]["new_events"], 0)
        self.assertEqual(len(self.tracking(no)["events"]), 2)

        out = [(t_out, "【北京市朝阳区】快递员 李师傅 正在派件，请保持电话畅通")] + early
        self.k100(number, "5", out)
        self.assertEqual(self.srv.get_order(no)["status"], "out_for_delivery")

        # Delivered arrives; then an older scan that got lost on the way turns up late.
        self.k100(number, "3", [(t_done, "已签收，签收人是：本人签收")] + out)
        self.assertEqual(self.srv.get_order(no)["status"], "delivered")
        late = [(at(-10), "快件已从【北京顺义集散中心】发出，准备发往【北京朝阳营业部】")]
        self.assertEqual(self.k100(number, "0", late)[2]["new_events"], 1)
        view = self.tracking(no)
        self.assertEqual(view["milestone"], "delivered")
        self.assertEqual(self.srv.get_order(no)["status"], "delivered")
        self.assertEqual([e["milestone"] for e in view["events"]],
                         ["delivered", "out_for_delivery", "in_transit", "in_transit",
                          "collected"], "newest first, the late scan in its place")
        [parcel] = view["parcels"]
        self.assertEqual((parcel["tracking_no"], parcel["carrier"], parcel["milestone"]),
                         (number, "SF", "delivered"))
        self.assertFalse(parcel["open"], "a delivered parcel is no longer watched")
        self.assertEqual(self.status_moves(no)[-2:], [("shipped", "out_for_delivery"),
                                                      ("out_for_delivery", "delivered")])
        texts = wait_for(lambda: [m for m in self.gateway.texts(order_no=no)
                                  if m["event"] == "delivered"], what="the delivered text")
        self.assertIn("已签收", texts[0]["text"])

    def test_multi_parcel_order_is_delivered_when_every_parcel_is(self):
        no, (first, second) = self.shipped(parcels=2)
        self.k100(first, "3", [(at(-1), "已签收，签收人是：前台")])
        view = self.tracking(no)
        self.assertEqual([p["milestone"] for p in view["parcels"]], ["delivered", "shipped"])
        self.assertEqual(view["milestone"], "shipped", "the order is as far as its last parcel")
        self.assertEqual(self.srv.get_order(no)["status"], "out_for_delivery")
        self.k100(second, "3", [(at(-1), "您的快件已由【菜鸟驿站】代收，已取件")])
        self.assertEqual(self.srv.get_order(no)["status"], "delivered")
        self.assertEqual(self.tracking(no)["milestone"], "delivered")

    # ---- generic push --------------------------------------------------------------------

    def generic(self, body, secret=SECRET):
        raw = json.dumps(body, ensure_ascii=False).encode()
        sig = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return self.srv.request("POST", "/v1/tracking/push", raw=raw, token=None,
                                headers={"X-Ordo-Signature": sig})

    def test_generic_signed_push(self):
        no, [number] = self.shipped()
        body = {"carrier": "SF", "tracking_no": number, "events": [
            {"time": as_of(-3), "context": "包裹已到达【广州白云分拨中心】"},
            {"time": as_of(-1), "context": "自定义状态", "milestone": "out_for_delivery"}]}
        self.assertProblem(self.generic(body, secret="another-secret-0123456789"), 401)
        self.assertEqual(self.tracking(no)["events"], [])
        self.assertValidation(self.generic({"carrier": "SF", "events": []}),
                              ("tracking_no", "required"))
        self.assertValidation(self.generic({"tracking_no": number,
                                            "events": [{"time": "yesterday", "context": "x"}]}),
                              ("events", "invalid"))
        status, _, answer = self.generic(body)
        self.assertEqual((status, answer),
                         (200, {"matched": True, "parcels": 1, "new_events": 2}))
        self.assertEqual(self.srv.get_order(no)["status"], "out_for_delivery")

    # ---- polling -------------------------------------------------------------------------

    def poll(self, hours, minutes=0):
        return self.srv.ok("POST", "/v1/tracking/poll", {"as_of": as_of(hours, minutes)})

    def test_poll_with_an_error_and_back_off(self):
        self.srv.ok("PUT", "/v1/tracking/carriers/YTO",
                    {"api_url": self.sim.url, "api_key": "yto-key", "poll_interval_minutes": 60})
        shown = self.srv.ok("GET", "/v1/tracking/carriers/YTO")
        self.assertNotIn("yto-key", json.dumps(shown))
        no, [number] = self.shipped(carrier="YTO")
        pid = self.tracking(no)["parcels"][0]["id"]

        def mine(round_):
            return [p for p in round_["parcels"] if p["parcel_id"] == pid]

        # Not asked before its first interval is up.
        self.assertEqual(mine(self.poll(0, 30)), [])
        self.assertEqual(self.sim.asked(number), 0)

        self.sim.events[number] = [
            {"time": at(-5), "context": "【上海市】圆通速递 已揽收"},
            {"time": at(-3), "context": "快件已到达【杭州转运中心】"}]
        [p] = mine(self.poll(1, 1))
        self.assertEqual((p["ok"], p["new_events"]), (True, 2))
        self.assertEqual(self.sim.asked(number), 1)
        self.assertEqual(self.sim.auth[-1], "Bearer yto-key")
        self.assertEqual(self.tracking(no)["milestone"], "in_transit")

        # The carrier is down: the failure is kept and the next ask waits longer.
        self.sim.fail_next = 1
        [p] = mine(self.poll(2, 2))
        self.assertFalse(p["ok"])
        self.assertIn("503", p["error"])
        parcel = self.tracking(no)["parcels"][0]
        self.assertEqual(parcel["poll_failures"], 1)
        self.assertIn("503", parcel["poll_error"])
        self.assertEqual(mine(self.poll(3, 3)), [], "backing off: not asked one interval later")
        self.assertGreaterEqual(parse_rfc3339(parcel["next_poll_at"]),
                                parse_rfc3339(as_of(4)), "the interval at least doubled")
        self.assertEqual(self.sim.asked(number), 2)

        # Back, with the delivery: the order is delivered and polling stops.
        self.sim.events[number].append({"time": at(-1), "context": "快件已签收，签收人：家门口"})
        [p] = mine(self.poll(6, 5))
        self.assertEqual((p["ok"], p["new_events"]), (True, 1))
        self.assertEqual(self.tracking(no)["parcels"][0]["poll_failures"], 0)
        self.assertEqual(self.srv.get_order(no)["status"], "delivered")
        self.assertEqual(mine(self.poll(11)), [])
        self.assertEqual(self.sim.asked(number), 3)

    # ---- the buyer's page ----------------------------------------------------------------

    def test_buyer_page(self):
        no, [number] = self.shipped(phone="13912345678")
        self.k100(number, "0", [(at(-2), "快件到达 <b>【北京顺义】</b> & 中转")])
        status, headers, page = self.srv.request("GET", "/track/%s?phone_last4=5678" % q(no),
                                                 token=None)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn("charset=utf-8", headers["content-type"])
        self.assertIn(no, page)
        self.assertIn(number, page)
        self.assertIn("&lt;b&gt;【北京顺义】&lt;/b&gt; &amp; 中转", page)
        self.assertNotIn("<b>", page)
        for private in ("王女士", "13912345678", "北京市"):
            self.assertNotIn(private, page)

        status, headers, view = self.srv.request(
            "GET", "/track/%s?phone_last4=5678" % q(no), token=None,
            headers={"Accept": "application/json"})
        self.assertEqual(status, 200)
        self.assertEqual((view["order_no"], view["status"], view["milestone"]),
                         (no, "shipped", "in_transit"))
        self.assertEqual(view["parcels"][0]["tracking_no"], number)
        self.assertNotIn("王女士", json.dumps(view, ensure_ascii=False))

        # Wrong, missing or malformed digits, and an order that does not exist: one answer.
        answers = set()
        for path in ("/track/%s?phone_last4=0000" % q(no), "/track/%s" % q(no),
                     "/track/%s?phone_last4=56789" % q(no), "/track/NO-SUCH-ORDER?phone_last4=5678"):
            status, headers, page = self.srv.request("GET", path, token=None)
            self.assertEqual(status, 404, path)
            self.assertNotIn(number, page)
            answers.add((headers["content-type"], page))
            status, _, body = self.srv.request("GET", path, token=None,
                                               headers={"Accept": "application/json"})
            self.assertEqual(status, 404)
            answers.add(json.dumps(body))
        self.assertEqual(len(answers), 2, "one HTML and one JSON answer for every miss")

    # ---- detection -----------------------------------------------------------------------

    def sweep(self, hours):
        return self.srv.ok("POST", "/v1/tracking/sweep", {"as_of": as_of(hours)})

    def test_sweep_raises_stale_and_late_once(self):
        no, [number] = self.shipped()  # SF to Beijing from Shanghai: promised in 2 days
        self.k100(number, "0", [(at(-1), "快件已从【上海浦东集散中心】发出")])
        self.sweep(1)
        self.assertEqual(self.exceptions(no, "logistics_stale"), [])
        self.assertEqual(self.exceptions(no, "logistics_late"), [])

        self.sweep(49)  # 50 hours without news; the promise (48 h) is also past now
        [stale] = self.exceptions(no, "logistics_stale")
        self.assertEqual(stale["severity"], "yellow")
        self.assertIn(number, stale["message"])
        [late] = self.exceptions(no, "logistics_late")
        self.sweep(50)
        self.assertEqual(len(self.exceptions(no, "logistics_stale")), 1, "once while open")
        self.assertEqual(len(self.exceptions(no, "logistics_late")), 1)

        # The buyer hears of the lateness (not of the carrier's silence).
        texts = wait_for(lambda: [m for m in self.gateway.texts(order_no=no)
                                  if m["event"] == "delivery_issue"], what="the delay text")
        self.assertEqual(len(texts), 1)
        self.assertIn("未能在承诺时间内送达", texts[0]["text"])

        # Resolved, the same silence does not come back; news and then silence again does.
        self.srv.ok("POST", "/v1/exceptions/%d/resolve" % stale["id"], {"note": "carrier chased"})
        self.sweep(51)
        self.assertEqual(self.exceptions(no, "logistics_stale"), [])
        self.k100(number, "0", [(at(1), "快件到达【北京顺义集散中心】")])
        self.sweep(60)
        self.assertEqual(len(self.exceptions(no, "logistics_stale")), 1)

    def test_sweep_leaves_delivered_parcels_alone(self):
        no, [number] = self.shipped()
        self.k100(number, "3", [(at(-1), "已签收，签收人是：本人")])
        self.sweep(24 * 10)
        order = self.srv.get_order(no)
        self.assertEqual(order["status"], "delivered")
        self.assertEqual([e for e in open_exceptions(order)
                          if e["code"].startswith("logistics_")], [])

    def test_problem_and_return_open_exceptions(self):
        no, [number] = self.shipped()
        self.k100(number, "2", [(at(-1), "收件地址不详，快递员无法联系收件人")])
        [problem] = self.exceptions(no, "logistics_problem")
        self.assertEqual(problem["severity"], "red")
        self.assertEqual(self.tracking(no)["milestone"], "problem")
        self.sweep(1)
        self.assertEqual(len(self.exceptions(no, "logistics_problem")), 1)
        self.k100(number, "6", [(at(0, -5), "收件人拒收，快件退回寄件人")])
        [returned] = self.exceptions(no, "logistics_returned")
        self.assertEqual(returned["severity"], "red")
        self.assertEqual(self.srv.get_order(no)["status"], "shipped")
        texts = wait_for(lambda: len([m for m in self.gateway.texts(order_no=no)
                                      if m["event"] == "delivery_issue"]) == 2 or None,
                         what="two delivery-issue texts")
        self.assertTrue(texts)
        kinds = [e["type"] for e in self.srv.events(no)]
        self.assertIn("tracking", kinds)
        self.assertIn("exception", kinds)

    def test_sweep_as_of_must_be_a_time(self):
        self.assertValidation(self.srv.request("POST", "/v1/tracking/sweep", {"as_of": "soon"}),
                              ("as_of", "invalid"))
        self.assertValidation(self.srv.request("POST", "/v1/tracking/poll", {"as_of": 5}),
                              ("as_of", "invalid"))
