"""The command line: bulk import (validation, idempotency, summary, rejects, progress bar),
order show, migrate, check (the reservation ledger replayed), --help everywhere."""

import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import tempfile
import unittest

from ordo_server import OrdoServer, make_order, unique_sku

BIN = os.environ.get("ORDO_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "ordo")

SUMMARY = re.compile(r"imported (\d+) lines in [\d.]+ s \(\d+ orders/s\): (\d+) accepted, "
                     r"(\d+) duplicate, (\d+) rejected")


def run(*args, **kw):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120, **kw)


def replay_ledger(db_path):
    """Recomputes reserved per (warehouse, sku) from the reservation ledger, independently of
    ordo, and returns the rows where the stock table disagrees or breaks 0<=reserved<=on_hand."""
    con = sqlite3.connect(db_path)
    try:
        ledger = {}
        for wh, sku, qty in con.execute(
                "SELECT warehouse, sku, qty FROM reservation_ledger ORDER BY id"):
            ledger[(wh, sku)] = ledger.get((wh, sku), 0) + qty
            # at no point in the ledger's history may a holding go negative
            assert ledger[(wh, sku)] >= 0, "ledger went negative for %s/%s" % (wh, sku)
        bad = []
        for wh, sku, on_hand, reserved in con.execute(
                "SELECT warehouse, sku, on_hand, reserved FROM stock"):
            if reserved != ledger.get((wh, sku), 0) or not 0 <= reserved <= on_hand:
                bad.append((wh, sku, on_hand, reserved, ledger.get((wh, sku), 0)))
        return bad
    finally:
        con.close()


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = OrdoServer(demo=False)
        cls.srv.start()
        cls.sku = unique_sku("CLI")
        cls.other = unique_sku("CLO")
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区", priority=1)
        cls.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=2)
        for sku in (cls.sku, cls.other):
            cls.srv.put_sku(sku)
        cls.srv.put_stock("BJ", cls.sku, 150)
        cls.srv.put_stock("SH", cls.sku, 100)
        cls.srv.put_stock("SH", cls.other, 10)
        assert cls.srv.stop() == 0
        cls.db = cls.srv.db
        cls.dir = tempfile.mkdtemp(prefix="ordo-cli-")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        subprocess.run(["rm", "-rf", cls.dir])

    def tearDown(self):
        if self.srv.running():
            self.assertEqual(self.srv.stop(), 0)

    def write_lines(self, name, lines):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            for line in lines:
                f.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
                        + "\n")
        return path

    def test_import_then_reimport(self):
        good = [make_order([(self.sku, 1 + i % 3)], channel="jd") for i in range(120)]
        conflict = json.loads(json.dumps(good[0]))
        conflict["remark"] = "另一个备注"
        bad = make_order([("NO-SUCH-SKU", 1)], phone="12345")
        lines = good + [good[5], conflict, "{\"channel\": \"taobao\", ", "", bad, [1, 2]]
        path = self.write_lines("orders.jsonl", lines)
        rejects = os.path.join(self.dir, "rejects.jsonl")

        r = run("import", path, "--db", self.db, "--rejects", rejects)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        m = SUMMARY.search(r.stdout)
        self.assertTrue(m, r.stdout)
        total, accepted, duplicate, rejected = map(int, m.groups())
        self.assertEqual((accepted, duplicate, rejected), (120, 1, 4))
        self.assertEqual(total, 125)
        self.assertNotIn("\r", r.stderr, "no progress bar when stderr is not a terminal")

        with open(rejects, encoding="utf-8") as f:
            rows = [json.loads(l) for l in f]
        by_line = {row["line"]: row for row in rows}
        self.assertEqual(sorted(by_line), [122, 123, 125, 126])
        self.assertEqual(by_line[122]["code"], "idempotency_mismatch")
        self.assertEqual(by_line[123]["code"], "malformed_json")
        fields = {(e["field"], e["code"]) for e in by_line[125]["errors"]}
        self.assertIn(("items[0].sku", "unknown_sku"), fields)
        self.assertIn(("buyer.phone", "invalid_phone"), fields)
        self.assertEqual(json.loads(by_line[125]["input"])["external_id"], bad["external_id"])

        # The imported orders are the API's orders: same rows, same reservations.
        self.srv.start()
        orders = self.srv.list_all_orders({"channel": "jd"})
        self.assertEqual(len(orders), 120)
        self.assertEqual({o["external_id"] for o in orders}, {g["external_id"] for g in good})
        wanted = sum(g["items"][0]["qty"] for g in good)
        stock = self.srv.stock(self.sku)
        self.assertEqual(stock["reserved"], wanted)
        self.assertEqual(sum(r["qty"] for o in orders for r in o["reservations"]), wanted)
        self.assertEqual(self.srv.events(orders[0]["order_no"])[0]["actor"], "import")
        self.assertEqual(self.srv.stop(), 0)

        # Importing the same file again writes nothing new.
        r = run("import", path, "--db", self.db, "--rejects", rejects)
        self.assertEqual(r.returncode, 3)
        accepted, duplicate = map(int, SUMMARY.search(r.stdout).groups()[1:3])
        self.assertEqual((accepted, duplicate), (0, 121))
        self.assertEqual(replay_ledger(self.db), [])

    def test_progress_bar_on_a_terminal(self):
        path = self.write_lines("tty.jsonl",
                                [make_order([(self.sku, 1)], channel="douyin") for _ in range(30)])
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BIN, [BIN, "import", path, "--db", self.db])
        out = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        text = out.decode("utf-8", "replace")
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, text)
        self.assertIn("100%", text)
        self.assertRegex(text, r"\[#+\]")
        self.assertRegex(text, r"30 accepted, 0 duplicate, 0 rejected")

    def test_import_reads_standard_input_and_creates_the_database(self):
        db = os.path.join(self.dir, "fresh", "new.db")
        line = json.dumps(make_order([("ANY", 1)]), ensure_ascii=False)
        rejects = os.path.join(self.dir, "stdin.rejects.jsonl")
        r = run("import", "-", "--db", db, "--rejects", rejects, input=line + "\n")
        # A new database has no catalog: the line is rejected, precisely, not lost.
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"0 accepted, 0 duplicate, 1 rejected")
        self.assertTrue(os.path.exists(db))
        with open(rejects, encoding="utf-8") as f:
            self.assertEqual(json.loads(f.readline())["errors"][0]["code"], "unknown_sku")

    def test_order_show(self):
        self.srv.start()
        order = self.srv.post_order(make_order([(self.other, 2)]))
        self.assertEqual(self.srv.stop(), 0)
        r = run("order", "show", order["order_no"], "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        shown = json.loads(r.stdout)
        self.assertEqual(shown["order"], order)
        self.assertEqual(shown["timeline"][0]["type"], "created")
        r = run("order", "show", "999", "--db", self.db)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no order 999", r.stderr)

    def test_check_replays_the_ledger_and_catches_a_mismatch(self):
        # A mixed history: orders, a cancellation, a stocktake down (take-back) and up
        # (refill), an adjustment.
        self.srv.start()
        sku = unique_sku("LED")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 6)
        placed = [self.srv.post_order(make_order([(sku, 2)], splittable=(i % 2 == 0)))
                  for i in range(5)]
        self.srv.ok("POST", "/v1/orders/%s/cancel" % placed[0]["order_no"], {"reason": "test"})
        self.srv.put_stock("BJ", sku, 3)
        self.srv.adjust("BJ", sku, 5, "receipt")
        self.srv.put_stock("SH", sku, 4)
        verify = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(verify["consistent"], verify)
        self.assertEqual(self.srv.stop(), 0)

        self.assertEqual(replay_ledger(self.db), [])
        r = run("check", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(json.loads(r.stdout)["consistent"])

        # Break the cache behind ordo's back: the check must notice.
        con = sqlite3.connect(self.db)
        con.execute("UPDATE stock SET reserved = reserved - 1 WHERE warehouse = 'BJ' AND sku = ?"
                    " AND reserved > 0", (sku,))
        con.commit()
        con.close()
        r = run("check", "--db", self.db)
        self.assertEqual(r.returncode, 1, r.stdout)
        bad = json.loads(r.stdout)["mismatches"]
        self.assertEqual([(m["warehouse"], m["sku"]) for m in bad], [("BJ", sku)])
        self.assertEqual(bad[0]["ledger"] - bad[0]["reserved"], 1)
        con = sqlite3.connect(self.db)
        con.execute("UPDATE stock SET reserved = reserved + 1 WHERE warehouse = 'BJ' AND sku = ?",
                    (sku,))
        con.commit()
        con.close()
        self.assertEqual(run("check", "--db", self.db).returncode, 0)

    def test_migrate(self):
        db = os.path.join(self.dir, "m", "schema.db")
        for _ in range(2):  # applying twice is a no-op
            r = run("migrate", "--db", db)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"schema version [1-9]")
        con = sqlite3.connect(db)
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        con.close()
        self.assertTrue({"orders", "reservation_ledger", "outbox", "exceptions"} <= tables)

    def test_help_everywhere(self):
        for args in (["--help"], ["serve", "--help"], ["import", "--help"],
                     ["order", "--help"], ["migrate", "--help"], ["check", "--help"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("usage: ordo", r.stdout, args)
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)
        r = run("serve", "--bogus")
        self.assertEqual(r.returncode, 2)
