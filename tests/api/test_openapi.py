"""The OpenAPI document: data/openapi.json is a well-formed OpenAPI 3.1 description of every
endpoint, its references resolve, its error codes match src/core/error.def, and the server
serves exactly this file at GET /openapi.json."""

import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from ordo_server import REPO, ServerTestCase  # noqa: E402

SPEC_PATH = os.path.join(REPO, "data", "openapi.json")
ERROR_DEF = os.path.join(REPO, "src", "core", "error.def")

# Every operation the API offers: (path, method) -> status codes its responses must list.
OPERATIONS = {
    ("/v1/skus/{sku}", "put"): {"200", "201", "401", "422"},
    ("/v1/skus/{sku}", "get"): {"200", "401", "404"},
    ("/v1/warehouses/{code}", "put"): {"200", "201", "401", "422"},
    ("/v1/warehouses/{code}", "get"): {"200", "401", "404"},
    ("/v1/stock/{warehouse}/{sku}", "put"): {"200", "401", "404", "422"},
    ("/v1/stock/{warehouse}/{sku}/adjust", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/stock/{sku}", "get"): {"200", "401", "404"},
    ("/v1/orders", "post"): {"201", "200", "400", "401", "409", "413", "422"},
    ("/v1/orders", "get"): {"200", "401"},
    ("/v1/orders/{order_no}", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}", "patch"): {"200", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/events", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/cancel", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/edits", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/exceptions", "get"): {"200", "401"},
    ("/v1/exceptions/{id}/resolve", "post"): {"200", "401", "404", "409"},
    ("/v1/exceptions/summary", "get"): {"200", "401"},
    ("/v1/exceptions/{id}", "get"): {"200", "401", "404"},
    ("/v1/exceptions/{id}/assign", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/exceptions/{id}/actions", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/ledger/verify", "get"): {"200", "401"},
    ("/v1/orders/{order_no}/holds", "post"): {"201", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/holds/{hold_id}", "delete"): {"200", "401", "404", "409"},
    ("/v1/orders/{order_no}/approve", "post"): {"200", "401", "404", "409"},
    ("/v1/orders/{order_no}/reject", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/review/queue", "get"): {"200", "401", "422"},
    ("/v1/review/rules", "get"): {"200", "401"},
    ("/v1/review/rules", "put"): {"200", "401", "422"},
    ("/v1/payments/providers/{provider}", "get"): {"200", "401", "404"},
    ("/v1/payments/providers/{provider}", "put"): {"200", "401", "404", "422"},
    ("/v1/payments/{provider}/notify", "post"): {"200", "400", "401", "404"},
    ("/v1/webhooks/{id}", "put"): {"200", "201", "401", "422"},
    ("/v1/webhooks/{id}", "get"): {"200", "401", "404"},
    ("/v1/webhooks/{id}/deliveries", "get"): {"200", "401", "404"},
    ("/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "post"): {"200", "401", "404"},
    ("/v1/events/stream", "get"): {"200", "400", "401", "503"},
    ("/v1/orders/{order_no}/allocation", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/reallocate", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/allocation/preview", "post"): {"200", "401", "422"},
    ("/v1/allocation/policy", "get"): {"200", "401"},
    ("/v1/allocation/policy", "put"): {"200", "401", "422"},
    ("/v1/reports/low-stock", "get"): {"200", "401"},
    ("/v1/reports/slow-movers", "get"): {"200", "401", "422"},
    ("/healthz", "get"): {"200"},
    ("/metrics", "get"): {"200"},
    ("/openapi.json", "get"): {"200"},
    ("/v1/reconciliations/alipay", "post"): {"201", "400", "401"},
    ("/v1/reconciliations/{id}", "get"): {"200", "401", "404"},
    ("/v1/messages/templates/{event}/{medium}", "put"): {"200", "201", "401", "404", "422"},
    ("/v1/messages/templates", "get"): {"200", "401"},
    ("/v1/messages/senders/{medium}", "put"): {"200", "401", "404", "422"},
    ("/v1/messages/senders/{medium}", "get"): {"200", "401", "404"},
    ("/v1/messages", "get"): {"200", "401", "422"},
    ("/v1/messages/{id}/resend", "post"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/messages", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/invoice", "post"): {"201", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/invoice", "get"): {"200", "401", "404"},
    ("/v1/invoices/{invoice_no}", "get"): {"200", "401", "404"},
    ("/v1/invoices/{invoice_no}.pdf", "get"): {"200", "401", "404"},
    ("/v1/invoices/{invoice_no}/void", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/carriers/{code}", "put"): {"200", "201", "401", "422"},
    ("/v1/carriers/{code}", "get"): {"200", "401", "404"},
    ("/v1/carriers", "get"): {"200", "401"},
    ("/v1/carriers/{code}/tracking-numbers", "post"): {"200", "401", "404", "422"},
    ("/v1/orders/{order_no}/pack", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/ship", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/parcels", "get"): {"200", "401", "404"},
    ("/v1/parcels/{id}", "get"): {"200", "401", "404"},
    ("/v1/parcels/{id}/label.pdf", "get"): {"200", "401", "404", "409"},
    ("/v1/parcels/{id}/label.zpl", "get"): {"200", "401", "404", "409"},
    ("/v1/stock/{warehouse}/{sku}/lots/{lot}", "put"): {"200", "401", "404", "409", "422"},
    ("/v1/reports/near-expiry", "get"): {"200", "401", "422"},
    ("/v1/waves", "post"): {"201", "200", "401", "404", "409", "422"},
    ("/v1/waves/{id}", "get"): {"200", "401", "404"},
    ("/v1/merges", "post"): {"201", "401", "422"},
    ("/v1/merges/{id}", "get"): {"200", "401", "404"},
    ("/v1/merges/{id}", "delete"): {"200", "401", "404", "409"},
    ("/v1/merges/rule", "get"): {"200", "401"},
    ("/v1/merges/rule", "put"): {"200", "401", "422"},
    ("/v1/picks/{task}", "get"): {"200", "401", "404"},
    ("/v1/picks/{task}/list", "get"): {"200", "401", "404"},
    ("/v1/picks/{task}/scan", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/picks/{task}/short", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/picks/{task}/qc-reject", "post"): {"200", "401", "404", "422"},
    ("/v1/tracking/providers/{provider}", "put"): {"200", "401", "404", "422"},
    ("/v1/tracking/providers/{provider}", "get"): {"200", "401", "404"},
    ("/v1/tracking/carriers/{code}", "put"): {"200", "401", "422"},
    ("/v1/tracking/carriers/{code}", "get"): {"200", "401", "404"},
    ("/v1/tracking/kuaidi100", "post"): {"200", "400", "401"},
    ("/v1/tracking/push", "post"): {"200", "401", "422"},
    ("/v1/tracking/poll", "post"): {"200", "401", "422"},
    ("/v1/tracking/sweep", "post"): {"200", "401", "422"},
    ("/v1/orders/{order_no}/tracking", "get"): {"200", "401", "404"},
    ("/track/{order_no}", "get"): {"200", "404"},
    ("/v1/orders/{order_no}/picks", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/confirm", "post"): {"200", "401", "404", "409"},
    ("/v1/orders/{order_no}/completion", "get"): {"200", "401", "404"},
    ("/v1/completion/settings", "get"): {"200", "401"},
    ("/v1/completion/settings", "put"): {"200", "401", "422"},
    ("/v1/completion/run", "post"): {"200", "401", "422"},
    ("/v1/orders/{order_no}/review", "post"): {"200", "201", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/review", "put"): {"200", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/review", "get"): {"200", "401", "404"},
    ("/v1/reviews", "get"): {"200", "401", "422"},
    ("/v1/stats/quality", "get"): {"200", "401", "422"},
    # Logistics cases.
    ("/v1/orders/{order_no}/logistics-cases", "post"): {"201", "401", "404", "409", "422"},
    ("/v1/orders/{order_no}/logistics-cases", "get"): {"200", "401", "404"},
    # after-sales, refunds and settlement
    ("/v1/orders/{order_no}/after-sales", "post"): {"201", "401", "404", "409", "422"},
    ("/v1/after-sales", "get"): {"200", "401", "422"},
    ("/v1/after-sales/settings", "get"): {"200", "401"},
    ("/v1/after-sales/settings", "put"): {"200", "401", "422"},
    ("/v1/after-sales/damaged-stock", "get"): {"200", "401"},
    ("/v1/after-sales/sweep", "post"): {"200", "401", "422"},
    ("/v1/after-sales/{id}", "get"): {"200", "401", "404"},
    ("/v1/after-sales/{id}/approve", "post"): {"200", "401", "404", "409"},
    ("/v1/after-sales/{id}/reject", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/after-sales/{id}/close", "post"): {"200", "401", "404", "409"},
    ("/v1/after-sales/{id}/assign", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/after-sales/{id}/messages", "post"): {"200", "401", "404", "422"},
    ("/v1/after-sales/{id}/return-shipment", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/after-sales/{id}/receive", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/after-sales/{id}/refund", "post"): {"202", "401", "404", "409", "422"},
    ("/v1/refunds/provider", "put"): {"200", "401", "422"},
    ("/v1/refunds/provider", "get"): {"200", "401", "404"},
    ("/v1/refunds", "get"): {"200", "401", "422"},
    ("/v1/refunds/{id}", "get"): {"200", "401", "404"},
    ("/v1/refunds/{id}/retry", "post"): {"202", "401", "404", "409"},
    ("/v1/orders/{order_no}/refunds", "get"): {"200", "401", "404"},
    ("/v1/settlement", "get"): {"200", "401", "422"},
    # Users, roles and sessions.
    ("/v1/session", "post"): {"200", "401", "422", "429"},
    ("/v1/session", "get"): {"200", "401"},
    ("/v1/session", "delete"): {"200", "400", "401", "403"},
    ("/v1/users", "get"): {"200", "401", "403"},
    ("/v1/users", "post"): {"201", "401", "403", "409", "422"},
    ("/v1/users/{name}", "patch"): {"200", "401", "403", "404", "422"},
    ("/v1/users/{name}/tokens", "post"): {"201", "401", "403", "404", "422"},
    ("/v1/users/{name}/tokens", "get"): {"200", "401", "403", "404"},
    ("/v1/users/{name}/tokens/{token_id}", "delete"): {"200", "401", "403", "404"},
    ("/v1/stats/dashboard", "get"): {"200", "401", "403", "422"},
    ("/v1/stock", "get"): {"200", "401", "403", "422"},
    ("/v1/warehouses", "get"): {"200", "401", "403"},
    ("/v1/webhooks", "get"): {"200", "401", "403"},
    ("/v1/waves", "get"): {"200", "401", "403", "422"},
}
# Answer in their caller's own format (the payment platform's, Kuaidi100's, a buyer's browser).
PLATFORM_CALLBACKS = {"/v1/payments/{provider}/notify", "/v1/tracking/kuaidi100",
                      "/track/{order_no}"}
PUBLIC = {"/healthz", "/metrics", "/openapi.json", "/v1/tracking/push"} | PLATFORM_CALLBACKS
# Open operations on paths whose other operations need a credential: signing in.
PUBLIC_OPERATIONS = {("/v1/session", "post")}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

STATUSES = ["pending_payment", "pending_review", "approved", "picking", "packed",
            "partially_shipped", "shipped", "out_for_delivery", "delivered", "completed",
            "cancelled"]
CHANNELS = ["taobao", "tmall", "jd", "douyin", "web", "store", "phone"]

# Schema -> members it must describe.
SCHEMA_MEMBERS = {
    "Problem": ["type", "title", "status", "detail", "code", "errors"],
    "Order": ["order_no", "channel", "external_id", "status", "placed_at", "created_at", "buyer",
              "address", "items", "shipping_fee", "discounts", "discount_total", "amounts",
              "payment", "remark", "requested_delivery_date", "splittable", "client_ip",
              "reservations", "exceptions", "payment_expires_at"],
    "OrderInput": ["channel", "external_id", "placed_at", "buyer", "address", "items",
                   "shipping_fee", "discounts", "payment", "remark", "requested_delivery_date",
                   "splittable", "client_ip"],
    "StockRow": ["warehouse", "sku", "on_hand", "reserved", "available", "safety_stock", "bin"],
    "StockSummary": ["sku", "on_hand", "reserved", "available", "warehouses"],
    "Exception": ["id", "order_no", "code", "severity", "message", "status", "created_at",
                  "resolved_at", "resolved_by", "note", "owner", "deadline", "decision",
                  "order_status"],
    "ExceptionDetail": ["actions", "to_refund"],
    "ExceptionAction": ["action", "note", "until", "detail", "to_refund", "actor", "at"],
    "ExceptionSummary": ["open", "red", "yellow", "unassigned", "overdue", "codes"],
    "ExceptionPage": ["items", "next_cursor"],
    "Event": ["at", "actor", "type", "from", "to", "reason"],
    "OrderPage": ["items", "next_cursor"],
}


def load_spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return json.load(f)


def walk(node, path="#"):
    """Yields (json_pointer, value) for every dict in the document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, path + "/" + str(k).replace("~", "~0").replace("/", "~1"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, "%s/%d" % (path, i))


def resolve(doc, ref):
    if not ref.startswith("#"):
        raise KeyError("only local references are used: %s" % ref)
    node = doc
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node[part]
    return node


def members(doc, schema):
    """Property names of a schema, following $ref and allOf."""
    if "$ref" in schema:
        return members(doc, resolve(doc, schema["$ref"]))
    names = set(schema.get("properties", {}))
    for sub in schema.get("allOf", []):
        names |= members(doc, sub)
    return names


class OpenApiDocumentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = load_spec()

    def test_is_openapi_3_1(self):
        self.assertIsInstance(self.doc, dict)
        self.assertTrue(str(self.doc.get("openapi", "")).startswith("3.1"),
                        "openapi is %r" % self.doc.get("openapi"))
        self.assertIn("title", self.doc["info"])
        self.assertIn("version", self.doc["info"])

    def test_every_operation_present(self):
        paths = self.doc["paths"]
        for (path, method), codes in sorted(OPERATIONS.items()):
            with self.subTest(path=path, method=method):
                self.assertIn(path, paths)
                self.assertIn(method, paths[path])
                op = paths[path][method]
                self.assertTrue(op.get("summary") or op.get("description"))
                self.assertTrue(codes <= set(op["responses"]),
                                "%s %s responses lack %s" % (method.upper(), path,
                                                             sorted(codes - set(op["responses"]))))

    def test_every_server_route_is_documented(self):
        """The route table in src/http/routes.c and the document cannot drift apart."""
        with open(os.path.join(REPO, "src", "http", "routes.c"), encoding="utf-8") as f:
            routes = re.findall(r'\{"([A-Z]+)", "(/v1/[^"]*)", \w+,', f.read())
        self.assertGreater(len(routes), 10)
        documented = {(re.sub(r"\{[^}]+\}", "{}", path), method)
                      for path, item in self.doc["paths"].items()
                      for method in set(item) & HTTP_METHODS}
        for method, path in routes:
            self.assertIn((path, method.lower()), documented, "undocumented route")

    def test_no_undocumented_extras(self):
        """Every operation in the document is one the API offers (catches typos in paths)."""
        for path, item in self.doc["paths"].items():
            for method in set(item) & HTTP_METHODS:
                self.assertIn((path, method), OPERATIONS, "unexpected %s %s" % (method, path))

    def test_operation_ids_unique(self):
        ids = [op["operationId"] for item in self.doc["paths"].values()
               for m, op in item.items() if m in HTTP_METHODS]
        self.assertEqual(len(ids), len(set(ids)), ids)

    def test_path_parameters_declared(self):
        for path, item in self.doc["paths"].items():
            names = set(re.findall(r"\{(\w+)\}", path))
            for method in set(item) & HTTP_METHODS:
                params = item.get("parameters", []) + item[method].get("parameters", [])
                declared = set()
                for p in params:
                    p = resolve(self.doc, p["$ref"]) if "$ref" in p else p
                    if p["in"] == "path":
                        self.assertTrue(p.get("required"), "%s: path params are required" % path)
                        declared.add(p["name"])
                self.assertEqual(declared, names, "%s %s path parameters" % (method, path))

    def test_every_ref_resolves(self):
        n = 0
        for where, node in walk(self.doc):
            ref = node.get("$ref")
            if isinstance(ref, str):
                n += 1
                with self.subTest(at=where, ref=ref):
                    try:
                        target = resolve(self.doc, ref)
                    except (KeyError, IndexError, ValueError) as e:
                        self.fail("%s -> %s does not resolve (%r)" % (where, ref, e))
                    self.assertIsInstance(target, dict)
        self.assertGreater(n, 20, "the document uses components")

    def test_bearer_security(self):
        schemes = self.doc["components"]["securitySchemes"]
        bearer = [name for name, s in schemes.items()
                  if s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"]
        self.assertTrue(bearer, schemes)
        self.assertIn({bearer[0]: []}, self.doc.get("security", []),
                      "bearer is required by default")
        for path, item in self.doc["paths"].items():
            for method in set(item) & HTTP_METHODS:
                if path in PUBLIC or (path, method) in PUBLIC_OPERATIONS:
                    self.assertEqual(item[method].get("security"), [],
                                     "%s is public" % path)
                else:
                    self.assertNotEqual(item[method].get("security"), [],
                                        "%s %s needs the token" % (method, path))

    def test_session_cookie_security(self):
        """Users' browser sessions are the other way in, with the CSRF header described."""
        schemes = self.doc["components"]["securitySchemes"]
        cookie = [name for name, s in schemes.items()
                  if s.get("type") == "apiKey" and s.get("in") == "cookie"]
        self.assertEqual([schemes[c]["name"] for c in cookie], ["ordo_session"])
        self.assertIn("X-CSRF-Token", schemes[cookie[0]]["description"])
        self.assertIn({cookie[0]: []}, self.doc.get("security", []))
        self.assertIn("Forbidden", self.doc["components"]["responses"])

    def test_schemas_describe_their_members(self):
        schemas = self.doc["components"]["schemas"]
        for name in ("Problem", "Order", "OrderInput", "Sku", "Warehouse", "StockRow",
                     "StockSummary", "Exception", "Event", "OrderPage"):
            self.assertIn(name, schemas)
        for name, want in SCHEMA_MEMBERS.items():
            with self.subTest(schema=name):
                got = members(self.doc, schemas[name])
                self.assertFalse(set(want) - got, "%s lacks %s" % (name, sorted(set(want) - got)))

    def test_order_input_required(self):
        req = set(self.doc["components"]["schemas"]["OrderInput"]["required"])
        self.assertEqual(req, {"channel", "external_id", "placed_at", "buyer", "address",
                               "items", "payment"})

    def test_enums(self):
        s = self.doc["components"]["schemas"]
        enums = [n["enum"] for _, n in walk(s) if isinstance(n.get("enum"), list)]
        self.assertIn(STATUSES, enums, "order status enum")
        self.assertIn(CHANNELS, enums, "channel enum")
        exc = s["Exception"]["properties"]
        self.assertEqual(exc["severity"]["enum"], ["red", "yellow"])
        self.assertEqual(exc["status"]["enum"], ["open", "resolved"])

    def test_problem_codes_match_error_table(self):
        """src/core/error.def is the one list of error codes; the document must not drift."""
        with open(ERROR_DEF, encoding="utf-8") as f:
            table = re.findall(r'^ERR\(\w+,\s*"([a-z_]+)"', f.read(), re.M)
        self.assertTrue(table)
        codes = set(table) - {"ok"}
        documented = set(self.doc["components"]["schemas"]["Problem"]["properties"]["code"]
                         .get("enum", []))
        self.assertEqual(documented, codes)

    def test_errors_are_problem_documents(self):
        for path, item in self.doc["paths"].items():
            if path in PLATFORM_CALLBACKS:
                continue  # answers in the payment platform's own format, by its contract
            for method in set(item) & HTTP_METHODS:
                for code, resp in item[method]["responses"].items():
                    if not code.startswith(("4", "5")):
                        continue
                    if "$ref" in resp:
                        resp = resolve(self.doc, resp["$ref"])
                    with self.subTest(op="%s %s" % (method, path), status=code):
                        self.assertIn("application/problem+json", resp.get("content", {}))

    def test_valid_per_openapi_spec_validator(self):
        """A full structural check, when openapi-spec-validator happens to be installed."""
        try:
            from openapi_spec_validator import validate
        except ImportError:
            self.skipTest("openapi-spec-validator not installed")
        validate(self.doc)


# ---- a small JSON Schema checker (the subset the document uses), standard library only ----

def _type_ok(t, v):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("unknown type %r" % t)


def schema_errors(doc, schema, value, where="$"):
    """Every way value breaks schema: type, enum, required, properties, items, pattern,
    minimum/maximum, $ref, allOf, oneOf/anyOf (formats and string lengths are not checked)."""
    if "$ref" in schema:
        return schema_errors(doc, resolve(doc, schema["$ref"]), value, where)
    errs = []
    for sub in schema.get("allOf", []):
        errs += schema_errors(doc, sub, value, where)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            tries = [schema_errors(doc, sub, value, where) for sub in schema[key]]
            if all(tries):
                errs.append("%s: matches no alternative of %s (%s)" % (where, key, tries))
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(t, value) for t in types):
            return errs + ["%s: %r is not of type %s" % (where, value, "/".join(types))]
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errs.append("%s: required member %r missing" % (where, k))
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                errs += schema_errors(doc, sub, value[k], "%s.%s" % (where, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errs += schema_errors(doc, schema["items"], v, "%s[%d]" % (where, i))
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errs.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append("%s: %r < minimum %r" % (where, value, schema["minimum"]))
        if "maximum" in schema and value > schema["maximum"]:
            errs.append("%s: %r > maximum %r" % (where, value, schema["maximum"]))
    return errs


class SchemaCheckerSelfTest(unittest.TestCase):
    """The checker used below must actually catch mismatches."""

    def test_catches_mismatches(self):
        doc = load_spec()
        ev = {"$ref": "#/components/schemas/Event"}
        good = {"at": "2026-11-11T00:00:00Z", "actor": "admin", "type": "created",
                "from": None, "to": "pending_review", "reason": None}
        self.assertEqual(schema_errors(doc, ev, good), [])
        self.assertTrue(schema_errors(doc, ev, dict(good, to="lost")))
        self.assertTrue(schema_errors(doc, ev, dict(good, at=5)))
        self.assertTrue(schema_errors(doc, ev, {k: v for k, v in good.items() if k != "actor"}))
        self.assertTrue(schema_errors(doc, {"$ref": "#/components/schemas/OrderPage"},
                                      {"items": [{"order_no": "x"}], "next_cursor": None}))


class OpenApiServedTest(ServerTestCase):
    """The server serves this document, and what it answers matches it."""

    @classmethod
    def setUpCatalog(cls):
        cls.doc = load_spec()
        s = cls.srv
        s.put_warehouse("OA-BJ", "北京市", "北京市", "朝阳区")
        s.put_sku("OA-1", price=1000)
        s.put_stock("OA-BJ", "OA-1", 5)

    def test_served_document_equals_the_file(self):
        status, headers, body = self.srv.request("GET", "/openapi.json", token=None)
        self.assertEqual(status, 200)
        self.assertIn("json", headers.get("content-type", ""))
        served = json.loads(body) if isinstance(body, str) else body
        self.assertEqual(served, load_spec(),
                         "GET /openapi.json must serve data/openapi.json as it is")

    def conforms(self, template, method, resp):
        """resp (status, headers, body) matches what the document declares for that
        operation and status: the status is listed, the media type and the body's schema."""
        status, headers, body = resp
        op = self.doc["paths"][template][method.lower()]
        declared = op["responses"].get(str(status))
        self.assertIsNotNone(declared, "%s %s answered %d, which the document does not list: %s"
                             % (method, template, status, body))
        if "$ref" in declared:
            declared = resolve(self.doc, declared["$ref"])
        ctype = headers.get("content-type", "").split(";")[0].strip()
        content = declared.get("content", {})
        self.assertIn(ctype, content, "%s %s %d: media type %r, documented %s"
                      % (method, template, status, ctype, sorted(content)))
        errs = schema_errors(self.doc, content[ctype]["schema"], body)
        self.assertEqual(errs, [], "%s %s %d body does not match the document"
                         % (method, template, status))
        return body

    def test_responses_match_the_document(self):
        from ordo_server import make_order, q, today_cst, unique_sku
        s = self.srv
        sku = unique_sku("OA")
        self.conforms("/v1/skus/{sku}", "PUT", s.request("PUT", "/v1/skus/" + q(sku),
                                                        {"name": "x", "price": 100}))
        self.conforms("/v1/skus/{sku}", "PUT", s.request("PUT", "/v1/skus/" + q(sku),
                                                        {"name": "y", "price": 100}))
        self.conforms("/v1/skus/{sku}", "GET", s.request("GET", "/v1/skus/" + q(sku)))
        self.conforms("/v1/skus/{sku}", "GET", s.request("GET", "/v1/skus/NO-SUCH-OA"))
        self.conforms("/v1/skus/{sku}", "PUT", s.request("PUT", "/v1/skus/" + q(sku), {}))
        self.conforms("/v1/warehouses/{code}", "GET", s.request("GET", "/v1/warehouses/OA-BJ"))
        self.conforms("/v1/warehouses/{code}", "PUT", s.request(
            "PUT", "/v1/warehouses/OA-BJ", {"name": "n", "province": "北京市", "city": "北京市",
                                            "district": "朝阳区"}))
        self.conforms("/v1/stock/{warehouse}/{sku}", "PUT", s.request(
            "PUT", "/v1/stock/OA-BJ/" + q(sku), {"on_hand": 3, "safety_stock": 0, "bin": "A"}))
        self.conforms("/v1/stock/{warehouse}/{sku}/adjust", "POST", s.request(
            "POST", "/v1/stock/OA-BJ/%s/adjust" % q(sku), {"delta": 1, "reason": "found"}))
        self.conforms("/v1/stock/{warehouse}/{sku}/adjust", "POST", s.request(
            "POST", "/v1/stock/OA-BJ/%s/adjust" % q(sku), {"delta": -100, "reason": "lost"}))
        self.conforms("/v1/stock/{sku}", "GET", s.request("GET", "/v1/stock/" + q(sku)))

        # One order with every optional member and three exceptions, one unpaid and bare.
        full = make_order([("OA-1", 9)], splittable=False, requested_delivery_date=today_cst(-1),
                          discounts=[{"code": "A", "amount": 10}], discount_total=20)
        o = self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", full))
        self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", full))  # replay
        bare = make_order([("OA-1", 1)], paid=False)
        for k in ("remark", "requested_delivery_date", "client_ip"):
            del bare[k]
        del bare["address"]["postal_code"]
        p = self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", bare))
        self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", dict(bare,
                                                                                 remark="x")))
        self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", raw=b"{nope"))
        self.conforms("/v1/orders", "POST", s.request("POST", "/v1/orders", {"channel": "x"}))
        self.conforms("/v1/orders", "GET", s.request("GET", "/v1/orders?limit=2"))
        self.conforms("/v1/orders", "GET", s.request("GET", "/v1/orders?status=nope"))
        for no in (o["order_no"], p["order_no"]):
            self.conforms("/v1/orders/{order_no}", "GET", s.request("GET", "/v1/orders/" + no))
            self.conforms("/v1/orders/{order_no}/events", "GET",
                          s.request("GET", "/v1/orders/%s/events" % no))
        self.conforms("/v1/orders/{order_no}", "GET", s.request("GET", "/v1/orders/99999999999"))
        self.conforms("/v1/orders/{order_no}/cancel", "POST", s.request(
            "POST", "/v1/orders/%s/cancel" % p["order_no"], {"reason": "test"}))
        self.conforms("/v1/orders/{order_no}/cancel", "POST", s.request(
            "POST", "/v1/orders/%s/cancel" % p["order_no"], {"reason": "again"}))
        self.conforms("/v1/orders/{order_no}/events", "GET",
                      s.request("GET", "/v1/orders/%s/events" % p["order_no"]))
        pool = self.conforms("/v1/exceptions", "GET",
                             s.request("GET", "/v1/exceptions?status=all"))["items"]
        self.assertTrue(pool, "the full order raised exceptions")
        self.conforms("/v1/exceptions", "GET", s.request("GET", "/v1/exceptions?severity=no"))
        self.conforms("/v1/exceptions/summary", "GET", s.request("GET", "/v1/exceptions/summary"))
        short = [e for e in pool if e["code"] == "stock_short"][0]["id"]
        late = [e for e in pool if e["code"] == "delivery_date_past"][0]["id"]
        one = "/v1/exceptions/%s" % short
        self.conforms("/v1/exceptions/{id}", "GET", s.request("GET", one))
        self.conforms("/v1/exceptions/{id}", "GET", s.request("GET", "/v1/exceptions/99999999"))
        self.conforms("/v1/exceptions/{id}/assign", "POST", s.request(
            "POST", one + "/assign", {"owner": "li", "deadline": "2099-01-01T00:00:00Z"}))
        self.conforms("/v1/exceptions/{id}/assign", "POST", s.request(
            "POST", one + "/assign", {"owner": ""}))
        self.conforms("/v1/exceptions/{id}/actions", "POST", s.request(
            "POST", one + "/actions", {"action": "wait", "until": "2099-01-01T00:00:00Z"}))
        self.conforms("/v1/exceptions/{id}/actions", "POST", s.request(
            "POST", one + "/actions", {"action": "swap", "line": 1, "sku": "NO-SUCH-OA"}))
        self.conforms("/v1/exceptions/{id}/actions", "POST", s.request(
            "POST", "/v1/exceptions/%s/actions" % late, {"action": "split"}))
        self.conforms("/v1/exceptions/{id}", "GET", s.request("GET", one))
        path = "/v1/exceptions/%s/resolve" % pool[0]["id"]
        self.conforms("/v1/exceptions/{id}/resolve", "POST", s.request("POST", path, {"note": "n"}))
        self.conforms("/v1/exceptions/{id}/resolve", "POST", s.request("POST", path, {"note": "n"}))
        self.conforms("/v1/exceptions/{id}/actions", "POST", s.request(
            "POST", path.replace("/resolve", "/actions"), {"action": "note", "note": "late"}))
        self.conforms("/v1/exceptions", "GET", s.request("GET", "/v1/exceptions?status=resolved"))
        self.conforms("/v1/orders", "GET", s.request("GET", "/v1/orders", token=None))
        # Sourcing.
        self.conforms("/v1/orders/{order_no}/allocation", "GET",
                      s.request("GET", "/v1/orders/%s/allocation" % o["order_no"]))
        self.conforms("/v1/orders/{order_no}/allocation", "GET",
                      s.request("GET", "/v1/orders/99999999999/allocation"))
        self.conforms("/v1/allocation/preview", "POST",
                      s.request("POST", "/v1/allocation/preview", bare))
        self.conforms("/v1/allocation/preview", "POST",
                      s.request("POST", "/v1/allocation/preview", {"channel": "x"}))
        self.conforms("/v1/allocation/policy", "PUT", s.request(
            "PUT", "/v1/allocation/policy", {"policy": "weighted", "weights": {"cost": 2}}))
        self.conforms("/v1/allocation/policy", "PUT",
                      s.request("PUT", "/v1/allocation/policy", {"policy": "x"}))
        self.conforms("/v1/allocation/policy", "GET", s.request("GET", "/v1/allocation/policy"))
        # Merged shipments (the full flow is in test_merge.py).
        self.conforms("/v1/merges/rule", "GET", s.request("GET", "/v1/merges/rule"))
        self.conforms("/v1/merges/rule", "PUT",
                      s.request("PUT", "/v1/merges/rule", {"enabled": False}))
        self.conforms("/v1/merges/rule", "PUT", s.request("PUT", "/v1/merges/rule", {}))
        self.conforms("/v1/merges", "POST", s.request(
            "POST", "/v1/merges", {"orders": [o["order_no"], p["order_no"]]}))
        self.conforms("/v1/merges/{id}", "GET", s.request("GET", "/v1/merges/999999"))
        self.conforms("/v1/merges/{id}", "DELETE", s.request("DELETE", "/v1/merges/999999"))
        self.conforms("/v1/orders/{order_no}/reallocate", "POST", s.request(
            "POST", "/v1/orders/%s/reallocate" % o["order_no"], {"reason": "again"}))
        self.conforms("/v1/orders/{order_no}/reallocate", "POST", s.request(
            "POST", "/v1/orders/%s/reallocate" % p["order_no"], {"reason": "cancelled"}))
        self.conforms("/v1/orders/{order_no}/reallocate", "POST", s.request(
            "POST", "/v1/orders/%s/reallocate" % o["order_no"], {}))
        self.conforms("/v1/reports/low-stock", "GET", s.request("GET", "/v1/reports/low-stock"))
        self.conforms("/v1/reports/slow-movers", "GET",
                      s.request("GET", "/v1/reports/slow-movers?days=2"))
        self.conforms("/v1/reports/slow-movers", "GET",
                      s.request("GET", "/v1/reports/slow-movers?days=x"))
        self.conforms("/healthz", "GET", s.request("GET", "/healthz", token=None))
        self.conforms("/metrics", "GET", s.request("GET", "/metrics", token=None))


if __name__ == "__main__":
    unittest.main()
