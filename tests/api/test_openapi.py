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
    ("/v1/orders/{order_no}/events", "get"): {"200", "401", "404"},
    ("/v1/orders/{order_no}/cancel", "post"): {"200", "401", "404", "409", "422"},
    ("/v1/exceptions", "get"): {"200", "401"},
    ("/v1/exceptions/{id}/resolve", "post"): {"200", "401", "404", "409"},
    ("/healthz", "get"): {"200"},
    ("/metrics", "get"): {"200"},
    ("/openapi.json", "get"): {"200"},
}
PUBLIC = {"/healthz", "/metrics", "/openapi.json"}
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
                  "resolved_at", "resolved_by", "note"],
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
                if path in PUBLIC:
                    self.assertEqual(item[method].get("security"), [],
                                     "%s is public" % path)
                else:
                    self.assertNotEqual(item[method].get("security"), [],
                                        "%s %s needs the token" % (method, path))

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


class OpenApiServedTest(ServerTestCase):
    def test_served_document_equals_the_file(self):
        status, headers, body = self.srv.request("GET", "/openapi.json", token=None)
        self.assertEqual(status, 200)
        self.assertIn("json", headers.get("content-type", ""))
        served = json.loads(body) if isinstance(body, str) else body
        self.assertEqual(served, load_spec(),
                         "GET /openapi.json must serve data/openapi.json as it is")


if __name__ == "__main__":
    unittest.main()
