"""Reconciliation of Alipay's trade statement with the payments ordo recorded: payments go
through the real signed notification path (an RSA key pair made here with the OpenSSL command
line, the public half configured as the Alipay key), the statement is generated in Alipay's
download layout (GBK, tab padding, comment header and footer), and both the API and the CLI
must report exactly the discrepancies there are, opening one exception each, once."""

import base64
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from ordo_server import (CST, OrdoServer, ServerTestCase, make_order, now_cst, open_exceptions,
                         unique_id, unique_sku)

BIN = os.environ.get("ORDO_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "ordo")

HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
          "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
          "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
          "退款批次号/请求号,服务费（元）,分润（元）,备注")


class AlipayKeys:
    """An RSA-2048 key pair made for the test; signs notifications as Alipay would (RSA2 over
    the sorted parameters without sign and sign_type)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ordo-alipay-")
        self.private = os.path.join(self.dir, "alipay_private.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.private], check=True,
                       capture_output=True)
        self.public_pem = subprocess.run(["openssl", "pkey", "-in", self.private, "-pubout"],
                                         check=True, capture_output=True, text=True).stdout

    def sign(self, params):
        text = "&".join("%s=%s" % (k, params[k]) for k in sorted(params)
                        if params[k] != "" and k not in ("sign", "sign_type"))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.private],
                             input=text.encode("utf-8"), check=True, capture_output=True).stdout
        return base64.b64encode(sig).decode()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


APP_ID = "2021000117600001"


def setup_alipay(srv, keys):
    srv.ok("PUT", "/v1/payments/providers/alipay",
           {"app_id": APP_ID, "alipay_public_key_pem": keys.public_pem})


def yuan(fen):
    return "%d.%02d" % (fen // 100, fen % 100) if fen >= 0 else "-" + yuan(-fen)


def notify_paid(srv, keys, out_trade_no, fen, trade_no):
    """Alipay's asynchronous notification of a paid trade, signed; returns ordo's answer."""
    params = {"app_id": APP_ID, "charset": "utf-8", "notify_type": "trade_status_sync",
              "notify_id": unique_id("N"), "notify_time": now_cst().strftime("%Y-%m-%d %H:%M:%S"),
              "out_trade_no": out_trade_no, "trade_no": trade_no, "trade_status": "TRADE_SUCCESS",
              "total_amount": yuan(fen), "version": "1.0", "sign_type": "RSA2"}
    params["sign"] = keys.sign(params)
    status, _, body = srv.request(
        "POST", "/v1/payments/alipay/notify", raw=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert (status, body) == (200, "success"), (status, body)


def cst_text(dt):
    return dt.astimezone(CST).strftime("%Y年%m月%d日 %H:%M:%S")


def statement(rows, start, end, footer=True):
    """Alipay's 业务明细 CSV (as text) for rows of (trade_no, out_trade_no, 交易|退款, fen[,
    refund_no]) over [start, end)."""
    done = now_cst().strftime("%Y-%m-%d %H:%M:%S")
    lines = ["#支付宝业务明细查询", "#账号：[20880211096256330156]",
             "#起始日期：[%s]   终止日期：[%s]" % (cst_text(start), cst_text(end)),
             "#" + "-" * 41 + "业务明细列表" + "-" * 40, HEADER]
    for r in rows:
        trade_no, ref, kind, fen = r[:4]
        refund_no = r[4] if len(r) > 4 else ""
        lines.append(",".join([
            trade_no + "\t", ref + "\t", kind + "\t", "月饼礼盒", done, done, "\t", "\t", "\t",
            "\t", "*津水(602***@qq.com)\t", yuan(fen), yuan(fen), "0.00", "0.00", "0.00", "0.00",
            "0.00", "", "0.00\t", "0.00", refund_no + "\t", "0.00", "0.00", ""]))
    if footer:
        trades = sum(1 for r in rows if r[2] == "交易")
        lines += ["#" + "-" * 41 + "业务明细列表结束" + "-" * 36,
                  "#交易合计：%d笔，商家实收共0.00元，商家优惠共0.00元" % trades,
                  "#退款合计：%d笔，商家实收退款共0.00元，商家优惠退款共0.00元" % (len(rows) - trades),
                  "#导出时间：[%s]" % cst_text(now_cst())]
    return "\n".join(lines) + "\n"


def around_now():
    now = now_cst().replace(microsecond=0)
    return now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)


def unpaid_order(srv, sku, total):
    """A web order waiting for its payment (distinct buyer and address: no review holds)."""
    o = make_order([(sku, 1, total)], channel="web", paid=False, external_id=unique_id("WEB"))
    o.pop("remark", None)
    o["address"]["detail"] = "大望路甲18号%s单元" % unique_id("")[-4:]
    o["buyer"]["phone"] = "139%08d" % (int(hashlib.md5(o["external_id"].encode())
                                           .hexdigest(), 16) % 10**8)
    return srv.post_order(o)


class ReconcileScenario:
    """Orders and payments shared by the API and CLI tests: one matched trade, one trade ordo
    never heard of, one whose amount the statement has differently, one ordo recorded that the
    statement omits."""

    def __init__(self, srv, keys, sku):
        self.srv, self.keys, self.sku = srv, keys, sku
        self.matched = self.unpaid_order(12300)
        self.unrecorded = self.unpaid_order(4500)
        self.mismatched = self.unpaid_order(6000)
        self.omitted = self.unpaid_order(7000)
        self.trade = {name: unique_id("2026") for name in
                      ("matched", "unrecorded", "mismatched", "omitted")}
        notify_paid(srv, keys, self.matched["order_no"], 12300, self.trade["matched"])
        # A web order's external id is its payment reference too.
        notify_paid(srv, keys, self.mismatched["external_id"], 6000, self.trade["mismatched"])
        notify_paid(srv, keys, self.omitted["order_no"], 7000, self.trade["omitted"])
        for o in (self.matched, self.mismatched, self.omitted):
            assert srv.get_order(o["order_no"])["status"] != "pending_payment"
        self.start, self.end = around_now()

    def unpaid_order(self, total):
        return unpaid_order(self.srv, self.sku, total)

    def rows(self):
        return [(self.trade["matched"], self.matched["order_no"], "交易", 12300),
                (self.trade["unrecorded"], self.unrecorded["order_no"], "交易", 4500),
                (self.trade["mismatched"], self.mismatched["external_id"], "交易", 5900)]

    def text(self):
        return statement(self.rows(), self.start, self.end)

    def expected(self):
        return {(self.unrecorded["order_no"], "paid_not_recorded"),
                (self.mismatched["order_no"], "amount_mismatch"),
                (self.omitted["order_no"], "recorded_not_paid")}


class AlipayServerCase(ServerTestCase):
    """A server with stock and Alipay configured. Each test class has its own database, so
    the payments one class records are not in another's statement period."""

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("REC")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("BJ", cls.sku, 1000)
        cls.keys = AlipayKeys()
        setup_alipay(cls.srv, cls.keys)

    @classmethod
    def tearDownClass(cls):
        cls.keys.close()
        super().tearDownClass()

    def reconcile(self, body, token=True):
        kw = {} if token else {"token": None}
        return self.srv.request("POST", "/v1/reconciliations/alipay", raw=body,
                                headers={"Content-Type": "text/csv"}, **kw)

    def recon_exceptions(self, order_no):
        return [e for e in open_exceptions(self.srv.get_order(order_no))
                if e["code"].startswith("recon_")]


