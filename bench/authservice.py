"""The benchmark's stand-ins for an organization's secondary store over the network.

  python3 bench/authservice.py serve PORT   an authentication web service, as the product note
                                             describes it (Python's ThreadingHTTPServer, a thread
                                             per connection, HTTP/1.1 keep-alive)
  python3 bench/authservice.py hang PORT    a server that accepts every connection and never
                                             answers (a hung directory or service)

The web service takes POST {"credentials":{"username":..,"password":..}} with HTTP Basic
"caravan-bench:bench-auth-service-password" and answers {"response":{"status":"true"}} when the
password is "pw-<username>-bench" (so every one of any number of users has its own password),
{"response":{"status":"false"}} otherwise; 401 without the right Basic credentials.
"""
import base64
import hmac
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY_USER = "caravan-bench"
GATEWAY_PASSWORD = "bench-auth-service-password"
EXPECTED = "Basic " + base64.b64encode(f"{GATEWAY_USER}:{GATEWAY_PASSWORD}".encode()).decode()
TRUE = json.dumps({"response": {"status": "true"}}).encode()
FALSE = json.dumps({"response": {"status": "false"}}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without it, 40 ms of delayed ACK each

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not hmac.compare_digest(self.headers.get("Authorization") or "", EXPECTED):
            return self.answer(401, b"")
        try:
            credentials = json.loads(body)["credentials"]
            valid = hmac.compare_digest(str(credentials["password"]), f"pw-{credentials['username']}-bench")
        except (ValueError, KeyError, TypeError):
            return self.answer(400, b"")
        self.answer(200, TRUE if valid else FALSE)

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass  # a client closing its connection (wrk at the end of a run) is not news


def hang(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(4096)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # kept open, never read, never answered


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "hang":
        hang(port)
    else:
        Server(("127.0.0.1", port), Handler).serve_forever()
