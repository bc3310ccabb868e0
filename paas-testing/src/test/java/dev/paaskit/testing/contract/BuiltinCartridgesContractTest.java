package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.cartridges.BuiltinCartridges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The built-in cartridges, staging a python app that has no requirements to download. */
class BuiltinCartridgesContractTest extends CartridgeSourceContract {
  @Override
  protected CartridgeSource newSource() {
    return BuiltinCartridges.create();
  }

  @Override
  protected Path appItDetects(Path parent) throws IOException {
    Path app = Files.createDirectories(parent.resolve("hello-python"));
    Files.writeString(app.resolve("app.py"), String.join("\n",
        "import http.server, os",
        "",
        "class Hello(http.server.BaseHTTPRequestHandler):",
        "    def do_GET(self):",
        "        self.send_response(200)",
        "        self.end_headers()",
        "        self.wfile.write(b'hello\\n')",
        "",
        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Hello).serve_forever()",
        ""));
    return app;
  }
}
