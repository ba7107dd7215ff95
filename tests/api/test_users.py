"""Users and roles: users made with `ordo user` and /v1/users, passwords kept as argon2id
strings, signing in for an HttpOnly SameSite=Strict session cookie with CSRF protection,
the sign-in throttle, API tokens per user, the permission matrix enforced on the server
(403 naming the role and what it may not do), the warehouse's order view without payment
data, and the user's name as the actor on the timeline."""

import json
import os
import sqlite3
import subprocess

from ordo_server import ServerTestCase, make_order, q, unique_id, unique_sku, wait_for


def cookie_of(headers):
    """The session cookie's value and its attributes from a Set-Cookie header."""
    raw = headers.get("set-cookie", "")
    parts = [p.strip() for p in raw.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.lower()] = v
    return name, value, attrs


class UsersTest(ServerTestCase):
    # A long lock, so the throttle test can assert the locked answer without waiting.
    ENV = {"ORDO_SIGNIN_LOCK_S": "600"}
    PASSWORD = "correct horse battery"

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")
        cls.tokens = {}
        # One user and one API token per role, for the permission matrix.
        for role in ("reviewer", "warehouse", "customer_service", "finance", "admin"):
            name = "u-" + role.replace("_", "-")
            cls.srv.ok("POST", "/v1/users", {"name": name, "role": role,
                                             "password": cls.PASSWORD}, expect=(201,))
            tok = cls.srv.ok("POST", "/v1/users/%s/tokens" % name, {"label": "tests"},
                             expect=(201,))
            cls.tokens[role] = tok["token"]

    # ---- helpers ---------------------------------------------------------------------

    def cli(self, *args, password=None):
        argv = [self.srv.bin, "user"] + list(args) + ["--db", self.srv.db]
        return subprocess.run(argv, input=password, capture_output=True, text=True,
                              timeout=60)

    def add_user(self, name, role, password=None):
        return self.srv.ok("POST", "/v1/users", {"name": name, "role": role,
                                                 "password": password or self.PASSWORD},
                           expect=(201,))

    def sign_in(self, name, password=None):
        """Returns (status, headers, body) of POST /v1/session."""
        return self.srv.request("POST", "/v1/session",
                                {"name": name, "password": password or self.PASSWORD},
                                token=None)

    def session(self, name, password=None):
        """Signs in; returns (cookie header value, csrf token)."""
        status, h, body = self.sign_in(name, password)
        self.assertEqual(status, 200, body)
        cname, value, _ = cookie_of(h)
        self.assertEqual(cname, "ordo_session")
        return "ordo_session=" + value, body["csrf_token"]

    def as_cookie(self, method, path, cookie, body=None, csrf=None):
        headers = {"Cookie": cookie}
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        return self.srv.request(method, path, body, token=None, headers=headers)

    def as_role(self, role, method, path, body=None):
        return self.srv.request(method, path, body, token=self.tokens[role])

    def new_order(self):
        sku = unique_sku("US")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 10)
        return self.srv.post_order(make_order([(sku, 1, 2500)]))

    # ---- users -----------------------------------------------------------------------

    def test_cli_adds_lists_and_changes_passwords(self):
        name = "cli-" + unique_id("").lower()
        r = self.cli("add", name, "--role", "finance", "--password-stdin",
                     password="from the cli 1\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["role"], "finance")
        self.assertNotIn("from the cli 1", r.stdout + r.stderr)
        listed = self.cli("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertRegex(listed.stdout, r"%s\s+finance\s+active" % name)
        users = {u["name"]: u for u in self.srv.ok("GET", "/v1/users")["items"]}
        self.assertEqual(users[name]["role"], "finance")
        self.assertEqual(users[name]["created_by"], "admin")
        self.assertNotIn("password", json.dumps(users[name]))

        # Stored as an argon2id string (salted: two users with one password differ), never
        # the password itself.
        self.add_user(name + "-twin", "finance", "from the cli 1")
        db = sqlite3.connect(self.srv.db)
        try:
            rows = dict(db.execute("SELECT name, password_hash FROM users WHERE name IN (?, ?)",
                                   (name, name + "-twin")).fetchall())
        finally:
            db.close()
        for stored in rows.values():
            self.assertTrue(stored.startswith("$argon2id$v=19$"), stored)
            self.assertNotIn("from the cli 1", stored)
        self.assertNotEqual(rows[name], rows[name + "-twin"])

        self.assertEqual(self.sign_in(name, "from the cli 1")[0], 200)
        r = self.cli("passwd", name, "--password-stdin", password="a new one 22\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.sign_in(name, "from the cli 1")[0], 401)
        self.assertEqual(self.sign_in(name, "a new one 22")[0], 200)

        bad = self.cli("add", "x-" + name, "--role", "boss", "--password-stdin",
                       password="whatever 123\n")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("role", bad.stderr)

    def test_bad_users_are_refused(self):
        self.assertValidation(self.srv.request("POST", "/v1/users", {
            "name": "Bad Name", "role": "boss", "password": "short"}),
            ("name", "out_of_range"), ("role", "out_of_range"))
        self.assertValidation(self.srv.request("POST", "/v1/users", {
            "name": "ok-name", "role": "finance", "password": "short"}),
            ("password", "too_short"))
        self.assertValidation(self.srv.request("POST", "/v1/users", {
            "name": "admin", "role": "admin", "password": self.PASSWORD}),
            ("name", "reserved"))
        self.assertProblem(self.srv.request("POST", "/v1/users", {
            "name": "u-finance", "role": "finance", "password": self.PASSWORD}), 409, "conflict")
        self.assertProblem(self.srv.request("PATCH", "/v1/users/nobody", {"disabled": True}),
                           404)
        self.assertValidation(self.srv.request("PATCH", "/v1/users/u-finance", {
            "role": "chief"}), ("role", "out_of_range"))

    # ---- sessions ----------------------------------------------------------------------

    def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(self):
        self.add_user("sess-a", "reviewer")
        status, h, body = self.sign_in("sess-a")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["user"], body["role"]), ("sess-a", "reviewer"))
        self.assertEqual(len(body["csrf_token"]), 64)
        self.assertNotIn("password", json.dumps(body))
        name, value, attrs = cookie_of(h)
        self.assertEqual(name, "ordo_session")
        self.assertEqual(len(value), 64)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn(value, json.dumps(body), "the session id is only in the cookie")
        # Only its hash is kept.
        db = sqlite3.connect(self.srv.db)
        try:
            stored = [r[0] for r in db.execute("SELECT id_hash FROM user_sessions")]
        finally:
            db.close()
        self.assertTrue(stored)
        self.assertNotIn(value.encode(), stored)
        self.assertTrue(all(len(s) == 32 for s in stored))

        cookie = "ordo_session=" + value
        me = self.assertStatus(self.as_cookie("GET", "/v1/session", cookie), 200)
        self.assertEqual((me["user"], me["role"], me["via"]), ("sess-a", "reviewer", "session"))
        self.assertEqual(me["csrf_token"], body["csrf_token"])
        self.assertStatus(self.as_cookie("GET", "/v1/review/queue", cookie), 200)

        # Signing out needs the CSRF token too, clears the cookie and ends the session.
        self.assertProblem(self.as_cookie("DELETE", "/v1/session", cookie), 403, "forbidden")
        status, h, out = self.as_cookie("DELETE", "/v1/session", cookie, csrf=body["csrf_token"])
        self.assertEqual(status, 200, out)
        _, cleared, attrs = cookie_of(h)
        self.assertEqual(cleared, "")
        self.assertEqual(attrs.get("max-age"), "0")
        self.assertProblem(self.as_cookie("GET", "/v1/session", cookie), 401, "unauthorized")
        # A forged or unknown cookie is no one.
        self.assertProblem(self.as_cookie("GET", "/v1/orders", "ordo_session=" + "0" * 64),
                           401)

    def test_csrf_token_required_for_changes_made_with_the_cookie(self):
        self.add_user("sess-admin", "admin")
        cookie, csrf = self.session("sess-admin")
        sku = unique_sku("CSRF")
        body = {"name": "csrf test", "price": 100}
        no_header = self.assertProblem(self.as_cookie("PUT", "/v1/skus/" + q(sku), cookie, body),
                                       403, "forbidden")
        self.assertIn("X-CSRF-Token", no_header["detail"])
        self.assertProblem(self.as_cookie("PUT", "/v1/skus/" + q(sku), cookie, body,
                                          csrf="0" * 64), 403, "forbidden")
        # Another session's token is not this one's.
        _, other_csrf = self.session("sess-admin")
        self.assertProblem(self.as_cookie("PUT", "/v1/skus/" + q(sku), cookie, body,
                                          csrf=other_csrf), 403, "forbidden")
        self.assertProblem(self.srv.request("GET", "/v1/skus/" + q(sku)), 404)  # nothing made
        self.assertStatus(self.as_cookie("PUT", "/v1/skus/" + q(sku), cookie, body, csrf=csrf),
                          (200, 201))
        # Reads need no token; bearer requests are not subject to CSRF.
        self.assertStatus(self.as_cookie("GET", "/v1/skus/" + q(sku), cookie), 200)
        self.assertStatus(self.srv.request("PUT", "/v1/skus/" + q(sku), body,
                                           token=self.tokens["admin"]), (200, 201))

    def test_unknown_user_and_wrong_password_answer_alike(self):
        self.add_user("sess-b", "finance")
        s1, _, wrong = self.sign_in("sess-b", "not the password")
        s2, _, unknown = self.sign_in("no-such-user-x", "not the password")
        self.assertEqual((s1, s2), (401, 401))
        self.assertEqual(wrong, unknown)
        self.assertEqual(self.srv.request("POST", "/v1/session", {"name": "sess-b"},
                                          token=None)[0], 422)
        # A disabled user cannot sign in (same answer); enabled again, can.
        self.srv.ok("PATCH", "/v1/users/sess-b", {"disabled": True})
        s3, _, disabled = self.sign_in("sess-b")
        self.assertEqual((s3, disabled), (401, wrong))
        self.srv.ok("PATCH", "/v1/users/sess-b", {"disabled": False})
        self.assertEqual(self.sign_in("sess-b")[0], 200)

    def test_failed_sign_ins_lock_the_name(self):
        self.add_user("locky", "warehouse")
        self.add_user("not-locky", "warehouse")
        for _ in range(5):
            self.assertEqual(self.sign_in("locky", "guess guess")[0], 401)
        # Locked now: even the right password is refused, with the lock's own answer.
        locked = self.assertProblem(self.sign_in("locky"), 429, "too_many_requests")
        self.assertIn("try again in", locked["detail"])
        # Other names are not affected; unknown names lock the same way.
        self.assertEqual(self.sign_in("not-locky")[0], 200)
        for _ in range(5):
            self.assertEqual(self.sign_in("ghost-user", "guess guess")[0], 401)
        self.assertProblem(self.sign_in("ghost-user", "guess guess"), 429)

    def test_a_disabled_user_loses_sessions_and_tokens(self):
        self.add_user("leaver", "customer_service")
        cookie, _ = self.session("leaver")
        tok = self.srv.ok("POST", "/v1/users/leaver/tokens", {"label": "crm"},
                          expect=(201,))["token"]
        self.assertStatus(self.srv.request("GET", "/v1/orders", token=tok), 200)
        self.srv.ok("PATCH", "/v1/users/leaver", {"disabled": True})
        self.assertProblem(self.as_cookie("GET", "/v1/orders", cookie), 401)
        self.assertProblem(self.srv.request("GET", "/v1/orders", token=tok), 401)
        self.srv.ok("PATCH", "/v1/users/leaver", {"disabled": False})
        self.assertStatus(self.srv.request("GET", "/v1/orders", token=tok), 200)
        self.assertProblem(self.as_cookie("GET", "/v1/orders", cookie), 401,
                           msg="sessions ended by disabling stay ended")

    # ---- API tokens --------------------------------------------------------------------

    def test_api_tokens_are_shown_once_and_revocable(self):
        self.add_user("integr", "finance")
        made = self.srv.ok("POST", "/v1/users/integr/tokens", {"label": "ERP export"},
                           expect=(201,))
        self.assertTrue(made["token"].startswith("ordo_"))
        self.assertEqual((made["user"], made["role"], made["label"]),
                         ("integr", "finance", "ERP export"))
        listed = self.srv.ok("GET", "/v1/users/integr/tokens")["items"]
        self.assertEqual([(t["id"], t["label"]) for t in listed], [(made["id"], "ERP export")])
        self.assertIsNone(listed[0]["last_used_at"])
        self.assertNotIn(made["token"], json.dumps(listed))
        self.assertNotIn(made["token"][5:], open(self.srv.db, "rb").read().decode("latin-1"))

        me = self.srv.ok("GET", "/v1/session", token=made["token"])
        self.assertEqual((me["user"], me["role"], me["via"]), ("integr", "finance", "token"))
        self.assertNotIn("csrf_token", me)
        wait_for(lambda: self.srv.ok("GET", "/v1/users/integr/tokens")["items"][0]
                 ["last_used_at"], what="last use recorded")
        # A token acts with its user's role, and follows a change of role at once.
        self.assertProblem(self.srv.request("GET", "/v1/review/queue", token=made["token"]), 403)
        self.srv.ok("PATCH", "/v1/users/integr", {"role": "reviewer"})
        self.assertStatus(self.srv.request("GET", "/v1/review/queue", token=made["token"]), 200)

        self.assertValidation(self.srv.request("POST", "/v1/users/integr/tokens", {}), "label")
        self.assertProblem(self.srv.request("POST", "/v1/users/nobody/tokens", {"label": "x"}),
                           404)
        self.srv.ok("DELETE", "/v1/users/integr/tokens/%d" % made["id"])
        self.assertEqual(self.srv.ok("GET", "/v1/users/integr/tokens")["items"], [])
        self.assertProblem(self.srv.request("GET", "/v1/orders", token=made["token"]), 401)
        self.assertProblem(self.srv.request("DELETE", "/v1/users/integr/tokens/%d" % made["id"]),
                           404)

    def test_the_admin_token_is_still_the_admin(self):
        me = self.srv.ok("GET", "/v1/session")
        self.assertEqual((me["user"], me["role"], me["via"]), ("admin", "admin", "admin_token"))
        self.assertProblem(self.srv.request("DELETE", "/v1/session"), 400)
        self.assertProblem(self.srv.request("GET", "/v1/orders", token="ordo_" + "0" * 64), 401)

    # ---- roles -------------------------------------------------------------------------

    def test_each_role_is_allowed_and_refused_on_the_server(self):
        o = self.new_order()
        no = q(o["order_no"])
        cases = [
            # (role, method, path, body, allowed, what it may not do)
            ("reviewer", "GET", "/v1/review/queue", None, True, None),
            ("reviewer", "GET", "/v1/orders/" + no, None, True, None),
            ("reviewer", "GET", "/v1/exceptions", None, True, None),
            ("reviewer", "POST", "/v1/waves", {"warehouse": "BJ"}, False, "create waves"),
            ("reviewer", "GET", "/v1/settlement", None, False, "read the settlement"),
            ("warehouse", "POST", "/v1/orders/%s/approve" % no, {}, False, "approve orders"),
            ("warehouse", "POST", "/v1/orders/%s/reject" % no, {"reason": "x"}, False,
             "reject orders"),
            ("warehouse", "GET", "/v1/review/queue", None, False, "read the review queue"),
            ("warehouse", "GET", "/v1/stock/" + q(o["items"][0]["sku"]), None, True, None),
            ("warehouse", "GET", "/v1/carriers", None, True, None),
            ("warehouse", "GET", "/v1/reconciliations/1", None, False, "read reconciliations"),
            ("warehouse", "GET", "/v1/events/stream", None, False,
             "follow the live event stream"),
            ("customer_service", "GET", "/v1/after-sales", None, True, None),
            ("customer_service", "GET", "/v1/messages", None, True, None),
            ("customer_service", "GET", "/v1/orders/%s/tracking" % no, None, True, None),
            ("customer_service", "POST", "/v1/orders/%s/approve" % no, {}, False,
             "approve orders"),
            ("customer_service", "PUT", "/v1/review/rules", {}, False, "change the review rules"),
            ("finance", "GET", "/v1/settlement?from=2026-01-01&to=2026-01-31", None, True, None),
            ("finance", "GET", "/v1/refunds/provider", None, True, None),
            ("finance", "POST", "/v1/waves", {"warehouse": "BJ"}, False, "create waves"),
            ("finance", "POST", "/v1/orders/%s/cancel" % no, {"reason": "x"}, False,
             "cancel orders"),
            ("finance", "GET", "/v1/users", None, False, "manage users"),
            ("reviewer", "POST", "/v1/users", {"name": "x", "role": "admin",
                                              "password": self.PASSWORD}, False,
             "manage users"),
            ("warehouse", "POST", "/v1/users/u-warehouse/tokens", {"label": "mine"}, False,
             "manage API tokens"),
            ("admin", "GET", "/v1/users", None, True, None),
            ("admin", "GET", "/v1/settlement?from=2026-01-01&to=2026-01-31", None, True, None),
        ]
        for role, method, path, body, allowed, what in cases:
            with self.subTest(role=role, method=method, path=path):
                resp = self.as_role(role, method, path, body)
                if allowed:
                    self.assertNotIn(resp[0], (401, 403), resp[2])
                else:
                    problem = self.assertProblem(resp, 403, "forbidden")
                    self.assertEqual(problem["detail"], "role %s may not %s" % (role, what))
        # The refusals changed nothing.
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], o["status"])

    def test_the_warehouse_sees_orders_without_payment_data(self):
        o = self.new_order()
        full = self.srv.get_order(o["order_no"])
        txn = full["payment"]["transaction_id"]
        self.assertEqual(full["amounts"]["total"], 2500)
        for view in (self.as_role("warehouse", "GET", "/v1/orders/" + q(o["order_no"]))[2],
                     [v for v in self.as_role("warehouse", "GET", "/v1/orders?limit=200")[2]
                      ["items"] if v["order_no"] == o["order_no"]][0]):
            text = json.dumps(view, ensure_ascii=False)
            for gone in ("payment", "amounts", "discounts", "shipping_fee", "review",
                         "line_edits", "client_ip"):
                self.assertNotIn(gone, view)
            self.assertNotIn(txn, text)
            self.assertNotIn("2500", text)
            self.assertNotIn("unit_price", text)
            self.assertTrue(view["payment_redacted"])
            # What the warehouse works with is all there.
            self.assertEqual([(i["sku"], i["qty"]) for i in view["items"]],
                             [(i["sku"], i["qty"]) for i in full["items"]])
            self.assertEqual(view["address"], full["address"])
            self.assertEqual(view["remark"], full["remark"])
            self.assertEqual(view["status"], full["status"])
            self.assertEqual([h["reason"] for h in view["holds"]],
                             [h["reason"] for h in full["holds"]])
        events = self.as_role("warehouse", "GET", "/v1/orders/%s/events" % q(o["order_no"]))[2]
        self.assertEqual([e["type"] for e in events], ["created"])
        # Other roles see the order whole.
        for role in ("finance", "customer_service", "reviewer", "admin"):
            view = self.as_role(role, "GET", "/v1/orders/" + q(o["order_no"]))[2]
            self.assertEqual(view["payment"]["transaction_id"], txn, role)
            self.assertNotIn("payment_redacted", view)

    def test_the_timeline_names_the_user(self):
        o = self.new_order()
        no = q(o["order_no"])
        self.add_user("li-reviewer", "reviewer")
        cookie, csrf = self.session("li-reviewer")
        status, _, held = self.as_cookie("POST", "/v1/orders/%s/holds" % no, cookie,
                                         {"reason": "address_unclear", "message": "确认楼号"},
                                         csrf=csrf)
        self.assertEqual(status, 201, held)
        [h] = [h for h in held["holds"] if h["reason"] == "address_unclear"]
        self.assertEqual(h["created_by"], "li-reviewer")
        status, _, approved = self.as_cookie("POST", "/v1/orders/%s/approve" % no, cookie,
                                             {"note": "ok"}, csrf=csrf)
        self.assertEqual(status, 200, approved)
        self.assertEqual(approved["status"], "approved")
        # A token speaks for its user too.
        self.assertStatus(self.as_role("customer_service", "POST", "/v1/orders/%s/cancel" % no,
                                       {"reason": "buyer asked"}), 200)
        events = self.srv.events(o["order_no"])
        self.assertEqual([(e["type"], e["actor"]) for e in events],
                         [("created", "admin"), ("hold", "li-reviewer"),
                          ("status", "li-reviewer"), ("status", "u-customer-service")])


if __name__ == "__main__":
    import unittest
    unittest.main()
