"""Packing, carriers, tracking numbers, shipping and labels, from an order in picking (put
there by a wave; test_fulfilment_flow.py walks the picking itself too)."""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zlib

from message_catchers import SmsGateway
from ordo_server import ADDR_GUANGZHOU, ADDR_SHANGHAI, ServerTestCase, ean13, make_order, \
    q, unique_sku, wait_for


def zone(first_weight_g, first_fen, step_g, step_fen, days):
    return {"first_weight_g": first_weight_g, "first_fen": first_fen, "step_g": step_g,
            "step_fen": step_fen, "promised_days": days}


# Two carriers whose prices and speeds differ so each policy picks a different one.
CHEAP = {"name": "中通快递", "quality_score": 80, "volumetric_divisor": 8000,
         "rate_card": {"local": zone(1000, 600, 1000, 100, 2),
                       "regional": zone(1000, 800, 1000, 200, 3),
                       "national": zone(1000, 1000, 1000, 400, 4)},
         "tracking_format": {"pattern": "(7[0-9]|5[0-9]|3[0-9])[0-9]{10,13}"}}
FAST = {"name": "顺丰速运", "quality_score": 95, "volumetric_divisor": 6000,
        "rate_card": {"local": zone(1000, 1200, 1000, 200, 1),
                      "regional": zone(1000, 1400, 1000, 400, 1),
                      "national": zone(1000, 2300, 1000, 1300, 2)},
        "tracking_format": {"pattern": "SF[0-9]{12,13}"}}
EMS = {"name": "EMS", "quality_score": 99, "volumetric_divisor": 6000,
       "rate_card": {"local": zone(1000, 1500, 1000, 500, 3),
                     "national": zone(1000, 2500, 1000, 1500, 5)},
       "tracking_format": {"pattern": "E[A-Z][0-9]{9}CN", "check": "s10"}}


# The zone rule of core/carrier.h over data/distance/province_capitals.csv, computed here
# independently: km between the capitals (haversine, as sourcing computes the table).
DISTANCE_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data",
                            "distance", "province_capitals.csv")
PROVINCE_CODES = {"广西壮族自治区": 450000, "黑龙江省": 230000}


def table_zone(from_code, to_code):
    import csv
    import math
    with open(DISTANCE_CSV, encoding="utf-8") as f:
        capitals = {int(r["code"]): (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}
    (lat1, lon1), (lat2, lon2) = capitals[from_code], capitals[to_code]
    rad = math.pi / 180
    a = (math.sin((lat2 - lat1) * rad / 2) ** 2 +
         math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lon2 - lon1) * rad / 2) ** 2)
    km = round(2 * 6371.0 * math.asin(math.sqrt(a)))
    if from_code == to_code:
        return 0, "local"
    if to_code in (540000, 650000) or km > 2500:
        return km, "remote"
    return km, "regional" if km <= 800 else "national"


def s10(serial8, prefix="EA", country="CN"):
    weights = [8, 6, 4, 2, 3, 5, 9, 7]
    c = 11 - sum(int(d) * w for d, w in zip(serial8, weights)) % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return "%s%s%d%s" % (prefix, serial8, c, country)


class ShippingSteps:
    """Placing an order in picking, scanning, packing and shipping it."""

    @classmethod
    def add_numbers(cls, carrier, numbers):
        return cls.srv.ok("POST", "/v1/carriers/%s/tracking-numbers" % carrier,
                          {"numbers": numbers}, expect=(200,))

    def picking_order(self, lines, warehouse="SH", **kw):
        """An order placed, approved and taken into a wave (now in picking)."""
        o = self.srv.post_order(make_order(lines, **kw))
        self.assertEqual(o["status"], "approved", o)
        wave = self.srv.ok("POST", "/v1/waves", {"warehouse": warehouse, "strategy": "zone",
                                                 "max_orders": 1000}, expect=(201,))
        self.assertIn(o["order_no"], wave["orders"])
        return o["order_no"]

    def scan(self, *pairs):
        return [{"barcode": ean13(sku), "qty": qty} for sku, qty in pairs]

    def pack(self, order_no, items, partial=None, weight_g=1500, dims=(300, 200, 150)):
        body = {"items": items, "weight_g": weight_g, "length_mm": dims[0],
                "width_mm": dims[1], "height_mm": dims[2]}
        if partial is not None:
            body["partial"] = partial
        return self.srv.request("POST", "/v1/orders/%s/pack" % q(order_no), body)

    def ship(self, order_no, body=None):
        return self.srv.request("POST", "/v1/orders/%s/ship" % q(order_no), body)


