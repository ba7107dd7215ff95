"""Review by people: holds placed and released by hand, approval (which rechecks stock),
rejection (which cancels and releases stock), and the queue of orders waiting."""

from ordo_server import ServerTestCase, make_order, unique_sku


class ReviewTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    def setUp(self):
        super().setUp()
        self.sku = unique_sku("RV")
        self.srv.put_sku(self.sku)
        self.srv.put_stock("BJ", self.sku, 20)

    def order(self, qty=1, **kw):
        return self.srv.post_order(make_order([(self.sku, qty)], **kw))

    def hold(self, order_no, reason="address_unclear", expect=201, **extra):
        body = dict({"reason": reason, "message": "楼号不清楚，需要电话确认"}, **extra)
        return self.assertStatus(self.srv.request("POST", "/v1/orders/%s/holds" % order_no,
                                                  body), expect)

    def test_hold_then_approve_releases_it(self):
        o = self.order()
        # make_order's web-shop orders carry a remark: the automatic review holds them.
        self.assertEqual(o["status"], "pending_review")
        automatic = {h["reason"] for h in o["holds"]}
        self.assertEqual(automatic, {"buyer_remark", "payment_unverified"})
        held = self.hold(o["order_no"], owner="reviewer-li", deadline="2030-01-01T10:00:00+08:00")
        self.assertEqual(held["status"], "pending_review")
        [h] = [h for h in held["holds"] if h["created_by"] == "admin"]
        self.assertEqual((h["reason"], h["status"], h["owner"]),
                         ("address_unclear", "open", "reviewer-li"))
        self.assertEqual(h["deadline"], "2030-01-01T02:00:00.000Z")
        self.assertEqual(h["created_by"], "admin")

        approved = self.srv.ok("POST", "/v1/orders/%s/approve" % o["order_no"],
                               {"note": "电话确认为3号楼"})
        self.assertEqual(approved["status"], "approved")
        self.assertEqual({h["status"] for h in approved["holds"]}, {"released"})
        [h] = [h for h in approved["holds"] if h["created_by"] == "admin"]
        self.assertEqual(h["released_by"], "admin")
        self.assertIn("电话确认为3号楼", h["release_note"])
        events = self.srv.events(o["order_no"])
        self.assertEqual([e["type"] for e in events], ["created", "hold", "status"])
        self.assertEqual((events[-1]["from"], events[-1]["to"], events[-1]["reason"]),
                         ("pending_review", "approved", "电话确认为3号楼"))
        # Reservations are untouched by review.
        self.assertEqual(approved["reservations"], o["reservations"])

    def test_hold_sends_an_approved_order_back_to_review(self):
        o = self.order()
        self.srv.ok("POST", "/v1/orders/%s/approve" % o["order_no"], {})
        back = self.hold(o["order_no"], reason="buyer_called")
        self.assertEqual(back["status"], "pending_review")
        self.assertEqual(self.srv.events(o["order_no"])[-1]["to"], "pending_review")

    def test_release_by_hand(self):
        o = self.order()
        hid = [h for h in self.hold(o["order_no"])["holds"] if h["created_by"] == "admin"][0]["id"]
        path = "/v1/orders/%s/holds/%d" % (o["order_no"], hid)
        released = self.srv.ok("DELETE", path, {"note": "地址已核实"})
        [mine] = [h for h in released["holds"] if h["id"] == hid]
        self.assertEqual(mine["status"], "released")
        self.assertEqual(mine["release_note"], "地址已核实")
        self.assertEqual(released["status"], "pending_review", "releasing does not approve")
        self.assertProblem(self.srv.request("DELETE", path, {}), 409, "conflict")
        self.assertProblem(self.srv.request("DELETE", "/v1/orders/%s/holds/999999"
                                            % o["order_no"]), 404, "not_found")
        for bad in ("abc", "0", "-1", "7x"):
            body = self.assertProblem(self.srv.request("DELETE", "/v1/orders/%s/holds/%s"
                                                       % (o["order_no"], bad)), 404, "not_found")
            self.assertIn("no hold '%s'" % bad, body["detail"])
        other = self.order()
        self.assertProblem(self.srv.request("DELETE", "/v1/orders/%s/holds/%d"
                                            % (other["order_no"], hid)), 404, "not_found",
                           "a hold is released through its own order only")

    def test_approval_rechecks_stock(self):
        sku = unique_sku("RVS")
        self.srv.put_sku(sku)
        self.srv.put_stock("BJ", sku, 1)
        o = self.srv.post_order(make_order([(sku, 3)], splittable=True))
        body = self.assertProblem(self.srv.request("POST", "/v1/orders/%s/approve"
                                                   % o["order_no"], {}), 409, "conflict")
        self.assertIn("short of 2 units", body["detail"])
        self.assertEqual(self.srv.get_order(o["order_no"])["status"], "pending_review")
        self.srv.put_stock("BJ", sku, 5)  # restock: the order gets its units
        approved = self.srv.ok("POST", "/v1/orders/%s/approve" % o["order_no"], {})
        self.assertEqual(approved["status"], "approved")
        self.assertEqual(sum(r["qty"] for r in approved["reservations"]), 3)

    def test_reject_cancels_and_releases_stock(self):
        o = self.order(qty=4)
        self.hold(o["order_no"])
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 4)
        rejected = self.srv.ok("POST", "/v1/orders/%s/reject" % o["order_no"],
                               {"reason": "同一地址短时间内大量下单"})
        self.assertEqual(rejected["status"], "cancelled")
        self.assertEqual(rejected["reservations"], [])
        self.assertEqual({h["status"] for h in rejected["holds"]}, {"released"})
        self.assertEqual(self.srv.stock(self.sku)["reserved"], 0)
        last = self.srv.events(o["order_no"])[-1]
        self.assertEqual(last["reason"], "rejected: 同一地址短时间内大量下单")
        self.assertProblem(self.srv.request("POST", "/v1/orders/%s/reject" % o["order_no"],
                                            {"reason": "again"}), 409, "illegal_transition")

    def test_moves_refused_by_state(self):
        unpaid = self.order(paid=False)
        body = self.assertProblem(self.srv.request("POST", "/v1/orders/%s/approve"
                                                   % unpaid["order_no"], {}),
                                  409, "illegal_transition")
        self.assertIn("pending_payment", body["detail"])
        approved = self.order()
        self.srv.ok("POST", "/v1/orders/%s/approve" % approved["order_no"], {})
        self.assertProblem(self.srv.request("POST", "/v1/orders/%s/reject"
                                            % approved["order_no"], {"reason": "x"}),
                           409, "illegal_transition")
        cancelled = self.order()
        self.srv.ok("POST", "/v1/orders/%s/cancel" % cancelled["order_no"], {"reason": "x"})
        self.hold(cancelled["order_no"], expect=409)
        self.assertProblem(self.srv.request("POST", "/v1/orders/999/approve", {}), 404,
                           "not_found")

    def test_bad_input(self):
        o = self.order()
        body = self.assertValidation(self.srv.request(
            "POST", "/v1/orders/%s/holds" % o["order_no"],
            {"reason": "Bad Reason!", "deadline": "tomorrow", "owner": 5}),
            ("reason", "invalid_code"), ("deadline", "invalid_datetime"), ("owner", "wrong_type"))
        self.assertEqual(len(body["errors"]), 3)
        self.assertValidation(self.srv.request("POST", "/v1/orders/%s/reject" % o["order_no"],
                                               {}), ("reason", "required"))
        self.assertEqual(self.srv.get_order(o["order_no"])["holds"], o["holds"],
                         "nothing written")

    def test_queue_oldest_first_with_filters(self):
        a = self.order(channel="jd")
        b = self.order(channel="taobao", qty=5)
        c = self.order(channel="jd", qty=3)
        done = self.order(channel="jd")
        self.srv.ok("POST", "/v1/orders/%s/approve" % done["order_no"], {})
        self.hold(b["order_no"], reason="remote_area")
        mine = {a["order_no"], b["order_no"], c["order_no"]}

        def queue(**params):
            query = "&".join("%s=%s" % kv for kv in params.items())
            items, cursor = [], None
            while True:
                page = self.srv.ok("GET", "/v1/review/queue?%s%s" % (
                    query, "&cursor=" + cursor if cursor else ""))
                items += [o["order_no"] for o in page["items"] if o["order_no"] in mine |
                          {done["order_no"]}]
                cursor = page["next_cursor"]
                if not cursor:
                    return items

        self.assertEqual(queue(limit=1), [a["order_no"], b["order_no"], c["order_no"]])
        self.assertEqual(queue(reason="remote_area"), [b["order_no"]])
        self.assertEqual(queue(channel="jd"), [a["order_no"], c["order_no"]])
        self.assertEqual(queue(min_amount=3000), [b["order_no"], c["order_no"]])
        self.assertEqual(queue(min_amount=3000, max_amount=4000), [c["order_no"]])
        page = self.srv.ok("GET", "/v1/review/queue?reason=remote_area")
        self.assertIn("remote_area", [h["reason"] for o in page["items"] for h in o["holds"]
                                      if o["order_no"] == b["order_no"]])
        self.assertValidation(self.srv.request("GET", "/v1/review/queue?channel=ebay&limit=0"),
                              ("channel", "unknown_channel"), ("limit", "out_of_range"))
