"""Edits of an order's lines before picking: quantities, added, removed and swapped lines;
reservations move in the same transaction, the price difference is recorded to collect or to
refund, every edit is versioned with who and why, and a bad edit changes nothing."""

import threading

from ordo_server import (ServerTestCase, make_order, open_exceptions, unique_sku, wait_for)


class OrderLinesEditTest(ServerTestCase):
    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("BJ", "北京市", "北京市", "朝阳区")

    # ---- helpers ---------------------------------------------------------------------

    def sku(self, on_hand, price=1000, prefix="LE"):
        sku = unique_sku(prefix)
        self.srv.put_sku(sku, price=price)
        self.srv.put_stock("BJ", sku, on_hand)
        return sku

    def edit(self, order_no, changes, reason="buyer asked by phone", **extra):
        body = dict(reason=reason, changes=changes, **extra)
        return self.srv.request("POST", "/v1/orders/%s/edits" % order_no, body)

    def edited(self, order_no, changes, **kw):
        status, _, body = self.edit(order_no, changes, **kw)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.srv.get_order(order_no), body, "the answer is the stored order")
        return body

    def reserved(self, sku):
        return self.srv.stock(sku)["reserved"]

    def assertLedgerBalanced(self):
        verify = self.srv.ok("GET", "/v1/ledger/verify")
        self.assertTrue(verify["consistent"], verify)

    def lines(self, order):
        return [(l["line"], l["sku"], l["qty"], l["unit_price"], l["reserved_qty"])
                for l in order["items"]]

    # ---- quantities ------------------------------------------------------------------

    def test_quantity_up_and_down_moves_reservations_exactly(self):
        a, b = self.sku(10), self.sku(10)
        o = self.srv.post_order(make_order([(a, 2), (b, 1)]))
        no = o["order_no"]
        self.assertEqual((self.reserved(a), self.reserved(b)), (2, 1))

        up = self.edited(no, [{"op": "set_qty", "line": 1, "qty": 7}])
        self.assertEqual(self.lines(up), [(1, a, 7, 1000, 7), (2, b, 1, 1000, 1)])
        self.assertEqual((self.reserved(a), self.reserved(b)), (7, 1))
        self.assertEqual(up["amounts"]["total"], 8000)
        self.assertLedgerBalanced()

        down = self.edited(no, [{"op": "set_qty", "line": 1, "qty": 3}], version=1)
        self.assertEqual(self.lines(down), [(1, a, 3, 1000, 3), (2, b, 1, 1000, 1)])
        self.assertEqual((self.reserved(a), self.reserved(b)), (3, 1))
        self.assertEqual(self.srv.stock(a)["available"], 7)
        self.assertLedgerBalanced()
        self.assertEqual(down["line_edits"]["version"], 2)

    # ---- add, remove, swap -----------------------------------------------------------

    def test_add_remove_and_swap_in_one_edit(self):
        a, b = self.sku(10), self.sku(10)
        c, d = self.sku(10, price=1250), self.sku(10, price=700)
        o = self.srv.post_order(make_order([(a, 2), (b, 1)]))
        no = o["order_no"]
        after = self.edited(no, [
            {"op": "add", "sku": d, "qty": 1, "unit_price": 250},
            {"op": "remove", "line": 1},
            {"op": "swap", "line": 2, "sku": c, "qty": 3},
        ])
        # Kept lines first, numbered again, then the added one; the swap takes the catalog
        # price, the add the price given.
        self.assertEqual(self.lines(after), [(1, c, 3, 1250, 3), (2, d, 1, 250, 1)])
        self.assertEqual([self.reserved(x) for x in (a, b, c, d)], [0, 0, 3, 1])
        self.assertEqual(sorted((r["sku"], r["qty"]) for r in after["reservations"]),
                         sorted([(c, 3), (d, 1)]))
        self.assertLedgerBalanced()

        edit = after["line_edits"]["history"][-1]
        self.assertEqual([(l["sku"], l["qty"]) for l in edit["before"]], [(a, 2), (b, 1)])
        self.assertEqual([(l["line"], l["sku"], l["qty"]) for l in edit["after"]],
                         [(1, c, 3), (2, d, 1)])
        self.assertEqual(edit["changes"][2], {"op": "swap", "line": 2, "sku": c, "qty": 3,
                                              "unit_price": 1250})
        # Another edit on the new numbering: line 2 is now the added one.
        again = self.edited(no, [{"op": "remove", "line": 2}], version=1)
        self.assertEqual(self.lines(again), [(1, c, 3, 1250, 3)])
        self.assertEqual(self.reserved(d), 0)
        self.assertLedgerBalanced()

    def test_same_sku_swapped_into_a_line_that_held_another(self):
        """The ledger keeps each line's SKUs apart: a line that held one SKU and now holds
        another shows only the new one."""
        a, b = self.sku(5), self.sku(5)
        o = self.srv.post_order(make_order([(a, 2)]))
        after = self.edited(o["order_no"], [{"op": "swap", "line": 1, "sku": b}])
        self.assertEqual(after["reservations"], [{"sku": b, "warehouse": "BJ", "qty": 2}])
        self.assertEqual(self.lines(after), [(1, b, 2, 1000, 2)])
        self.assertEqual((self.reserved(a), self.reserved(b)), (0, 2))
        self.assertLedgerBalanced()

    # ---- money, actor, reason, timeline ----------------------------------------------

    def test_price_difference_to_collect_then_to_refund(self):
        a, b = self.sku(20), self.sku(20, price=3000)
        submitted = make_order([(a, 2, 1500)], shipping_fee=800,
                               discounts=[{"code": "C1", "amount": 300}])
        o = self.srv.post_order(submitted)
        no = o["order_no"]
        self.assertEqual(o["amounts"]["total"], 3500)
        self.assertEqual(o["line_edits"], {"version": 0, "to_collect": 0, "to_refund": 0,
                                           "history": []})

        more = self.edited(no, [{"op": "add", "sku": b, "qty": 1}],
                           reason="buyer adds a gift box")
        self.assertEqual(more["amounts"], {"items": 6000, "shipping": 800, "discounts": 300,
                                           "total": 6500})
        self.assertEqual(more["payment"]["amount"], 3500, "what was paid stays")
        edits = more["line_edits"]
        self.assertEqual((edits["version"], edits["to_collect"], edits["to_refund"]),
                         (1, 3000, 0))
        first = edits["history"][0]
        self.assertEqual((first["total_before"], first["total_after"], first["difference"],
                          first["settlement"]), (3500, 6500, 3000, "to_collect"))
        self.assertEqual(first["actor"], "admin")
        self.assertEqual(first["reason"], "buyer adds a gift box")
        event = self.srv.events(no)[-1]
        self.assertEqual((event["type"], event["actor"]), ("lines_edited", "admin"))
        self.assertIn("added %s ×1 at 3000 fen" % b, event["reason"])
        self.assertIn("3000 fen to collect", event["reason"])
        self.assertIn("buyer adds a gift box", event["reason"])

        less = self.edited(no, [{"op": "remove", "line": 2}, {"op": "set_qty", "line": 1,
                                                              "qty": 1}],
                           reason="gift box out of stock, one less", version=1)
        self.assertEqual(less["amounts"]["total"], 2000)
        edits = less["line_edits"]
        self.assertEqual((edits["version"], edits["to_collect"], edits["to_refund"]),
                         (2, 0, 1500), "net of both edits: 1500 fen back to the buyer")
        self.assertEqual((edits["history"][1]["difference"], edits["history"][1]["settlement"]),
                         (-4500, "to_refund"))
        self.assertIn("4500 fen to refund", self.srv.events(no)[-1]["reason"])

        # The order is still the channel's order: a replay of its submission finds it, and
        # corrections still validate although the paid amount differs from the new total.
        status, _, again = self.srv.request("POST", "/v1/orders", submitted)
        self.assertEqual((status, again["order_no"]), (200, no))
        fixed = self.srv.ok("PATCH", "/v1/orders/%s" % no, {"remark": "改了数量"})
        self.assertEqual(fixed["remark"], "改了数量")
        self.assertEqual(fixed["line_edits"], less["line_edits"])

    def test_unpaid_order_pays_the_new_total(self):
        a = self.sku(10)
        o = self.srv.post_order(make_order([(a, 1)], paid=False))
        self.assertEqual(o["status"], "pending_payment")
        after = self.edited(o["order_no"], [{"op": "set_qty", "line": 1, "qty": 3}])
        self.assertEqual(after["amounts"]["total"], 3000)
        self.assertEqual(after["payment"]["amount"], 3000, "the amount due follows the total")
        edits = after["line_edits"]
        self.assertEqual(edits["history"][0]["settlement"], "amount_due")
        self.assertEqual((edits["to_collect"], edits["to_refund"]), (0, 0))
        # A correction of an unpaid order still validates.
        self.srv.ok("PATCH", "/v1/orders/%s" % o["order_no"], {"remark": None})

    # ---- bad edits change nothing ----------------------------------------------------

    def assertUnchanged(self, before, stock_before):
        no = before["order_no"]
        self.assertEqual(self.srv.get_order(no), before)
        self.assertEqual({s: self.reserved(s) for s in stock_before}, stock_before)
        self.assertNotIn("lines_edited", [e["type"] for e in self.srv.events(no)])

    def test_bad_changes_are_refused_whole_with_their_paths(self):
        a, b = self.sku(10), self.sku(10)
        gone = self.sku(10)
        self.srv.put_sku(gone, sellable=False)
        o = self.srv.post_order(make_order([(a, 2), (b, 1)], discounts=[{"code": "C",
                                                                          "amount": 2500}]))
        no = o["order_no"]
        stock = {a: 2, b: 1, gone: 0}
        # Malformed changes: refused before the order is looked at.
        body = self.assertValidation(self.srv.request("POST", "/v1/orders/%s/edits" % no, {
            "changes": [{"op": "set_qty", "line": 1, "qty": 3},
                        {"op": "set_qty", "line": 2, "qty": 0},
                        {"op": "remove", "line": "1"},
                        {"op": "swap", "line": 1, "sku": a, "colour": "red"},
                        {"op": "melt"}],
            "note": "x"}),
            ("reason", "required"), ("changes[1].qty", "out_of_range"),
            ("changes[2].line", "wrong_type"), ("changes[3].colour", "not_allowed"),
            ("changes[4].op", "invalid_value"), ("note", "not_allowed"))
        self.assertEqual(len(body["errors"]), 6, body)
        self.assertUnchanged(o, stock)
        # Well-formed, but wrong for this order or the catalog: every problem at once.
        self.assertValidation(self.edit(no, [
            {"op": "set_qty", "line": 1, "qty": 5},
            {"op": "add", "sku": "NO-SUCH-SKU", "qty": 1},
            {"op": "swap", "line": 2, "sku": gone},
            {"op": "remove", "line": 3},
            {"op": "remove", "line": 1},
        ]), ("changes[1].sku", "unknown_sku"), ("changes[2].sku", "sku_not_sellable"),
            ("changes[3].line", "no_such_line"), ("changes[4].line", "duplicate_line"))
        self.assertUnchanged(o, stock)
        self.assertValidation(self.edit(no, [{"op": "remove", "line": 1},
                                             {"op": "remove", "line": 2}]),
                              ("changes", "no_lines_left"))
        # The edited order is validated whole: the coupon may not exceed the new items.
        self.assertValidation(self.edit(no, [{"op": "remove", "line": 1}]),
                              ("discounts", "out_of_range"))
        self.assertUnchanged(o, stock)
        self.assertLedgerBalanced()

    def test_an_edit_that_changes_nothing_writes_nothing(self):
        a = self.sku(10)
        o = self.srv.post_order(make_order([(a, 2)]))
        same = self.edited(o["order_no"], [{"op": "set_qty", "line": 1, "qty": 2}])
        self.assertEqual(same, o)
        self.assertEqual(same["line_edits"]["version"], 0)

    # ---- when ------------------------------------------------------------------------

    def test_too_late_once_picking_started_or_cancelled(self):
        a = self.sku(10)
        picked = self.srv.post_order(make_order([(a, 1)]))
        self.srv.to_picking(picked["order_no"], "BJ")
        body = self.assertProblem(self.edit(picked["order_no"], [
            {"op": "set_qty", "line": 1, "qty": 2}]), 409, "illegal_transition")
        self.assertIn("picking", body["detail"])
        self.assertEqual(self.reserved(a), 1)

        cancelled = self.srv.post_order(make_order([(a, 1)]))
        self.srv.ok("POST", "/v1/orders/%s/cancel" % cancelled["order_no"], {"reason": "x"})
        body = self.assertProblem(self.edit(cancelled["order_no"], [
            {"op": "set_qty", "line": 1, "qty": 2}]), 409, "illegal_transition")
        self.assertIn("cancelled", body["detail"])
        self.assertProblem(self.edit("999", [{"op": "remove", "line": 1}]), 404, "not_found")
        self.assertLedgerBalanced()

    def test_stale_version_is_refused(self):
        a = self.sku(10)
        o = self.srv.post_order(make_order([(a, 1)]))
        no = o["order_no"]
        first = self.edited(no, [{"op": "set_qty", "line": 1, "qty": 2}], version=0)
        # A second agent who also read version 0.
        body = self.assertProblem(self.edit(no, [{"op": "set_qty", "line": 1, "qty": 5}],
                                            version=0), 409, "conflict")
        self.assertIn("version 1", body["detail"])
        self.assertEqual(self.srv.get_order(no), first)
        self.assertEqual(self.reserved(a), 2)

    # ---- short stock -----------------------------------------------------------------

    def test_raising_beyond_stock_is_refused_unless_allowed(self):
        a = self.sku(4)
        o = self.srv.post_order(make_order([(a, 2)]))
        no = o["order_no"]
        body = self.assertProblem(self.edit(no, [{"op": "set_qty", "line": 1, "qty": 6}]),
                                  409, "conflict")
        self.assertFieldError(body, "changes[0]", "insufficient_stock")
        self.assertEqual(self.srv.get_order(no), o)
        self.assertEqual(self.reserved(a), 2)

        short = self.edited(no, [{"op": "set_qty", "line": 1, "qty": 6}], allow_short=True)
        self.assertEqual(self.lines(short), [(1, a, 6, 1000, 4)])
        self.assertEqual(self.reserved(a), 4)
        self.assertTrue(open_exceptions(short, "stock_short"))
        self.assertLedgerBalanced()
        # Restock: the waiting order is filled like any short order.
        self.srv.put_stock("BJ", a, 10)
        whole = wait_for(lambda: (lambda x: x if x["items"][0]["reserved_qty"] == 6 else None)(
            self.srv.get_order(no)), what="the edited order refilled")
        self.assertFalse(open_exceptions(whole, "stock_short"))

    def test_swap_out_of_a_missing_flavour_makes_the_order_whole(self):
        red, lotus = self.sku(0, prefix="RED"), self.sku(5, prefix="LOTUS")
        o = self.srv.post_order(make_order([(red, 2)]))
        no = o["order_no"]
        self.assertTrue(open_exceptions(o, "stock_short"))
        after = self.edited(no, [{"op": "swap", "line": 1, "sku": lotus}],
                            reason="red bean sold out; buyer accepts lotus")
        self.assertEqual(self.lines(after), [(1, lotus, 2, 1000, 2)])
        self.assertFalse(open_exceptions(after, "stock_short"))
        self.assertFalse([h for h in after["holds"]
                          if h["auto_release"] == "stock_reserved" and h["status"] == "open"])
        self.assertLedgerBalanced()

    def test_freed_units_go_to_the_order_waiting_for_them(self):
        a, b = self.sku(3), self.sku(10)
        holder = self.srv.post_order(make_order([(a, 3)]))
        waiting = self.srv.post_order(make_order([(a, 2)]))
        self.assertEqual(waiting["items"][0]["reserved_qty"], 0)
        self.edited(holder["order_no"], [{"op": "set_qty", "line": 1, "qty": 1},
                                         {"op": "add", "sku": b, "qty": 1}])
        now = self.srv.get_order(waiting["order_no"])
        self.assertEqual(now["items"][0]["reserved_qty"], 2)
        self.assertFalse(open_exceptions(now, "stock_short"))
        self.assertEqual(self.srv.stock(a)["available"], 0)
        self.assertLedgerBalanced()

    def test_not_splittable_order_stays_in_one_warehouse(self):
        self.srv.put_warehouse("SH", "上海市", "上海市", "浦东新区", priority=1)
        a = self.sku(5)
        self.srv.put_stock("SH", a, 10)
        o = self.srv.post_order(make_order([(a, 4)], splittable=False))
        self.assertEqual([r["warehouse"] for r in o["reservations"]], ["BJ"])
        # BJ cannot fill 8: the whole order moves to SH rather than split.
        after = self.edited(o["order_no"], [{"op": "set_qty", "line": 1, "qty": 8}])
        self.assertEqual(after["reservations"], [{"sku": a, "warehouse": "SH", "qty": 8}])
        self.assertEqual(self.reserved(a), 8)
        self.assertLedgerBalanced()

    # ---- concurrency -----------------------------------------------------------------

    def test_an_edit_and_a_new_order_race_for_the_last_units(self):
        for _ in range(5):
            a = self.sku(3)
            o = self.srv.post_order(make_order([(a, 1)]))
            results = {}

            def edit():
                results["edit"] = self.edit(o["order_no"], [{"op": "set_qty", "line": 1,
                                                             "qty": 3}])

            def place():
                results["order"] = self.srv.request("POST", "/v1/orders",
                                                    make_order([(a, 2)]))

            threads = [threading.Thread(target=edit), threading.Thread(target=place)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            edit_status, _, _ = results["edit"]
            order_status, _, rival = results["order"]
            self.assertEqual(order_status, 201, rival)
            rival_got = self.srv.get_order(rival["order_no"])["items"][0]["reserved_qty"]
            mine = self.srv.get_order(o["order_no"])["items"][0]
            if edit_status == 200:
                self.assertEqual((mine["qty"], mine["reserved_qty"], rival_got), (3, 3, 0))
            else:
                self.assertEqual(edit_status, 409, results["edit"][2])
                self.assertEqual((mine["qty"], mine["reserved_qty"], rival_got), (1, 1, 2))
            stock = self.srv.stock(a)
            self.assertEqual((stock["reserved"], stock["on_hand"]), (3, 3))
        self.assertLedgerBalanced()
