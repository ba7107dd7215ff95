"""Test helper: starts an `ordo serve` process on a free port over a temporary database and
talks to it over HTTP. Standard library only.

    srv = OrdoServer(demo=False, env={"ORDO_PAYMENT_HOLD_S": "1"})
    srv.start()
    status, headers, body = srv.request("GET", "/v1/skus/X")
    srv.stop()          # SIGTERM, waits, returns the exit code
    srv.kill9()         # SIGKILL
    srv.restart()       # same database, same token, new port
    srv.close()         # stops (if running) and removes the temporary directory

The binary comes from $ORDO_BIN (default: <repo>/build/ordo). Extra env/args are passed
through. Every server used while a test runs is remembered so that the runner can print
the tail of its log when the test fails.
"""

import atexit
import datetime
import http.client
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.path.join(REPO, "build", "ordo")

# Generous per-request timeout: the suite also runs under ASan (about 3x slower).
REQUEST_TIMEOUT_S = 30.0
START_DEADLINE_S = 15.0
STOP_DEADLINE_S = 15.0

_DEFAULT = object()  # "use the server's admin token"

# Servers touched by the currently running test (the runner resets and reads this).
TOUCHED = []
_ALL = []
_lock = threading.Lock()


def _touch(srv):
    with _lock:
        if srv not in TOUCHED:
            TOUCHED.append(srv)


def reset_touched():
    with _lock:
        del TOUCHED[:]


def touched_servers():
    with _lock:
        return list(TOUCHED)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


class ServerError(AssertionError):
    pass


class _PortTaken(Exception):
    pass


