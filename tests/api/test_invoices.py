"""Invoices (发票): issued for paid orders, electronic or paper, personal or company (the tax
id's check digit verified), lines with tax rates whose money adds up to what the buyer paid,
one invoice per order that is not void, numbers without gaps or duplicates even under
concurrent issuing, a PDF of each."""

import re
import sqlite3
import subprocess
import threading
import unicodedata
import urllib.request

from ordo_server import ServerTestCase, make_order, unique_sku

COMPANY = {"type": "electronic", "title_type": "company", "title": "厦门示例科技有限公司",
           "tax_id": "91350200776049653A", "email": "finance@example.cn",
           "address": "厦门市思明区示例路1号", "phone": "0592-1234567",
           "bank": "中国银行厦门分行 1234567890"}
PERSONAL = {"type": "paper", "title_type": "personal", "title": "王女士"}
NUMBER = re.compile(r"^FP(\d{4})(\d{8})$")


class InvoiceTest(ServerTestCase):
    ENV = {"ORDO_SELLER_NAME": "示例商贸有限公司", "ORDO_SELLER_TAX_ID": "91440101MA5CJQ4N59"}

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.food = unique_sku("TEA")
        cls.book = unique_sku("BOOK")
        cls.plain = unique_sku("CUP")
        cls.srv.put_sku(cls.food, name="龙井茶 250g", tax_rate_bp=900,
                        tax_code="1030201000000000000")
        cls.srv.put_sku(cls.book, name="中文图书", tax_rate_bp=900)
        cls.srv.put_sku(cls.plain, name="陶瓷杯")  # the merchant's default rate
        for sku in (cls.food, cls.book, cls.plain):
            cls.srv.put_stock("BJ", sku, 100000)

    def order(self, items=None, **kw):
        items = items or [(self.food, 2, 12800), (self.plain, 3, 3333)]
        return self.srv.post_order(make_order(items, **kw))["order_no"]

    def issue(self, order_no, body):
        return self.srv.request("POST", "/v1/orders/%s/invoice" % order_no, body)

    def issued(self, order_no, body):
        status, headers, inv = self.issue(order_no, body)
        self.assertEqual(status, 201, inv)
        self.assertEqual(headers.get("location"), "/v1/invoices/" + inv["invoice_no"])
        self.assertEqual(self.srv.ok("GET", "/v1/invoices/" + inv["invoice_no"]), inv)
        return inv

    def number(self, inv):
        m = NUMBER.match(inv["invoice_no"])
        self.assertTrue(m, inv["invoice_no"])
        return int(m.group(2))

    # ---- issuing ---------------------------------------------------------------------

    def test_company_electronic_invoice_adds_up_to_what_was_paid(self):
        order_no = self.order(shipping_fee=1000, discounts=[{"code": "C10", "amount": 1001}])
        order = self.srv.get_order(order_no)
        inv = self.issued(order_no, COMPANY)
        self.assertEqual(inv["status"], "issued")
        self.assertFalse(inv["with_parcel"])
        self.assertEqual(inv["buyer"]["tax_id"], COMPANY["tax_id"])
        self.assertEqual(inv["seller"]["name"], "示例商贸有限公司")
        self.assertEqual(inv["seller"]["tax_id"], "91440101MA5CJQ4N59")
        lines = inv["lines"]
        self.assertEqual([l["rate_bp"] for l in lines], [900, 1300, 1300])
        self.assertEqual(lines[0]["tax_code"], "1030201000000000000")
        self.assertEqual(lines[2]["name"], "运费")
        self.assertEqual(lines[2]["discount"], 0, "the shipping line shares no goods discount")
        total = order["amounts"]["total"]
        self.assertEqual(inv["totals"]["amount"], total)
        self.assertEqual(sum(l["amount"] for l in lines), total)
        self.assertEqual(sum(l["discount"] for l in lines), 1001)
        for l in lines:
            self.assertEqual(l["net"] + l["tax"], l["amount"])
            exact = l["amount"] * l["rate_bp"] / (10000 + l["rate_bp"])
            self.assertLessEqual(abs(l["tax"] - exact), 0.5)
        self.assertEqual(sum(l["net"] for l in lines), inv["totals"]["net"])
        self.assertEqual(sum(l["tax"] for l in lines), inv["totals"]["tax"])
        # 25600 + 9999 + 1000 - 1001 = 35598 fen
        self.assertEqual(total, 35598)
        self.assertEqual(inv["totals"]["amount_upper"], "叁佰伍拾伍元玖角捌分")
        self.assertEqual(self.srv.ok("GET", "/v1/orders/%s/invoice" % order_no), inv)
        types = [e["type"] for e in self.srv.events(order_no)]
        self.assertIn("invoice_issued", types)

    def test_personal_paper_invoice_waits_for_the_parcel(self):
        order_no = self.order()
        inv = self.issued(order_no, PERSONAL)
        self.assertEqual(inv["status"], "to_print")
        self.assertTrue(inv["with_parcel"])
        self.assertIsNone(inv["buyer"]["tax_id"])
        self.assertEqual(inv["type"], "paper")

    def test_lower_case_tax_id_is_taken_in_capitals(self):
        inv = self.issued(self.order(), dict(COMPANY, tax_id=COMPANY["tax_id"].lower()))
        self.assertEqual(inv["buyer"]["tax_id"], COMPANY["tax_id"])

    # ---- refusals ----------------------------------------------------------------------

    def test_bad_tax_id_is_named(self):
        order_no = self.order()
        body = self.assertValidation(self.issue(order_no, dict(COMPANY, tax_id="91350200776049653B")),
                                     ("tax_id", "invalid_check_digit"))
        self.assertIn("'A'", [e for e in body["errors"] if e["field"] == "tax_id"][0]["message"])
        self.assertValidation(self.issue(order_no, dict(COMPANY, tax_id="9135020077604965")),
                              ("tax_id", "invalid_tax_id"))
        self.assertValidation(self.issue(order_no, dict(COMPANY, tax_id="91350200776O49653A")),
                              ("tax_id", "invalid_tax_id"))
        no_id = dict(COMPANY)
        del no_id["tax_id"]
        self.assertValidation(self.issue(order_no, no_id), ("tax_id", "required"))
        self.assertValidation(self.issue(order_no, dict(PERSONAL, tax_id=COMPANY["tax_id"])),
                              ("tax_id", "not_allowed"))
        self.assertValidation(
            self.issue(order_no, {"type": "fax", "title_type": "club", "email": "nobody",
                                  "colour": "red"}),
            ("type", "invalid_value"), ("title_type", "invalid_value"), ("title", "required"),
            ("email", "invalid_value"), ("colour", "not_allowed"))
        self.assertProblem(self.srv.request("GET", "/v1/orders/%s/invoice" % order_no), 404)
        self.assertNotIn("invoice_issued", [e["type"] for e in self.srv.events(order_no)])

    def test_unpaid_or_unknown_order_gets_none(self):
        unpaid = self.order(paid=False)
        body = self.assertProblem(self.issue(unpaid, COMPANY), 409, "illegal_transition")
        self.assertIn("pending_payment", body["detail"])
        self.assertProblem(self.issue("2099010100000000000", COMPANY), 404)
        self.assertProblem(self.srv.request("GET", "/v1/invoices/FP209900000001"), 404)

    # ---- one active invoice; void and re-issue ------------------------------------------

    def test_one_active_invoice_void_and_reissue_keeps_both(self):
        order_no = self.order()
        first = self.issued(order_no, PERSONAL)
        body = self.assertProblem(self.issue(order_no, COMPANY), 409, "conflict")
        self.assertIn(first["invoice_no"], body["detail"])
        self.assertValidation(self.srv.request("POST", "/v1/invoices/%s/void" % first["invoice_no"],
                                               {}), ("reason", "required"))
        voided = self.srv.ok("POST", "/v1/invoices/%s/void" % first["invoice_no"],
                             {"reason": "买家要求改为公司抬头"})
        self.assertEqual(voided["status"], "void")
        self.assertEqual(voided["void_reason"], "买家要求改为公司抬头")
        self.assertProblem(self.srv.request("POST", "/v1/invoices/%s/void" % first["invoice_no"],
                                            {"reason": "again"}), 409, "conflict")
        self.assertProblem(self.srv.request("GET", "/v1/orders/%s/invoice" % order_no), 404)
        second = self.issued(order_no, COMPANY)
        self.assertEqual(second["replaces"], first["invoice_no"])
        self.assertEqual(self.number(second), self.number(first) + 1)
        self.assertEqual(self.srv.ok("GET", "/v1/invoices/" + first["invoice_no"])["status"],
                         "void", "the void invoice is kept")
        types = [e["type"] for e in self.srv.events(order_no)]
        self.assertEqual(types.count("invoice_issued"), 2)
        self.assertEqual(types.count("invoice_voided"), 1)

    # ---- PDF ---------------------------------------------------------------------------

    def pdf_bytes(self, invoice_no):
        req = urllib.request.Request("http://127.0.0.1:%d/v1/invoices/%s.pdf"
                                     % (self.srv.port, invoice_no),
                                     headers={"Authorization": "Bearer " + self.srv.token})
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertEqual(resp.headers["Content-Type"], "application/pdf")
            return resp.read()

    def test_pdf(self):
        inv = self.issued(self.order(), COMPANY)
        data = self.pdf_bytes(inv["invoice_no"])
        self.assertTrue(data.startswith(b"%PDF-"), data[:20])
        self.assertIn(b"%%EOF", data[-32:])
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                              timeout=20, check=True).stdout.decode("utf-8", "replace")
        # SimSun's GBK encoding draws ASCII as full-width forms: read them back as ASCII.
        text = unicodedata.normalize("NFKC", text)
        for expected in (inv["invoice_no"], "厦门示例科技有限公司", COMPANY["tax_id"],
                         inv["totals"]["amount_upper"], "龙井茶"):
            self.assertIn(expected, text)
        self.assertProblem(self.srv.request("GET", "/v1/invoices/FP209900000009.pdf"), 404)

    # ---- numbering -----------------------------------------------------------------------

    def test_concurrent_issuing_numbers_without_gaps_or_duplicates(self):
        orders = [self.order(items=[(self.book, 1, 5000)]) for _ in range(24)]
        before = self.series_last()
        results = [None] * len(orders)

        def issue(i):
            results[i] = self.issue(orders[i], dict(COMPANY, type="paper" if i % 2 else
                                                    "electronic"))

        threads = [threading.Thread(target=issue, args=(i,)) for i in range(len(orders))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # A second try at each order, concurrently too: all refused, no number used.
        again = [None] * len(orders)

        def reissue(i):
            again[i] = self.issue(orders[i], COMPANY)[0]

        threads = [threading.Thread(target=reissue, args=(i,)) for i in range(len(orders))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(again, [409] * len(orders))
        numbers = sorted(self.number(r[2]) for r in results if r[0] == 201)
        self.assertEqual(len(numbers), len(orders), [r[0] for r in results])
        self.assertEqual(numbers, list(range(before + 1, before + len(orders) + 1)))
        self.assertEqual(self.series_last(), before + len(orders))

    def test_numbers_survive_kill_9(self):
        """A 201 is on disk: after kill -9 the series goes on after the last number given,
        with no duplicate and no gap."""
        first = self.issued(self.order(), PERSONAL)
        self.srv.kill9()
        self.srv.start()
        after = self.issued(self.order(), PERSONAL)
        self.assertEqual(self.number(after), self.number(first) + 1)
        self.assertEqual(self.srv.ok("GET", "/v1/invoices/" + first["invoice_no"])["invoice_no"],
                         first["invoice_no"])

    def series_last(self):
        db = sqlite3.connect(self.srv.db, timeout=10)
        try:
            rows = db.execute("SELECT max(last_no) FROM invoice_counters").fetchall()
        finally:
            db.close()
        return rows[0][0] or 0


class SkuTaxRateTest(ServerTestCase):
    def test_tax_rate_and_code_validated_and_shown(self):
        sku = unique_sku("TAX")
        shown = self.srv.put_sku(sku, tax_rate_bp=600, tax_code="3040201000000000000")
        self.assertEqual(shown["tax_rate_bp"], 600)
        self.assertEqual(shown["tax_code"], "3040201000000000000")
        self.assertIsNone(self.srv.put_sku(sku)["tax_rate_bp"], "absent: the merchant default")
        body = {"name": "x", "tax_rate_bp": 1700, "tax_code": "12AB"}
        self.assertValidation(self.srv.request("PUT", "/v1/skus/" + sku, body),
                              ("tax_rate_bp", "invalid_value"), ("tax_code", "invalid_value"))
        self.assertIsNone(self.srv.ok("GET", "/v1/skus/" + sku)["tax_rate_bp"])
