"""Live event streams (GET /v1/events/stream): Server-Sent Events read from the outbox, in
order, filtered by type and warehouse, resumable with Last-Event-ID across a reconnect of the
receiver and a crash of the server; bounded (stream cap), authenticated, and ended cleanly
by SIGTERM."""

import http.client
import json
import re
import socket
import threading
import time
import urllib.parse

from ordo_server import (ADDR_BEIJING, ADDR_SHANGHAI, OrdoServer, ServerTestCase, make_order,
                         q, unique_sku, wait_for)

STREAM = "/v1/events/stream"
# Keep-alives often, so that tests see them (and dropped receivers are noticed) quickly.
FAST = {"ORDO_STREAM_KEEPALIVE_MS": "200"}
DEADLINE_S = 20.0


class SseStream:
    """A streaming GET read as an EventSource would: events (id, event, data), the position
    (last event id, also moved by an id without data), retry and comment lines. Reads happen
    with deadlines; nothing sleeps."""

    def __init__(self, srv, params=None, headers=None, token="default", timeout=DEADLINE_S,
                 rcvbuf=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
        if rcvbuf:
            # A small receive window: a receiver that does not read is soon felt by the server.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.settimeout(timeout)
            sock.connect(("127.0.0.1", srv.port))
            self.conn.sock = sock
        hdrs = dict(headers or {})
        if token == "default":
            token = srv.token
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        path = STREAM + ("?" + urllib.parse.urlencode(params) if params else "")
        self.conn.request("GET", path, headers=hdrs)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.buf = b""
        self.last_id = None
        self.retry = None
        self.comments = 0
        self.ended = False
        self._id, self._event, self._data = None, None, []
        self.body = None
        if self.status != 200:
            raw = self.resp.read()
            self.body = json.loads(raw) if raw else None
            self.conn.close()

    def _line(self, deadline):
        while True:
            m = re.search(rb"\r\n|\r(?!$)|\n", self.buf)
            if m:
                line, self.buf = self.buf[:m.start()], self.buf[m.end():]
                return line.decode("utf-8")
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no stream data before the deadline")
            self.conn.sock.settimeout(left)
            chunk = self.resp.read1(65536)
            if not chunk:
                self.ended = True
                return None
            self.buf += chunk

    def next_event(self, deadline_s=DEADLINE_S, positions=False):
        """The next event as a dict {id, event, data (parsed JSON)}, or None at the end.
        positions: also return {"position": id} for an id without data."""
        deadline = time.monotonic() + deadline_s
        while True:
            line = self._line(deadline)
            if line is None:
                return None
            if line == "":
                if self._id is not None:
                    self.last_id = self._id
                data, event = self._data, self._event
                self._event, self._data = None, []
                if data:
                    return {"id": int(self.last_id), "event": event or "message",
                            "data": json.loads("\n".join(data))}
                if positions and self.last_id is not None:
                    return {"position": int(self.last_id)}
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                self._id = value
            elif name == "event":
                self._event = value
            elif name == "data":
                self._data.append(value)
            elif name == "retry":
                self.retry = int(value)

    def events_until(self, done, deadline_s=DEADLINE_S):
        """Reads events until done(events) holds; returns them."""
        deadline = time.monotonic() + deadline_s
        got = []
        while not done(got):
            ev = self.next_event(max(0.01, deadline - time.monotonic()))
            if ev is None:
                raise AssertionError("the stream ended after %r" % [e["id"] for e in got])
            got.append(ev)
        return got

    def wait_position(self, pred, deadline_s=DEADLINE_S):
        """Reads (events included) until pred(last_id) holds; returns the events read."""
        deadline = time.monotonic() + deadline_s
        got = []
        while not (self.last_id is not None and pred(int(self.last_id))):
            ev = self.next_event(max(0.01, deadline - time.monotonic()), positions=True)
            if ev is None:
                raise AssertionError("the stream ended at position %s" % self.last_id)
            if "position" not in ev:
                got.append(ev)
        return got

    def opened(self):
        """Reads the opening (retry and starting position); returns the position."""
        self.wait_position(lambda _: True)
        return int(self.last_id)

    def close(self):
        self.conn.close()


def of_order(events, order_no):
    return [e for e in events if e["data"]["data"]["order_no"] == order_no]


def has_order_event(order_no, topic, to=None):
    def done(events):
        return any(e["event"] == topic and e["data"]["data"]["order_no"] == order_no and
                   (to is None or e["data"]["data"]["to"] == to) for e in events)
    return done


class EventStreamTest(ServerTestCase):
    ENV = FAST

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("ES-BJ", "北京市", "北京市", "朝阳区")
        cls.srv.put_warehouse("ES-SH", "上海市", "上海市", "浦东新区")
        cls.sku_bj = unique_sku("ESB")
        cls.sku_sh = unique_sku("ESS")
        cls.sku_none = unique_sku("ESN")
        for sku in (cls.sku_bj, cls.sku_sh, cls.sku_none):
            cls.srv.put_sku(sku)
        cls.srv.put_stock("ES-BJ", cls.sku_bj, 1000)
        cls.srv.put_stock("ES-SH", cls.sku_sh, 1000)

    def open(self, **kw):
        s = SseStream(self.srv, **kw)
        self.addCleanup(s.close)
        return s

    def place(self, sku=None, address=ADDR_BEIJING):
        return self.srv.post_order(make_order([(sku or self.sku_bj, 1)],
                                              address=address))["order_no"]

    def cancel(self, order_no):
        self.srv.ok("POST", "/v1/orders/%s/cancel" % q(order_no), {"reason": "stream test"})

    def test_live_events_in_order_as_webhooks_get_them(self):
        s = self.open()
        self.assertEqual(s.headers["content-type"], "text/event-stream")
        start = s.opened()
        self.assertGreater(s.retry, 0)
        no = self.place()
        self.cancel(no)
        events = of_order(s.events_until(has_order_event(no, "order.status_changed",
                                                         "cancelled")), no)
        timeline = self.srv.events(no)
        timeline = timeline.get("items", timeline) if isinstance(timeline, dict) else timeline
        self.assertEqual(len(events), len(timeline), "one stream event per timeline event")
        self.assertEqual(events[0]["event"], "order.created")
        self.assertEqual(events[-1]["data"]["data"]["to"], "cancelled")
        ids = [e["id"] for e in events]
        self.assertEqual(ids, sorted(set(ids)), "ids rise strictly")
        self.assertGreater(ids[0], start)
        for e in events:
            doc = e["data"]
            self.assertEqual(set(doc), {"id", "type", "created_at", "data"})
            self.assertEqual((doc["id"], doc["type"]), (e["id"], e["event"]))

    def test_type_filter_exact_and_family(self):
        s = self.open(params={"types": "order.status_changed"})
        fam = self.open(params={"types": "order.*"})
        s.opened()
        fam.opened()
        no = self.place()
        self.cancel(no)
        got = s.events_until(has_order_event(no, "order.status_changed", "cancelled"))
        self.assertTrue(got)
        self.assertEqual({e["event"] for e in got}, {"order.status_changed"})
        every = fam.events_until(has_order_event(no, "order.status_changed", "cancelled"))
        self.assertIn("order.created", {e["event"] for e in of_order(every, no)})

    def test_warehouse_filter(self):
        s = self.open(params={"warehouse": "ES-BJ"})
        s.opened()
        other = self.place(self.sku_sh, ADDR_SHANGHAI)
        short = self.place(self.sku_none)  # no stock anywhere: no warehouse
        mine = self.place()
        self.cancel(mine)  # released stock: still the warehouse's business
        got = s.events_until(has_order_event(mine, "order.status_changed", "cancelled"))
        orders = {e["data"]["data"]["order_no"] for e in got}
        self.assertIn(mine, orders)
        self.assertNotIn(other, orders)
        self.assertNotIn(short, orders)
        both = self.open(params={"warehouse": "ES-SH,ES-BJ", "last_event_id": "0"})
        replay = both.events_until(has_order_event(mine, "order.status_changed", "cancelled"))
        orders = {e["data"]["data"]["order_no"] for e in replay}
        self.assertTrue({mine, other} <= orders)
        self.assertNotIn(short, orders)

    def test_resume_with_last_event_id_after_the_receiver_went_away(self):
        reference = self.open()
        reference.opened()
        first = self.place()
        got = reference.events_until(has_order_event(first, "order.created"))
        # A receiver that heard up to the first order's creation drops (without a goodbye).
        gone = SseStream(self.srv, headers={"Last-Event-ID": str(got[-1]["id"] - 1)})
        gone.events_until(has_order_event(first, "order.created"))
        resume_from = gone.last_id
        gone.conn.sock.shutdown(socket.SHUT_RDWR)
        gone.close()
        later = [self.place() for _ in range(3)]
        self.cancel(later[0])
        want = reference.events_until(has_order_event(later[0], "order.status_changed",
                                                      "cancelled"))
        want = [e for e in got + want if e["id"] > int(resume_from)]
        back = self.open(headers={"Last-Event-ID": resume_from},
                         params={"last_event_id": "0"})  # the header wins
        again = back.events_until(lambda evs: evs and evs[-1]["id"] >= want[-1]["id"])
        self.assertEqual([(e["id"], e["event"]) for e in again],
                         [(e["id"], e["event"]) for e in want])

    def test_position_moves_past_filtered_events(self):
        s = self.open(params={"types": "order.exception"})
        start = s.opened()
        created = self.open(params={"types": "order.created"})
        created.opened()
        no = self.place()
        end = created.events_until(has_order_event(no, "order.created"))[-1]["id"]
        self.assertGreater(end, start)
        # Keep-alives carry the position past messages the filter left out, so a receiver
        # that reconnects does not rescan them.
        skipped = s.wait_position(lambda pos: pos >= end)
        self.assertEqual(of_order(skipped, no), [])

    def test_authentication(self):
        s = self.open(token=None)
        self.assertEqual(s.status, 401)
        self.assertEqual(s.body["code"], "unauthorized")
        s = self.open(token=None, params={"access_token": "not-the-token"})
        self.assertEqual(s.status, 401)
        s = self.open(token=None, params={"access_token": self.srv.token})
        self.assertEqual(s.status, 200)
        s.opened()
        # Only the stream takes its token from the query.
        status, _, _ = self.srv.request("GET", "/v1/orders?access_token=" + self.srv.token,
                                        token=None)
        self.assertEqual(status, 401)

    def test_bad_parameters_are_400_naming_them(self):
        cases = [({"types": "order.nope"}, {}, "types"),
                 ({"types": "order.created,"}, {}, "types"),
                 ({"types": "parcel.*"}, {}, "types"),
                 ({"warehouse": "NO-SUCH-WH"}, {}, "warehouse"),
                 ({"warehouse": "bad code!"}, {}, "warehouse"),
                 ({"last_event_id": "-3"}, {}, "last_event_id"),
                 ({}, {"Last-Event-ID": "abc"}, "Last-Event-ID")]
        for params, headers, field in cases:
            s = self.open(params=params, headers=headers)
            self.assertEqual(s.status, 400, (params, headers))
            self.assertEqual(s.body["code"], "bad_request")
            self.assertEqual([e["field"] for e in s.body["errors"]], [field], s.body)

    def test_open_streams_in_metrics(self):
        def open_streams():
            _, _, text = self.srv.request("GET", "/metrics", token=None)
            return int(re.search(r"^ordo_event_streams_open (\d+)$", text, re.M).group(1))

        # Earlier tests' streams are released as their closing is noticed.
        wait_for(lambda: open_streams() == 0, DEADLINE_S, 0.05, "no stream open")
        s = self.open()
        s.opened()
        self.assertEqual(open_streams(), 1)
        s.close()
        wait_for(lambda: open_streams() == 0, DEADLINE_S, 0.05, "the stream to be released")


class StreamCapTest(ServerTestCase):
    ENV = dict(FAST, ORDO_STREAMS_MAX="2")

    def test_beyond_the_cap_is_503_until_one_closes(self):
        a, b = SseStream(self.srv), SseStream(self.srv)
        try:
            a.opened()
            b.opened()
            c = SseStream(self.srv)
            self.assertEqual(c.status, 503)
            self.assertEqual(c.body["code"], "overloaded")
            a.close()  # noticed at the next keep-alive write

            def admitted():
                s = SseStream(self.srv)
                if s.status == 200:
                    return s
                self.assertEqual(s.status, 503)
                return None

            d = wait_for(admitted, DEADLINE_S, 0.05, "a free stream slot")
            d.opened()
            d.close()
        finally:
            a.close()
            b.close()


def metric(srv, name):
    _, _, text = srv.request("GET", "/metrics", token=None)
    return int(re.search(r"^%s (\d+)$" % name, text, re.M).group(1))


class SlowReceiverTest(ServerTestCase):
    """A receiver that stops reading is neither dropped nor allowed to grow the server's
    memory: once its small buffer is full it is served from the outbox, and it still gets
    every event, in order, when it reads again."""
    ENV = dict(FAST, ORDO_STREAM_BUFFER_BYTES="2048", ORDO_STREAM_SOCKET_BUFFER_BYTES="8192")

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("SL-BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("SLO")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("SL-BJ", cls.sku, 100000)

    def test_falls_behind_and_catches_up_without_a_gap(self):
        slow = SseStream(self.srv, rcvbuf=4096)
        keeps_up = SseStream(self.srv)
        try:
            start = slow.opened()
            keeps_up.opened()
            before = metric(self.srv, "ordo_event_stream_overflows_total")
            placed = []

            def overflowed():
                place_many(self.srv, self.sku, 10, placed)
                keeps_up.events_until(lambda evs: placed[-1] in {
                    e["data"]["data"]["order_no"] for e in evs})
                return metric(self.srv, "ordo_event_stream_overflows_total") > before

            wait_for(overflowed, 120, 0, "the slow stream's buffer to fill")
            last = placed[-1]
            got = slow.events_until(has_order_event(last, "order.created"), 60)
        finally:
            slow.close()
            keeps_up.close()
        full = SseStream(self.srv, params={"last_event_id": str(start)})
        try:
            want = full.events_until(lambda evs: evs and evs[-1]["id"] >= got[-1]["id"])
        finally:
            full.close()
        self.assertEqual([e["id"] for e in got], [e["id"] for e in want])
        created = {e["data"]["data"]["order_no"] for e in got if e["event"] == "order.created"}
        self.assertEqual(set(placed) - created, set())


def place_many(srv, sku, n, acked, stop=None):
    for _ in range(n):
        if stop is not None and stop.is_set():
            return
        try:
            status, _, body = srv.request("POST", "/v1/orders", make_order([(sku, 1)]),
                                          timeout=10)
        except (OSError, http.client.HTTPException):
            return
        if status == 201:
            acked.append(body["order_no"])


class StreamCrashTest(ServerTestCase):
    ENV = FAST

    @classmethod
    def setUpCatalog(cls):
        cls.srv.put_warehouse("EC-BJ", "北京市", "北京市", "朝阳区")
        cls.sku = unique_sku("ECR")
        cls.srv.put_sku(cls.sku)
        cls.srv.put_stock("EC-BJ", cls.sku, 100000)

    def test_kill9_and_restart_resume_with_every_event(self):
        s = SseStream(self.srv)
        seen = []
        try:
            start = s.opened()
            acked = []
            place_many(self.srv, self.sku, 3, acked)
            seen = s.events_until(lambda evs: set(acked) <= {
                e["data"]["data"]["order_no"] for e in evs if e["event"] == "order.created"})
            # Orders keep arriving while the server is killed.
            stop = threading.Event()
            writer = threading.Thread(target=place_many,
                                      args=(self.srv, self.sku, 10000, acked, stop))
            writer.start()
            wait_for(lambda: len(acked) >= 8, DEADLINE_S, 0.01, "orders during the stream")
            seen += s.events_until(lambda evs: len(evs) >= 2, DEADLINE_S)
            self.srv.kill9()
            stop.set()
            writer.join(30)
            # The receiver drains what reached it before the crash.
            while True:
                try:
                    ev = s.next_event(2.0)
                except (AssertionError, OSError, http.client.HTTPException):
                    break
                if ev is None:
                    break
                seen.append(ev)
        finally:
            s.close()
        resume_from = int(s.last_id)
        self.srv.start()
        more = []
        place_many(self.srv, self.sku, 2, more)
        back = SseStream(self.srv, headers={"Last-Event-ID": str(resume_from)})
        try:
            after = back.events_until(lambda evs: set(more) <= {
                e["data"]["data"]["order_no"] for e in evs if e["event"] == "order.created"})
        finally:
            back.close()
        # Exactly the outbox after the resume point: a full replay agrees.
        full = SseStream(self.srv, params={"last_event_id": "0"})
        try:
            everything = full.events_until(lambda evs: evs and evs[-1]["id"] >= after[-1]["id"])
        finally:
            full.close()
        self.assertEqual([e["id"] for e in after],
                         [e["id"] for e in everything if e["id"] > resume_from])
        self.assertEqual([e["id"] for e in seen],
                         [e["id"] for e in everything if start < e["id"] <= resume_from])
        created = {e["data"]["data"]["order_no"] for e in seen + after
                   if e["event"] == "order.created"}
        missing = set(acked + more) - created
        self.assertFalse(missing, "acknowledged orders whose creation was never streamed")


class StreamShutdownTest(ServerTestCase):
    def test_sigterm_with_an_open_stream_exits_0_promptly(self):
        s = SseStream(self.srv)
        s.opened()
        t0 = time.monotonic()
        code = self.srv.stop(timeout=10)
        took = time.monotonic() - t0
        self.assertEqual(code, 0)
        self.assertLess(took, 5.0)
        # The stream ended with the response (chunked encoding closed), not a reset.
        self.assertIsNone(s.next_event(5.0))
        self.assertTrue(s.ended)
        s.close()