class OrdoServer:
    def __init__(self, demo=False, env=None, args=None, token=_DEFAULT, bin_path=None,
                 db_dir=None):
        self.bin = bin_path or os.environ.get("ORDO_BIN") or DEFAULT_BIN
        self.demo = demo
        self.extra_env = dict(env or {})
        self.extra_args = list(args or [])
        # token=None: start without ORDO_ADMIN_TOKEN (the server generates one).
        self.token = secrets.token_hex(16) if token is _DEFAULT else token
        self.dir = db_dir or tempfile.mkdtemp(prefix="ordo-api-")
        self._own_dir = db_dir is None
        self.db = os.path.join(self.dir, "ordo.db")
        self.log_path = os.path.join(self.dir, "server.log")
        self.generated_token = None  # read from admin.token when started without a token
        self.proc = None
        self.port = None
        self.starts = 0
        with _lock:
            _ALL.append(self)

    # ---- lifecycle -------------------------------------------------------------------

    def start(self, _attempts=3):
        """Starts the server and waits for /healthz. If the free port found was taken by
        someone else in the meantime, tries again on another one."""
        for attempt in range(_attempts):
            try:
                return self._start_once()
            except _PortTaken:
                if attempt == _attempts - 1:
                    raise ServerError("could not bind a port after %d tries\n%s"
                                      % (_attempts, self.log_tail()))

    def _start_once(self):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("server already running")
        if not os.path.exists(self.bin):
            raise ServerError("ORDO_BIN %s does not exist (run make)" % self.bin)
        _touch(self)
        self.port = free_port()
        argv = [self.bin, "serve", "--listen", "127.0.0.1:%d" % self.port, "--db", self.db]
        if not self.demo:
            argv.append("--no-demo")
        argv += self.extra_args
        env = dict(os.environ)
        env.pop("ORDO_ADMIN_TOKEN", None)
        if self.token is not None:
            env["ORDO_ADMIN_TOKEN"] = self.token
        env.update(self.extra_env)
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(("\n==== start #%d: %s\n" % (self.starts, " ".join(argv))).encode())
        log.flush()
        self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + START_DEADLINE_S
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_tail()
                last = tail.splitlines()[-1] if tail else ""
                if "cannot listen" in last:
                    raise _PortTaken()
                raise ServerError("ordo exited with %s during start-up\n%s"
                                  % (self.proc.returncode, tail))
            try:
                status, _, _ = self.request("GET", "/healthz", token=None, timeout=2.0)
                if status == 200:
                    break
                last = "status %d" % status
            except (OSError, http.client.HTTPException) as e:
                last = repr(e)
            time.sleep(0.02)
        else:
            self.kill9()
            raise ServerError("ordo did not answer /healthz within %.0f s (last: %s)\n%s"
                              % (START_DEADLINE_S, last, self.log_tail()))
        if self.token is None:
            path = os.path.join(self.dir, "admin.token")
            if os.path.exists(path):
                with open(path) as f:
                    self.generated_token = f.read().strip()
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_DEADLINE_S):
        """SIGTERM and wait; returns the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def restart(self):
        """Stops gracefully if running, then starts again on the same database."""
        if self.running():
            self.stop()
        return self.start()

    def close(self):
        if self.running():
            code = self.stop()
            if code is None:
                self.kill9()
        if self._own_dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)

    SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "WARNING: ThreadSanitizer", "Fatal error in GNU libmicrohttpd")

    def sanitizer_reports(self):
        """Lines of the log that report memory errors, UB, leaks or an MHD abort."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [l for l in text.splitlines() if any(m in l for m in self.SANITIZER_MARKS)]

    def close_checked(self, graceful=True):
        """Stops (SIGTERM unless graceful=False: SIGKILL), removes the directory, and raises
        if the exit code was not 0 or the log reports sanitizer errors."""
        code = None
        if graceful and self.running():
            code = self.stop()
        else:
            self.kill9()
            graceful = False
        reports = self.sanitizer_reports()
        tail = self.log_tail(60)
        self.close()
        problems = []
        if graceful and code != 0:
            problems.append("exit code %s after SIGTERM" % code)
        if reports:
            problems.append("sanitizer/abort reports:\n  " + "\n  ".join(reports[:10]))
        if problems:
            raise ServerError("ordo (%s): %s\n---- log tail ----\n%s"
                              % (self.dir, "; ".join(problems), tail))
        return code

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
        except OSError:
            return "(no log)"
        text = data.decode("utf-8", "replace").splitlines()
        return "\n".join(text[-lines:])

    # ---- HTTP ------------------------------------------------------------------------

    def connection(self, timeout=REQUEST_TIMEOUT_S):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=_DEFAULT, raw=None, headers=None,
                conn=None, timeout=REQUEST_TIMEOUT_S):
        """Returns (status, headers dict with lower-case names, parsed JSON or text).

        body: a JSON-serialisable value; raw: bytes sent as they are (content type
        application/json unless headers say otherwise); token: None for no Authorization
        header; conn: an existing HTTPConnection to reuse (kept open)."""
        _touch(self)
        hdrs = {}
        if token is _DEFAULT:
            token = self.token if self.token is not None else self.generated_token
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        if headers:
            hdrs.update(headers)
        own = conn is None
        c = conn or self.connection(timeout)
        try:
            c.request(method, path, body=data, headers=hdrs)
            resp = c.getresponse()
            payload = resp.read()
            rh = {k.lower(): v for k, v in resp.getheaders()}
            return resp.status, rh, decode_body(rh, payload)
        except Exception:
            if not own:
                c.close()
            raise
        finally:
            if own:
                c.close()

    # Convenience wrappers that fail loudly with the response when the status is not 2xx.

    def ok(self, method, path, body=None, expect=None, **kw):
        status, h, data = self.request(method, path, body, **kw)
        good = (status in expect) if expect else (200 <= status < 300)
        if not good:
            raise ServerError("%s %s -> %d, expected %s: %s"
                              % (method, path, status, expect or "2xx", short(data)))
        return data

    # ---- catalog set-up --------------------------------------------------------------

    def put_sku(self, sku, name=None, **fields):
        body = {"name": name or ("Item " + sku), "barcode": ean13(sku),
                "price": 1000, "weight_g": 500, "length_mm": 100, "width_mm": 100,
                "height_mm": 50, "fragile": False, "liquid": False, "food": False,
                "shelf_life_days": 0, "sellable": True}
        body.update(fields)
        return self.ok("PUT", "/v1/skus/" + q(sku), body, expect=(200, 201))

    def put_warehouse(self, code, province, city, district, priority=100, name=None):
        body = {"name": name or ("Warehouse " + code), "province": province, "city": city,
                "district": district, "priority": priority}
        return self.ok("PUT", "/v1/warehouses/" + q(code), body, expect=(200, 201))

    def put_stock(self, warehouse, sku, on_hand, safety_stock=0, bin="A-01-01", reason=None):
        body = {"on_hand": on_hand, "safety_stock": safety_stock, "bin": bin}
        if reason is not None:
            body["reason"] = reason
        return self.ok("PUT", "/v1/stock/%s/%s" % (q(warehouse), q(sku)), body, expect=(200,))

    def adjust(self, warehouse, sku, delta, reason="test adjust"):
        return self.ok("POST", "/v1/stock/%s/%s/adjust" % (q(warehouse), q(sku)),
                       {"delta": delta, "reason": reason}, expect=(200,))

    def stock(self, sku):
        return self.ok("GET", "/v1/stock/" + q(sku), expect=(200,))

    def get_order(self, order_no):
        return self.ok("GET", "/v1/orders/" + q(order_no), expect=(200,))

    def post_order(self, order, expect=(201,)):
        return self.ok("POST", "/v1/orders", order, expect=expect)

    def events(self, order_no):
        return self.ok("GET", "/v1/orders/%s/events" % q(order_no), expect=(200,))

    def to_picking(self, order_no, warehouse):
        """Approves the order if it waits for review, then takes it into a wave at
        warehouse (with every other approved order there): the order is in picking."""
        if self.get_order(order_no)["status"] == "pending_review":
            self.ok("POST", "/v1/orders/%s/approve" % q(order_no), {"note": "test"})
        wave = self.ok("POST", "/v1/waves", {"warehouse": warehouse, "strategy": "zone",
                                             "max_orders": 1000}, expect=(201,))
        assert order_no in wave["orders"], (order_no, wave["orders"])

    def list_all_orders(self, params=None, limit=500, max_pages=1000):
        """Walks the cursor; returns every order (newest first)."""
        out = []
        cursor = None
        for _ in range(max_pages):
            p = dict(params or {})
            p["limit"] = limit
            if cursor:
                p["cursor"] = cursor
            page = self.ok("GET", "/v1/orders?" + urllib.parse.urlencode(p), expect=(200,))
            out.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return out
        raise ServerError("cursor did not end after %d pages" % max_pages)

    def order_count(self):
        return len(self.list_all_orders())

    def healthy(self):
        try:
            status, _, _ = self.request("GET", "/healthz", token=None, timeout=10)
            return status == 200
        except (OSError, http.client.HTTPException):
            return False