class ReconcileApiTest(AlipayServerCase):
    def test_statement_against_recorded_payments(self):
        sc = ReconcileScenario(self.srv, self.keys, self.sku)
        self.assertProblem(self.reconcile(sc.text().encode("gbk"), token=False), 401,
                           "unauthorized")
        # As downloaded: GBK.
        status, headers, rep = self.reconcile(sc.text().encode("gbk"))
        self.assertEqual(status, 201, rep)
        self.assertEqual(headers["location"], "/v1/reconciliations/%d" % rep["id"])
        self.assertEqual(rep["statement"], {"trades": 3, "refunds": 0})
        self.assertEqual(rep["matched"], 1)
        self.assertEqual(rep["counts"], {"paid_not_recorded": 1, "recorded_not_paid": 1,
                                         "amount_mismatch": 1, "refund_not_recorded": 0})
        self.assertEqual(rep["discrepancy_count"], 3)
        self.assertEqual({(d["order_no"], d["kind"]) for d in rep["discrepancies"]},
                         sc.expected())
        self.assertEqual(rep["exceptions_opened"], 3)
        by_kind = {d["kind"]: d for d in rep["discrepancies"]}
        self.assertEqual((by_kind["amount_mismatch"]["statement_amount_fen"],
                          by_kind["amount_mismatch"]["recorded_amount_fen"]), (5900, 6000))
        self.assertEqual(by_kind["recorded_not_paid"]["trade_no"], sc.trade["omitted"])
        self.assertEqual(by_kind["recorded_not_paid"]["recorded_amount_fen"], 7000)
        self.assertIsNone(by_kind["recorded_not_paid"]["statement_amount_fen"])
        self.assertEqual(by_kind["paid_not_recorded"]["statement_amount_fen"], 4500)
        self.assertTrue(all(d["new"] for d in rep["discrepancies"]))

        # One red exception on each order concerned, naming the trade; none on the matched one.
        for order_no, kind in sc.expected():
            [exc] = self.recon_exceptions(order_no)
            self.assertEqual((exc["code"], exc["severity"]), ("recon_" + kind, "red"))
            self.assertEqual(exc["id"], by_kind[kind]["exception_id"])
            self.assertIn(by_kind[kind]["trade_no"], exc["message"])
        self.assertEqual(self.recon_exceptions(sc.matched["order_no"]), [])

        # The run is stored as answered.
        self.assertEqual(self.srv.ok("GET", "/v1/reconciliations/%d" % rep["id"]), rep)

        # The same statement again (re-saved as UTF-8 with a byte-order mark): the same report,
        # nothing new opened.
        again = "\ufeff".encode() + sc.text().replace("\n", "\r\n").encode("utf-8")
        status, _, rep2 = self.reconcile(again)
        self.assertEqual(status, 201, rep2)
        self.assertGreater(rep2["id"], rep["id"])
        self.assertEqual(rep2["exceptions_opened"], 0)
        self.assertEqual({(d["order_no"], d["kind"], d["exception_id"], d["new"])
                          for d in rep2["discrepancies"]},
                         {(d["order_no"], d["kind"], d["exception_id"], False)
                          for d in rep["discrepancies"]})
        for order_no, _ in sc.expected():
            self.assertEqual(len(self.recon_exceptions(order_no)), 1)

    def test_refused_statement_changes_nothing(self):
        exceptions = self.srv.ok("GET", "/v1/exceptions?status=all&limit=500")
        start, end = around_now()
        good = statement([("2026X1", "NO-SUCH", "交易", 100)], start, end)
        bad = good.replace(",1.00,1.00,", ",1.0.0,1.00,", 1).replace("交易\t", "转账\t", 1)
        status, _, body = self.reconcile(bad.encode("gbk"))
        self.assertProblem((status, _, body), 400, "bad_request")
        self.assertEqual({(e["field"], e["code"]) for e in body["errors"]},
                         {("line 6", "bad_amount"), ("line 6", "unknown_type")})
        cut = statement([("2026X1", "A", "交易", 100), ("2026X2", "B", "交易", 100)], start, end)
        cut = cut.replace(cut.splitlines()[6] + "\n", "")  # the download lost a row
        status, _, body = self.reconcile(cut.encode("utf-8"))
        self.assertEqual((status, body["errors"][0]["code"]), (400, "totals_mismatch"))
        status, _, body = self.reconcile(b"\x80\xff\xfe not a statement")
        self.assertEqual((status, body["errors"][0]["code"]), (400, "bad_encoding"))
        self.assertEqual(self.reconcile(b"")[0], 400)
        self.assertEqual(self.srv.ok("GET", "/v1/exceptions?status=all&limit=500"), exceptions,
                         "nothing was opened")
        self.assertProblem(self.srv.request("GET", "/v1/reconciliations/999999"), 404,
                           "not_found")
        self.assertProblem(self.srv.request("GET", "/v1/reconciliations/abc"), 404, "not_found")


