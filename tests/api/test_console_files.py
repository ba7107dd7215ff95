"""The console's files: served by ordo itself under /console from the built folder, without
signing in (the page signs in through /v1), revalidated by ETag, with a content security
policy that lets the page run only its own script."""

import os
import shutil
import tempfile

from ordo_server import OrdoServer, ServerTestCase


class ConsoleFilesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ordo-console-")
        os.makedirs(os.path.join(cls.dir, "fonts"))
        cls.files = {
            "index.html": b"<!doctype html><title>console</title>",
            "app.js": b"console.log('ordo');",
            "app.css": b"body{margin:0}",
            "fonts/x.woff2": b"\x00\x01binary",
        }
        for name, body in cls.files.items():
            with open(os.path.join(cls.dir, name), "wb") as f:
                f.write(body)
        cls.ENV = {"ORDO_CONSOLE_DIR": cls.dir}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def get(self, path, headers=None, method="GET"):
        return self.srv.request(method, path, token=None, headers=headers)

    def test_the_page_and_its_files_are_served_without_signing_in(self):
        for path in ("/console", "/console/", "/console/index.html"):
            status, h, body = self.get(path)
            self.assertEqual(status, 200, path)
            self.assertTrue(h["content-type"].startswith("text/html"), h)
            self.assertIn("<title>console</title>", body)
        cases = {"/console/app.js": "text/javascript", "/console/app.css": "text/css",
                 "/console/fonts/x.woff2": "font/woff2"}
        for path, ctype in cases.items():
            status, h, _ = self.get(path)
            self.assertEqual(status, 200, path)
            self.assertTrue(h["content-type"].startswith(ctype), (path, h["content-type"]))
            self.assertEqual(h["content-length"],
                             str(len(self.files[path[len("/console/"):]])))

    def test_the_root_sends_people_to_the_console(self):
        status, h, _ = self.get("/")
        self.assertEqual(status, 302)
        self.assertEqual(h["location"], "/console/")

    def test_an_unchanged_file_is_revalidated_with_its_etag(self):
        status, h, _ = self.get("/console/app.js")
        etag = h["etag"]
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        self.assertEqual(h["cache-control"], "no-cache")
        status, h2, body = self.get("/console/app.js", headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertFalse(body)
        status, _, body = self.get("/console/app.js", headers={"If-None-Match": '"stale"'})
        self.assertEqual(status, 200)
        # Different content, different tag.
        self.assertNotEqual(self.get("/console/app.css")[1]["etag"], etag)

    def test_the_page_may_run_only_its_own_script(self):
        _, h, _ = self.get("/console/")
        csp = h["content-security-policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertIn("default-src 'none'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(h["x-content-type-options"], "nosniff")

    def test_nothing_outside_the_built_files_is_reachable(self):
        for path in ("/console/../data/openapi.json", "/console/%2e%2e/data/openapi.json",
                     "/console/missing.js", "/console/fonts", "/consolex",
                     "/console/" + self.dir + "/app.js"):
            status, _, body = self.get(path)
            self.assertEqual(status, 404, (path, body))

    def test_the_files_are_read_only(self):
        for method in ("POST", "PUT", "DELETE"):
            status, _, _ = self.get("/console/app.js", method=method)
            self.assertEqual(status, 405, method)
        status, h, body = self.get("/console/app.js", method="HEAD")
        self.assertEqual(status, 200)
        self.assertFalse(body)

    def test_a_server_without_a_built_console_says_how_to_build_it(self):
        # A folder named by ORDO_CONSOLE_DIR is the console or there is none.
        empty = tempfile.mkdtemp(prefix="ordo-noconsole-")
        srv = OrdoServer(env={"ORDO_CONSOLE_DIR": empty})
        try:
            srv.start()
            status, _, body = srv.request("GET", "/console/", token=None)
            self.assertEqual(status, 404)
            self.assertIn("make", body["detail"])
            self.assertEqual(srv.request("GET", "/healthz", token=None)[0], 200)
        finally:
            srv.close()
            shutil.rmtree(empty, ignore_errors=True)


class DemoUsersTest(ServerTestCase):
    """A new demo database comes with one user per role, whose random passwords are in
    demo-users.txt beside the database, readable by its owner only."""

    DEMO = True

    def test_each_demo_user_signs_in_with_the_password_from_the_file(self):
        path = os.path.join(self.srv.dir, "demo-users.txt")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        rows = [line.split() for line in open(path) if not line.startswith("#")]
        self.assertEqual(sorted(r[1] for r in rows),
                         ["admin", "customer_service", "finance", "reviewer", "warehouse"])
        passwords = set()
        for name, role, password in rows:
            status, _, body = self.srv.request("POST", "/v1/session",
                                               {"name": name, "password": password},
                                               token=None)
            self.assertEqual(status, 200, body)
            self.assertEqual((body["user"], body["role"]), (name, role))
            passwords.add(password)
        self.assertEqual(len(passwords), 5, "every user has a password of its own")

    def test_a_restart_keeps_the_users_and_does_not_rewrite_the_file(self):
        path = os.path.join(self.srv.dir, "demo-users.txt")
        before = open(path).read()
        self.srv.restart()
        self.assertEqual(open(path).read(), before)
        users = self.srv.ok("GET", "/v1/users")["items"]
        self.assertEqual(len([u for u in users if u["name"].startswith("demo-")]), 5)