def ean13(seed):
    """A valid EAN-13 (Chinese 690 prefix) derived from seed."""
    digits = "690" + "%09d" % (int.from_bytes(seed.encode(), "big") % 10**9)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def q(s):
    return urllib.parse.quote(s, safe="")


def decode_body(headers, payload):
    ctype = headers.get("content-type", "")
    text = payload.decode("utf-8", "replace")
    if "json" in ctype:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def short(data, n=600):
    s = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


# ---- order builders --------------------------------------------------------------------

CST = datetime.timezone(datetime.timedelta(hours=8))
_seq = itertools.count(1)
_run = secrets.token_hex(3).upper()

ADDR_BEIJING = {"province": "北京市", "city": "北京市", "district": "朝阳区",
                "detail": "大望路甲18号1单元", "postal_code": "100022"}
ADDR_SHANGHAI = {"province": "上海市", "city": "上海市", "district": "浦东新区",
                 "detail": "世纪大道100号", "postal_code": "200120"}
ADDR_GUANGZHOU = {"province": "广东省", "city": "广州市", "district": "天河区",
                  "detail": "天河路385号", "postal_code": "510620"}
ADDR_HANGZHOU = {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                 "detail": "文三路90号", "postal_code": "310012"}


def rfc3339(dt):
    return dt.isoformat(timespec="seconds")


def now_cst():
    return datetime.datetime.now(CST)


def today_cst(offset_days=0):
    return (now_cst().date() + datetime.timedelta(days=offset_days)).isoformat()


def parse_rfc3339(s):
    s = s.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(s)


def unique_id(prefix="T"):
    return "%s%s%06d" % (prefix, _run, next(_seq))


def unique_sku(prefix="SKU"):
    return "%s-%s-%d" % (prefix, _run, next(_seq))


def make_order(items, external_id=None, channel="web", paid=True, address=None,
               shipping_fee=0, discounts=None, splittable=True, phone="13800138000",
               **over):
    """items: list of (sku, qty[, unit_price]) or dicts. Payment amount is computed so
    that it adds up. Keyword overrides replace top-level fields afterwards."""
    lines = []
    for it in items:
        if isinstance(it, dict):
            lines.append(dict(it))
        else:
            sku, qty = it[0], it[1]
            price = it[2] if len(it) > 2 else 1000
            lines.append({"sku": sku, "qty": qty, "unit_price": price})
    discounts = list(discounts or [])
    total = sum(l["qty"] * l["unit_price"] for l in lines) + shipping_fee \
        - sum(d["amount"] for d in discounts)
    placed = now_cst().replace(microsecond=0) - datetime.timedelta(seconds=5)
    order = {
        "channel": channel,
        "external_id": external_id or unique_id(),
        "placed_at": rfc3339(placed),
        "buyer": {"name": "王女士", "phone": phone},
        "address": dict(address or ADDR_BEIJING),
        "items": lines,
        "shipping_fee": shipping_fee,
        "discounts": discounts,
        "payment": {"status": "paid", "method": "alipay",
                    "transaction_id": "TX" + unique_id(""), "amount": total,
                    "paid_at": rfc3339(placed + datetime.timedelta(seconds=3))},
        "remark": "测试订单",
        "requested_delivery_date": today_cst(3),
        "splittable": splittable,
        "client_ip": "203.0.113.7",
    }
    if not paid:
        order["payment"] = {"status": "pending", "method": "alipay", "amount": total}
    order.update(over)
    return order