class ReconcileRefundTest(AlipayServerCase):
    def test_unknown_order_and_refunds(self):
        start, end = around_now()
        paid = unpaid_order(self.srv, self.sku, 2000)
        trade = unique_id("2026")
        notify_paid(self.srv, self.keys, paid["order_no"], 2000, trade)
        stranger = unique_id("2026")
        text = statement([(trade, paid["order_no"], "交易", 2000),
                          (trade, paid["order_no"], "退款", -500, "re_" + trade),
                          (stranger, "NOT-OURS-1", "交易", 990)], start, end)
        status, _, rep = self.reconcile(text.encode("gbk"))
        self.assertEqual(status, 201, rep)
        self.assertEqual(rep["matched"], 1, "a refund is listed, not netted into its trade")
        [refund] = rep["refunds"]
        self.assertEqual((refund["order_no"], refund["amount_fen"], refund["refund_no"]),
                         (paid["order_no"], -500, "re_" + trade))
        kinds = {d["kind"]: d for d in rep["discrepancies"]}
        # The order still goes out although the platform gave money back.
        self.assertEqual(kinds["refund_not_recorded"]["order_no"], paid["order_no"])
        self.assertEqual(self.recon_exceptions(paid["order_no"])[0]["code"],
                         "recon_refund_not_recorded")
        # Money for an order ordo does not know: reported, with no order to hang an exception on.
        unknown = kinds["paid_not_recorded"]
        self.assertEqual((unknown["order_no"], unknown["exception_id"], unknown["out_trade_no"]),
                         (None, None, "NOT-OURS-1"))
        self.assertIn("names no order", unknown["message"])
        self.assertEqual(rep["exceptions_opened"], 1)
        # Once the order is cancelled the refund is what was expected.
        self.srv.ok("POST", "/v1/orders/%s/cancel" % paid["order_no"], {"reason": "refunded"})
        rep = self.reconcile(text.encode("gbk"))[2]
        self.assertNotIn("refund_not_recorded", {d["kind"] for d in rep["discrepancies"]})
        self.assertEqual(rep["refunds"][0]["order_status"], "cancelled")


