"""Answers every request with the instance and the node that serve it."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = f"{os.environ['PAASKIT_INSTANCE_ID']} on {os.environ['PAASKIT_NODE_ID']}\n".encode()


class WhoAmI(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), WhoAmI).serve_forever()