def open_exceptions(order, code=None):
    return [e for e in order.get("exceptions") or []
            if e.get("status") == "open" and (code is None or e.get("code") == code)]


def reserved_of(order):
    return sum(r["qty"] for r in order.get("reservations") or [])


def wait_for(fn, deadline_s=15.0, interval=0.05, what="condition"):
    """Polls fn() until it returns a truthy value; returns it, or raises after the deadline."""
    end = time.monotonic() + deadline_s
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() > end:
            raise AssertionError("timed out after %.1f s waiting for %s (last: %r)"
                                 % (deadline_s, what, last))
        time.sleep(interval)


@atexit.register
def _cleanup_all():
    with _lock:
        servers = list(_ALL)
    for s in servers:
        try:
            s.kill9() if s.running() else None
            if s._own_dir:
                shutil.rmtree(s.dir, ignore_errors=True)
        except Exception:
            pass


# ---- base test case --------------------------------------------------------------------

import unittest  # noqa: E402


class ServerTestCase(unittest.TestCase):
    """One server per TestCase class (started in setUpClass, closed in tearDownClass)."""

    DEMO = False
    ENV = {}
    ARGS = []
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = OrdoServer(demo=cls.DEMO, env=cls.ENV, args=cls.ARGS)
        try:
            cls.srv.start()
            cls.setUpCatalog()
        except BaseException:
            cls.srv.close()
            raise

    @classmethod
    def setUpCatalog(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        if cls.srv is not None:
            srv, cls.srv = cls.srv, None
            # A non-zero exit or a sanitizer report fails the class (reported as an error).
            srv.close_checked(graceful=srv.running())

    def setUp(self):
        _touch(self.srv)

    # ---- assertions ------------------------------------------------------------------

    def assertStatus(self, resp, expected, msg=None):
        status, _, body = resp
        exp = expected if isinstance(expected, (tuple, list, set)) else (expected,)
        if status not in exp:
            self.fail("%sstatus %d, expected %s; body: %s"
                      % ((msg + ": ") if msg else "", status, "/".join(map(str, exp)),
                         short(body, 1500)))
        return body

    def assertProblem(self, resp, expected_status, code=None, msg=None):
        """An RFC 9457 problem document with the given status (or one of them) and code."""
        body = self.assertStatus(resp, expected_status, msg)
        status, headers, _ = resp
        ctype = headers.get("content-type", "")
        self.assertIn("application/problem+json", ctype,
                      "problem responses must be application/problem+json (got %r): %s"
                      % (ctype, short(body)))
        self.assertIsInstance(body, dict, "problem body must be a JSON object: %r" % (body,))
        for k in ("type", "title", "status", "detail", "code"):
            self.assertIn(k, body, "problem document lacks %r: %s" % (k, short(body)))
        self.assertEqual(body["status"], status, "problem 'status' member must match HTTP status")
        if code is not None:
            codes = code if isinstance(code, (tuple, list, set)) else (code,)
            self.assertIn(body["code"], codes, "problem code: %s" % short(body))
        return body

    def assertFieldError(self, body, field, code=None):
        """body is a 422 problem; some entry of errors has this field (and code)."""
        errs = body.get("errors") if isinstance(body, dict) else None
        self.assertIsInstance(errs, list, "422 problem must carry an errors array: %s"
                              % short(body))
        for e in errs:
            if e.get("field") == field and (code is None or e.get("code") == code):
                self.assertTrue(e.get("message"), "field error without message: %r" % e)
                return e
        self.fail("no error for field %r%s in %s"
                  % (field, (" with code %r" % code) if code else "", short(errs, 2000)))

    def assertValidation(self, resp, *field_codes):
        """422 validation problem listing each (field, code) pair; code may be None."""
        body = self.assertProblem(resp, 422)
        for fc in field_codes:
            if isinstance(fc, str):
                self.assertFieldError(body, fc)
            else:
                self.assertFieldError(body, fc[0], fc[1])
        return body