def run_cli(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120)


class ReconcileCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = AlipayKeys()
        cls.srv = OrdoServer(demo=False)
        cls.srv.start()
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("RCL")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("BJ", cls.sku, 100)
        setup_alipay(cls.srv, cls.keys)
        cls.sc = ReconcileScenario(cls.srv, cls.keys, cls.sku)
        assert cls.srv.stop() == 0
        cls.dir = tempfile.mkdtemp(prefix="ordo-recon-")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        cls.keys.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_report_exit_codes_and_idempotence(self):
        path = self.write("2026_业务明细.csv", self.sc.text().encode("gbk"))
        r = run_cli("reconcile", "alipay", path, "--db", self.srv.db)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("matched: 1", r.stdout)
        self.assertIn("discrepancies: 3", r.stdout)
        self.assertIn("exceptions opened: 3", r.stdout)
        for order_no, kind in self.sc.expected():
            self.assertRegex(r.stdout, r"%s\s+order %s" % (kind, order_no))
        r = run_cli("reconcile", "alipay", path, "--db", self.srv.db, "--json")
        self.assertEqual(r.returncode, 3, r.stderr)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["exceptions_opened"], 0)
        self.assertEqual({(d["order_no"], d["kind"]) for d in rep["discrepancies"]},
                         self.sc.expected())
        self.assertEqual(rep["created_by"], "cli")

        # A period before any payment with only the matched trade: everything matches.
        start = self.sc.start - datetime.timedelta(days=2)
        clean = statement(self.sc.rows()[:1], start, start + datetime.timedelta(days=1))
        r = run_cli("reconcile", "alipay", self.write("clean.csv", clean.encode("gbk")),
                    "--db", self.srv.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("discrepancies: 0", r.stdout)

    def test_refused_statement_and_usage(self):
        start, end = around_now()
        bad = statement([("2026Y1", "A", "交易", 100)], start, end).replace(",1.00,1.00,", ",abc,1.00,", 1)
        path = self.write("bad.csv", bad.encode("gbk"))
        r = run_cli("reconcile", "alipay", path, "--db", self.srv.db)
        self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
        self.assertIn("line 6", r.stderr)
        self.assertIn("bad_amount", r.stderr)
        self.assertEqual(r.stdout, "")
        r = run_cli("reconcile", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Exit status", r.stdout)
        self.assertEqual(run_cli("reconcile", "alipay", "--help").returncode, 0)
        self.assertEqual(run_cli("reconcile").returncode, 2)
        self.assertEqual(run_cli("reconcile", "wechat", path).returncode, 2)
        self.assertEqual(run_cli("reconcile", "alipay", "--db", self.srv.db).returncode, 2)
        missing = run_cli("reconcile", "alipay", os.path.join(self.dir, "nope.csv"),
                          "--db", self.srv.db)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("reconcile", run_cli("--help").stdout)


if __name__ == "__main__":
    unittest.main()