class ShippingTest(ShippingSteps, ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        srv = cls.srv
        # No review holds: these orders are about the warehouse, not about fraud.
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.put_warehouse("SH", "上海市", "上海市", "浦东新区")
        cls.cup = unique_sku("CUP")      # fragile
        cls.oil = unique_sku("OIL")      # liquid
        cls.tee = unique_sku("TEE")      # soft and small
        srv.put_sku(cls.cup, fragile=True, weight_g=400, length_mm=120, width_mm=90,
                    height_mm=90)
        srv.put_sku(cls.oil, liquid=True, food=True, weight_g=1000, length_mm=80, width_mm=80,
                    height_mm=250)
        srv.put_sku(cls.tee, weight_g=200, length_mm=250, width_mm=200, height_mm=20)
        for sku in (cls.cup, cls.oil, cls.tee):
            srv.put_stock("SH", sku, 1000)
        srv.ok("PUT", "/v1/carriers/ZTO", CHEAP, expect=(201,))
        srv.ok("PUT", "/v1/carriers/SF", FAST, expect=(201,))
        srv.ok("PUT", "/v1/carriers/EMS", EMS, expect=(201,))
        cls.serial = 10000000
        cls.add_numbers("ZTO", ["7%013d" % (5000 + i) for i in range(40)])
        cls.add_numbers("SF", ["SF%013d" % (9000 + i) for i in range(40)])

    # ---- packing -------------------------------------------------------------------

    def test_pack_refuses_missing_and_extra_items_and_changes_nothing(self):
        no = self.picking_order([(self.cup, 2), (self.oil, 1)], splittable=False)
        body = self.assertValidation(self.pack(no, self.scan((self.cup, 1), (self.oil, 1))),
                                     ("items", "missing_item"))
        self.assertIn("%s (line 1, SKU %s): 2 to pack, 1 scanned" % (ean13(self.cup), self.cup),
                      body["errors"][0]["message"])
        stranger = unique_sku("NOPE")
        body = self.assertValidation(
            self.pack(no, self.scan((self.cup, 3), (self.oil, 1), (stranger, 1))),
            ("items[0]", "extra_item"), ("items[2]", "extra_item"))
        messages = " ".join(e["message"] for e in body["errors"])
        self.assertIn("3 scanned but the order still needs 2", messages)
        self.assertIn("%s (1 scanned) is not in order" % ean13(stranger), messages)
        self.assertValidation(self.pack(no, self.scan((self.cup, 2)), partial=True),
                              ("partial", "not_splittable"))
        self.assertEqual(self.srv.get_order(no)["status"], "picking")
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/parcels" % no)["items"], [])

    def test_pack_chooses_packaging_and_shows_the_remark(self):
        no = self.picking_order([(self.cup, 2), (self.oil, 1)], remark="杯子请多包一层")
        status, _, body = self.pack(no, self.scan((self.oil, 1), (self.cup, 1), (self.cup, 1)))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "packed")
        self.assertEqual(body["remark"], "杯子请多包一层")
        parcel = body["parcel"]
        self.assertEqual(body["parcels"], [parcel])
        self.assertEqual(sorted((i["sku"], i["qty"]) for i in parcel["items"]),
                         sorted([(self.cup, 2), (self.oil, 1)]))
        pk = parcel["packaging"]
        self.assertTrue(pk["box"].startswith("carton_"), pk)
        self.assertEqual(set(pk["materials"]),
                         {"bubble_wrap", "void_filler", "sealed_bag", "food_safe_liner"})
        self.assertEqual((parcel["weight_g"], parcel["length_mm"]), (1500, 300))
        self.assertIsNone(parcel["label_pdf"], "no label before it ships")
        self.assertEqual(self.srv.events(no)[-1]["to"], "packed")
        # Nothing left to pack; a label before shipping is refused.
        self.assertProblem(self.pack(no, self.scan((self.cup, 1))), 422)
        self.assertProblem(self.srv.request("GET", "/v1/parcels/%d/label.pdf" % parcel["id"]),
                           409)

    def test_soft_goods_go_in_a_mailer(self):
        no = self.picking_order([(self.tee, 1)])
        status, _, body = self.pack(no, self.scan((self.tee, 1)), weight_g=220,
                                    dims=(300, 220, 30))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["parcel"]["packaging"]["box"], "poly_mailer")
        self.assertEqual(body["parcel"]["packaging"]["materials"], [])

    def test_pack_needs_picking(self):
        o = self.srv.post_order(make_order([(self.tee, 1)]))
        self.assertProblem(self.pack(o["order_no"], self.scan((self.tee, 1))), 409,
                           "illegal_transition")
        self.assertProblem(self.pack("NOSUCHORDER", self.scan((self.tee, 1))), 404)
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/pack" % o["order_no"],
                                               {"items": [{"barcode": "", "qty": 0}]}),
                              ("items[0].barcode", None), ("items[0].qty", None),
                              ("weight_g", "required"))

    # ---- shipping ------------------------------------------------------------------

    def test_ship_by_policy_and_labels(self):
        # From Shanghai to Guangzhou: national zone. ZTO is cheaper, SF faster, EMS scores best.
        no = self.picking_order([(self.cup, 1)], address=ADDR_GUANGZHOU)
        self.assertEqual(self.pack(no, self.scan((self.cup, 1)))[0], 200)
        status, _, body = self.ship(no, {"policy": "fastest"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "shipped")
        [p] = body["parcels"]
        self.assertEqual((p["carrier"], p["chosen_by"], p["zone"]), ("SF", "fastest", "national"))
        self.assertRegex(p["tracking_no"], r"^SF\d{13}$")
        # 300×200×150 mm / 6000 = 1500 g volumetric = the actual 1500 g: two steps of 1 kg.
        self.assertEqual((p["chargeable_g"], p["price_fen"]), (1500, 2300 + 1300))
        self.assertEqual(p["label_pdf"], "/v1/parcels/%d/label.pdf" % p["id"])

        status, headers, _ = self.srv.request("GET", p["label_zpl"])
        self.assertEqual(status, 200)
        zpl = self.raw(p["label_zpl"]).decode("utf-8")
        self.assertTrue(zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ"), zpl)
        self.assertIn("^BC", zpl)
        self.assertIn("^FD" + p["tracking_no"] + "^FS", zpl)
        self.assertIn("138****8000", zpl)
        self.assertNotIn("13800138000", zpl)
        self.assertIn(no, zpl)
        pdf = self.raw(p["label_pdf"])
        self.assertPdf(pdf, p["tracking_no"])

        # Shipped: the buyer is told with carrier and tracking number.
        ev = self.srv.events(no)[-1]
        self.assertEqual((ev["from"], ev["to"]), ("packed", "shipped"))
        self.assertIn(p["tracking_no"], ev["reason"])
        self.assertIn("顺丰速运", ev["reason"])
        payload = self.outbox_payload(no, "shipped")
        self.assertEqual((payload["carrier"], payload["carrier_name"], payload["tracking_no"]),
                         ("SF", "顺丰速运", p["tracking_no"]))
        self.assertProblem(self.ship(no), 409)

    def test_a_paper_invoice_travels_with_the_parcel(self):
        no = self.picking_order([(self.tee, 1)])
        inv = self.srv.ok("POST", "/v1/orders/%s/invoice" % q(no),
                          {"type": "paper", "title_type": "personal", "title": "王女士"},
                          expect=(201,))
        self.assertEqual(inv["status"], "to_print")
        status, _, packed = self.pack(no, self.scan((self.tee, 1)))
        self.assertEqual(status, 200, packed)
        # The packing station is handed the invoice to print and put in the box.
        self.assertEqual(packed["invoice"]["invoice_no"], inv["invoice_no"])
        status, _, body = self.ship(no)
        self.assertEqual(status, 200, body)
        shipped = self.srv.ok("GET", "/v1/invoices/%s" % inv["invoice_no"])
        self.assertEqual(shipped["status"], "shipped")
        # An order without a paper invoice packs with none.
        other = self.picking_order([(self.tee, 1)])
        status, _, packed = self.pack(other, self.scan((self.tee, 1)))
        self.assertEqual(status, 200, packed)
        self.assertIsNone(packed["invoice"])

    def test_cheapest_and_required_carriers(self):
        no = self.picking_order([(self.tee, 1)], address=ADDR_SHANGHAI)
        self.pack(no, self.scan((self.tee, 1)), weight_g=220, dims=(300, 220, 30))
        [p] = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {})["parcels"]
        self.assertEqual((p["carrier"], p["chosen_by"], p["zone"], p["price_fen"]),
                         ("ZTO", "cheapest", "local", 600))
        self.assertRegex(p["tracking_no"], r"^7\d{13}$")

        # The order names its carrier: it wins over the policy.
        no = self.picking_order([(self.tee, 1)], address=ADDR_SHANGHAI, carrier="SF")
        self.assertEqual(self.srv.get_order(no)["carrier"], "SF")
        self.pack(no, self.scan((self.tee, 1)), weight_g=220, dims=(300, 220, 30))
        [p] = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {"policy": "cheapest"})["parcels"]
        self.assertEqual((p["carrier"], p["chosen_by"]), ("SF", "required"))

        # A carrier that does not serve the zone (EMS has no regional rate) cannot be required.
        no = self.picking_order([(self.tee, 1)], address={
            "province": "江苏省", "city": "南京市", "district": "玄武区", "detail": "中山路1号"})
        self.pack(no, self.scan((self.tee, 1)), weight_g=220, dims=(300, 220, 30))
        self.assertValidation(self.ship(no, {"carrier": "EMS"}), ("carrier", "carrier_unavailable"))
        self.assertValidation(self.ship(no, {"policy": "slowest"}), ("policy", "out_of_range"))
        self.assertEqual(self.srv.get_order(no)["status"], "packed")

    def test_partial_shipment_then_the_rest(self):
        no = self.picking_order([(self.cup, 1), (self.tee, 2)], address=ADDR_GUANGZHOU)
        self.assertValidation(self.pack(no, self.scan((self.cup, 1))), ("items", "missing_item"))
        status, _, first = self.pack(no, self.scan((self.cup, 1)), partial=True)
        self.assertEqual(status, 200, first)
        self.assertEqual(first["status"], "packed")
        shipped = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {"carrier": "SF"})
        self.assertEqual(shipped["status"], "partially_shipped")
        self.assertEqual(self.outbox_payload(no, "partially_shipped")["tracking_no"],
                         shipped["parcels"][0]["tracking_no"])
        # The rest: only the tees are still to pack.
        self.assertValidation(self.pack(no, self.scan((self.cup, 1), (self.tee, 2))),
                              ("items[0]", "extra_item"))
        status, _, second = self.pack(no, self.scan((self.tee, 2)), weight_g=450)
        self.assertEqual(status, 200, second)
        self.assertEqual(second["status"], "partially_shipped")
        self.assertEqual(len(second["parcels"]), 2)
        done = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {})
        self.assertEqual(done["status"], "shipped")
        self.assertEqual([p["id"] for p in done["parcels"]], [second["parcel"]["id"]])
        parcels = self.srv.ok("GET", "/v1/orders/%s/parcels" % no)["items"]
        self.assertEqual([p["status"] for p in parcels], ["shipped", "shipped"])
        self.assertEqual(len({p["tracking_no"] for p in parcels}), 2)

    def test_tracking_pool_exhaustion(self):
        code = "P" + unique_sku("")[-6:].replace("-", "")
        self.srv.ok("PUT", "/v1/carriers/" + code,
                    dict(CHEAP, name="小快递", quality_score=100,
                         tracking_format={"pattern": "PX[0-9]{8}"}), expect=(201,))
        self.assertValidation(self.srv.request(
            "POST", "/v1/carriers/%s/tracking-numbers" % code,
            {"numbers": ["PX00000001", "SF123", "PX1"]}),
            ("numbers[1]", "invalid_tracking_no"), ("numbers[2]", "invalid_tracking_no"))
        self.assertEqual(self.srv.ok("GET", "/v1/carriers/" + code)["tracking_available"], 0)
        added = self.add_numbers(code, ["PX00000001", "PX00000001"])
        self.assertEqual((added["added"], added["already_present"], added["available"]), (1, 1, 1))

        nos = [self.picking_order([(self.tee, 1)]) for _ in range(2)]
        for no in nos:
            self.pack(no, self.scan((self.tee, 1)), weight_g=220, dims=(300, 220, 30))
        first = self.srv.ok("POST", "/v1/orders/%s/ship" % nos[0], {"carrier": code})
        self.assertEqual(first["parcels"][0]["tracking_no"], "PX00000001")
        body = self.assertProblem(self.ship(nos[1], {"carrier": code}), 409,
                                  "tracking_pool_empty")
        self.assertIn("has 0 tracking numbers left", body["detail"])
        self.assertEqual(self.srv.get_order(nos[1])["status"], "packed")
        exc = [e for e in self.srv.get_order(nos[1])["exceptions"]
               if e["code"] == "tracking_pool_empty"]
        self.assertEqual(len(exc), 1, self.srv.get_order(nos[1])["exceptions"])
        self.assertEqual(exc[0]["severity"], "red")
        # Refilled, it ships; the used number is never handed out again.
        self.add_numbers(code, ["PX00000001", "PX00000002"])
        again = self.srv.ok("POST", "/v1/orders/%s/ship" % nos[1], {"carrier": code})
        self.assertEqual(again["parcels"][0]["tracking_no"], "PX00000002")

    def test_s10_numbers_and_carrier_settings(self):
        good = s10("47312482")
        self.assertEqual(good, "EA473124829CN")
        bad = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
        self.assertValidation(self.srv.request("POST", "/v1/carriers/EMS/tracking-numbers",
                                               {"numbers": [good, bad]}),
                              ("numbers[1]", "invalid_tracking_no"))
        self.assertEqual(self.add_numbers("EMS", [good])["added"], 1)
        self.assertValidation(self.srv.request("PUT", "/v1/carriers/BAD", {
            "name": "", "rate_card": {"moon": {}, "local": {"first_weight_g": 0}},
            "tracking_format": {"pattern": "(["}, "quality_score": 101}),
            ("name", "required"), ("rate_card", "unknown_zone"),
            ("rate_card.local.first_weight_g", "out_of_range"),
            ("tracking_format.pattern", "invalid_pattern"), ("quality_score", "out_of_range"))
        self.assertProblem(self.srv.request("GET", "/v1/carriers/BAD"), 404)
        codes = [c["code"] for c in self.srv.ok("GET", "/v1/carriers")["items"]]
        self.assertTrue({"EMS", "SF", "ZTO"} <= set(codes), codes)

    def test_zones_come_from_the_distance_table(self):
        # A warehouse in 广州 and a carrier that only takes remote parcels (it wins nothing
        # else in this class).
        self.srv.put_warehouse("GZ", "广东省", "广州市", "天河区")
        self.srv.ok("PUT", "/v1/carriers/FAR", {
            "name": "远方快递", "quality_score": 50,
            "rate_card": {"remote": zone(1000, 3000, 1000, 1500, 6)},
            "tracking_format": {"pattern": "FAR[0-9]{6}"}}, expect=(200, 201))
        self.add_numbers("FAR", ["FAR%06d" % i for i in range(5)])
        bowl = unique_sku("BOWL")
        self.srv.put_sku(bowl, weight_g=800, length_mm=150, width_mm=150, height_mm=80)
        self.srv.put_stock("GZ", bowl, 50)
        nanning = {"province": "广西壮族自治区", "city": "南宁市", "district": "青秀区",
                   "detail": "民族大道100号"}
        harbin = {"province": "黑龙江省", "city": "哈尔滨市", "district": "南岗区",
                  "detail": "西大直街92号"}
        for address, carrier, expected in ((nanning, "ZTO", "regional"),
                                           (harbin, "FAR", "remote")):
            km, by_table = table_zone(440000, PROVINCE_CODES[address["province"]])
            self.assertEqual(by_table, expected, "%s: %d km" % (address["province"], km))
            no = self.picking_order([(bowl, 1)], warehouse="GZ", address=address)
            # Sourcing priced the order with the same zone shipping charges.
            a = self.srv.ok("GET", "/v1/orders/%s/allocation" % q(no))
            self.assertEqual(a["warehouses"], ["GZ"])
            self.assertEqual((a["candidates"][0]["km"], a["candidates"][0]["carrier_zone"]),
                             (km, expected), a["candidates"][0])
            self.assertEqual(self.pack(no, self.scan((bowl, 1)), weight_g=900,
                                       dims=(200, 200, 100))[0], 200)
            status, _, body = self.ship(no, {"carrier": carrier})
            self.assertEqual(status, 200, body)
            self.assertEqual(body["parcels"][0]["zone"], expected)

    # ---- helpers -------------------------------------------------------------------

    def raw(self, path):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        try:
            c.request("GET", path, headers={"Authorization": "Bearer " + self.srv.token})
            resp = c.getresponse()
            data = resp.read()
            self.assertEqual(resp.status, 200, data[:300])
            return data
        finally:
            c.close()

    def outbox_payload(self, order_no, to):
        import json
        con = sqlite3.connect(self.srv.db, timeout=10)
        try:
            rows = con.execute(
                "SELECT payload FROM outbox o JOIN orders r ON r.id = o.order_id "
                "WHERE r.order_no = ? AND o.topic = 'order.status_changed' ORDER BY o.id",
                (order_no,)).fetchall()
        finally:
            con.close()
        payloads = [json.loads(r[0]) for r in rows]
        found = [p for p in payloads if p["to"] == to]
        self.assertTrue(found, payloads)
        return found[-1]

    def assertPdf(self, pdf, tracking_no):
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:20])
        self.assertIn(b"%%EOF", pdf[-32:])
        if shutil.which("qpdf"):
            d = tempfile.mkdtemp()
            try:
                path = os.path.join(d, "label.pdf")
                with open(path, "wb") as f:
                    f.write(pdf)
                check = subprocess.run(["qpdf", "--check", path], capture_output=True,
                                       text=True)
                self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
                out = os.path.join(d, "plain.pdf")
                subprocess.run(["qpdf", "--qdf", "--object-streams=disable", path, out],
                               check=True)
                with open(out, "rb") as f:
                    plain = f.read()
            finally:
                shutil.rmtree(d)
        else:
            plain = b"".join(zlib.decompress(m) for m in re.findall(
                rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S) if m[:1] == b"x")
        # The tracking number is printed under the bars (ASCII in the content stream), and
        # Code 128 draws many filled rectangles.
        self.assertIn(b"(" + tracking_no.encode() + b")", plain)
        self.assertGreater(plain.count(b" re"), 20)
        self.assertIn(b"/SimSun", plain)


