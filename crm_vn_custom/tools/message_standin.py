"""A stand-in for the Zalo ZNS, Zalo OAuth and brand-name SMS APIs on the loopback
address: the addon's real HTTP clients talk to it in tests, in the demo (`make demo` runs
it on port 8070) and in the benchmark; nothing reaches the internet. What it answers
depends on the phone number's last digits, or on ``forced`` for chosen numbers.

    python3 crm_vn_custom/tools/message_standin.py [port]
"""

import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Last three digits of the number → the answer, as the real services give it.
NOT_ON_ZALO, INVALID, QUOTA, SLOW, DOWN = "118", "108", "144", "777", "500"


class StandIn:
    def __init__(self, port=0):
        self.requests = []
        self.forced = {}  # phone (84…) → the suffix whose answer it gets
        self.lenient = False  # the demo's: any token is valid (it may restart any time)
        self.access_token, self.refresh_token = "access-1", "refresh-1"
        self.slow_seconds = 3
        self.sent = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = self.headers.get("Content-Type", "").startswith("application/x-www")
                body = dict(urllib.parse.parse_qsl(raw)) if form else json.loads(raw or "{}")
                server.requests.append((self.path, dict(self.headers), body))
                status, answer = server.answer(self.path, self.headers, body)
                if answer is None:
                    self.send_response(status)
                    self.end_headers()
                    return
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: what a timeout test wants

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def calls(self, path):
        return [body for called, _headers, body in self.requests if called.startswith(path)]

    def answer(self, path, headers, body):
        if path.startswith("/v4/oa/access_token"):
            if not self.lenient and body.get("refresh_token") != self.refresh_token:
                return 200, {"error": -14014, "error_description": "Invalid refresh token"}
            self.sent += 1
            self.access_token = f"access-{self.sent + 1}"
            self.refresh_token = f"refresh-{self.sent + 1}"
            return 200, {"access_token": self.access_token, "refresh_token": self.refresh_token,
                         "expires_in": "90000"}
        phone = str(body.get("phone") or body.get("Phone") or "")
        phone = self.forced.get(phone, phone)
        if phone.endswith(SLOW):
            time.sleep(self.slow_seconds)
        if phone.endswith(DOWN):
            return 500, None
        if path.startswith("/message/template"):
            if not self.lenient and headers.get("access_token") != self.access_token:
                return 200, {"error": -124, "message": "Access token is invalid"}
            for suffix, code, message in ((NOT_ON_ZALO, -118, "Zalo account does not exist"),
                                          (INVALID, -108, "Phone number is invalid"),
                                          (QUOTA, -144, "OA has exceeded the daily quota")):
                if phone.endswith(suffix):
                    return 200, {"error": code, "message": message}
            return 200, {"error": 0, "message": "Success",
                         "data": {"msg_id": f"zns-{len(self.requests)}",
                                  "sent_time": str(int(time.time() * 1000))}}
        if path.startswith("/sms"):
            if phone.endswith(QUOTA):
                return 200, {"CodeResult": "103", "ErrorMessage": "Balance not enough"}
            return 200, {"CodeResult": "100", "SMSID": f"sms-{len(self.requests)}",
                         "Cost": 750}
        return 404, {"error": -1, "message": "unknown path"}


if __name__ == "__main__":
    standin = StandIn(int(sys.argv[1]) if len(sys.argv) > 1 else 8070)
    standin.lenient = True
    sys.stdout.write(f"stand-in for Zalo ZNS and SMS on {standin.url}\n")
    sys.stdout.flush()
    standin.httpd.serve_forever()
