"""A simulated carrier tracking API, standard library only: GET /track?carrier=&tracking_no=
answers {tracking_no, events: [{time, context}]} from what the test put in `events`;
`fail_next` makes the next N asks answer 503 (the carrier is down); `asks` counts the asks
per tracking number, `auth` keeps the Authorization headers seen."""

import http.server
import json
import threading
import urllib.parse


class CarrierSim:
    def __init__(self):
        self.events = {}
        self.asks = {}
        self.auth = []
        self.fail_next = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                number = (query.get("tracking_no") or [""])[0]
                with outer.lock:
                    outer.asks[number] = outer.asks.get(number, 0) + 1
                    outer.auth.append(self.headers.get("Authorization"))
                    failing = outer.fail_next > 0
                    if failing:
                        outer.fail_next -= 1
                    events = list(outer.events.get(number, []))
                if failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps({"tracking_no": number, "events": events},
                                  ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/track" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def asked(self, number):
        with self.lock:
            return self.asks.get(number, 0)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