class DemoCarriersTest(ServerTestCase):
    DEMO = True

    def test_demo_has_five_carriers_with_numbers(self):
        carriers = {c["code"]: c for c in self.srv.ok("GET", "/v1/carriers")["items"]}
        self.assertEqual(set(carriers), {"SF", "ZTO", "YTO", "JD", "EMS"})
        for code, c in carriers.items():
            # Every demo number passed its carrier's own format (and EMS's check digit).
            self.assertEqual(c["tracking_available"], 200, code)
        self.assertEqual(carriers["JD"]["channels"], ["jd"])
        self.assertEqual(carriers["EMS"]["tracking_format"]["check"], "s10")


class ShippedMessageTest(ShippingSteps, ServerTestCase):
    """The buyer's SMS names the carrier and the tracking number, as sent to a real gateway."""
    ENV = {"ORDO_MESSAGE_INTERVAL_MS": "20"}

    @classmethod
    def setUpCatalog(cls):
        cls.gateway = SmsGateway("sms-gateway-secret-0123456789")
        srv = cls.srv
        srv.ok("PUT", "/v1/review/rules", {"rules": []})
        srv.put_warehouse("SH", "上海市", "上海市", "浦东新区")
        cls.tee = unique_sku("TEE")
        srv.put_sku(cls.tee, weight_g=200, length_mm=250, width_mm=200, height_mm=20)
        srv.put_stock("SH", cls.tee, 100)
        srv.ok("PUT", "/v1/carriers/SF", FAST, expect=(201,))
        cls.add_numbers("SF", ["SF1400000000001", "SF1400000000002"])
        srv.ok("PUT", "/v1/messages/senders/sms",
               {"url": cls.gateway.url, "secret": "sms-gateway-secret-0123456789"})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.gateway.close()

    def test_partial_then_full_shipment_messages(self):
        no = self.picking_order([(self.tee, 2)], phone="13912345678")
        self.pack(no, self.scan((self.tee, 1)), partial=True, weight_g=220, dims=(300, 220, 30))
        first = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {})["parcels"][0]["tracking_no"]
        self.pack(no, self.scan((self.tee, 1)), weight_g=220, dims=(300, 220, 30))
        second = self.srv.ok("POST", "/v1/orders/%s/ship" % no, {})["parcels"][0]["tracking_no"]
        def shipment_texts():
            texts = [m for m in self.gateway.texts(order_no=no)
                     if m["event"] in ("partially_shipped", "shipped")]
            return texts if len(texts) == 2 else None

        by_event = {m["event"]: m for m in wait_for(shipment_texts, what="two shipment texts")}
        self.assertIn("部分商品已由顺丰速运发出，运单号" + first, by_event["partially_shipped"]["text"])
        self.assertIn("已由顺丰速运发出，运单号" + second, by_event["shipped"]["text"])
        self.assertEqual(by_event["shipped"]["params"]["tracking_no"], second)
        self.assertEqual(by_event["shipped"]["params"]["carrier"], "顺丰速运")
