"""A small web app as Cloud Foundry would run it: it listens on $PORT and says which instance answered."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INDEX = os.environ.get("CF_INSTANCE_INDEX", "?")
APP = json.loads(os.environ.get("VCAP_APPLICATION", "{}")).get("application_name", "hello")


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"Hello from {APP} instance {INDEX} (pid {os.getpid()})\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print(f"{APP} instance {INDEX} listening on port {port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Hello).serve_forever()
