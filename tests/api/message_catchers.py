"""Test receivers for buyer messages, standard library only.

SmtpCatcher: a small threaded SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
that records every message it accepts, parsed with the email package, so a test reads what
a mail client would show. `replies` maps a recipient address to the reply its RCPT gets
("451 4.3.0 try later", "550 5.1.1 no such user"); everything else is accepted.

SmsGateway: an HTTP endpoint that checks X-Ordo-Signature (HMAC-SHA256 of the body under
the shared secret) and records the JSON it is sent; a bad signature gets 401.
"""

import email
import email.policy
import hashlib
import hmac
import http.server
import json
import socketserver
import threading


class SmtpCatcher:
    def __init__(self, port=0):
        self.messages = []
        self.replies = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write((line + "\r\n").encode())
                self.wfile.flush()

            def handle(self):
                self.reply("220 catcher.test ESMTP ready")
                mail_from, rcpts = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("utf-8", "replace").rstrip("\r\n")
                    verb = cmd.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-catcher.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
                        self.wfile.flush()
                    elif verb == "HELO":
                        self.reply("250 catcher.test")
                    elif cmd.upper().startswith("MAIL FROM:"):
                        mail_from, rcpts = _address(cmd[10:]), []
                        self.reply("250 2.1.0 ok")
                    elif cmd.upper().startswith("RCPT TO:"):
                        to = _address(cmd[8:])
                        with outer.lock:
                            answer = outer.replies.get(to, "250 2.1.5 ok")
                        if answer.startswith("250"):
                            rcpts.append(to)
                        self.reply(answer)
                    elif verb == "DATA":
                        if not rcpts:
                            self.reply("554 5.5.1 no valid recipients")
                            continue
                        self.reply("354 end with <CRLF>.<CRLF>")
                        raw = bytearray()
                        while True:
                            data = self.rfile.readline()
                            if not data or data == b".\r\n":
                                break
                            raw += data[1:] if data.startswith(b".") else data
                        with outer.lock:
                            outer.messages.append({
                                "from": mail_from, "to": list(rcpts), "raw": bytes(raw),
                                "mail": email.message_from_bytes(bytes(raw),
                                                                 policy=email.policy.default)})
                        self.reply("250 2.0.0 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 2.0.0 ok")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 bye")
                        return
                    else:
                        self.reply("502 5.5.2 command not recognized")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = "smtp://127.0.0.1:%d" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def mails(self, to=None):
        with self.lock:
            return [m for m in self.messages if to is None or to in m["to"]]


def _address(arg):
    arg = arg.strip()
    if arg.startswith("<"):
        arg = arg[1:arg.index(">")]
    return arg


class SmsGateway:
    def __init__(self, secret):
        self.secret = secret
        self.received = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                want = "sha256=" + hmac.new(outer.secret.encode(), body,
                                            hashlib.sha256).hexdigest()
                good = hmac.compare_digest(self.headers.get("X-Ordo-Signature", ""), want)
                with outer.lock:
                    if good:
                        outer.received.append(json.loads(body))
                    else:
                        outer.bad_signatures += 1
                self.send_response(200 if good else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/sms" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def texts(self, phone=None, order_no=None):
        with self.lock:
            return [m for m in self.received
                    if (phone is None or m["phone"] == phone)
                    and (order_no is None or m["order_no"] == order_no)]
