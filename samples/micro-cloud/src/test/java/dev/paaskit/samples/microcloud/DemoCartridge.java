package dev.paaskit.samples.microcloud;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpServer;
import dev.paaskit.core.internal.archive.TarGzWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A downloadable OpenShift cartridge, {@code acme/democart}, served over loopback HTTP by the
 * JDK's server: its manifest and a tar.gz of its files under a top folder. Its
 * {@code control start} starts a Python daemon and returns; the daemon answers with what the
 * gear's environment holds.
 */
final class DemoCartridge implements AutoCloseable {
  static final String SETUP = "#!/bin/sh\n"
      + "echo \"setting up $OPENSHIFT_APP_NAME in $OPENSHIFT_HOMEDIR\"\n"
      + "echo \"ENV_VAR_ADD: DEMO_GREETING=hello-from-setup\"\n"
      + "mkdir -p \"$OPENSHIFT_DEMOCART_DIR/run\"\n";
  static final String INSTALL = "#!/bin/sh\n"
      + "echo \"install sees DEMO_GREETING=$DEMO_GREETING\"\n"
      + "echo \"CART_DATA: admin_url=http://$OPENSHIFT_DEMOCART_IP:$OPENSHIFT_DEMOCART_ADMIN_PORT/\"\n";
  static final String CONTROL = "#!/bin/sh\n"
      + "pidfile=\"$OPENSHIFT_DEMOCART_DIR/run/server.pid\"\n"
      + "case \"$1\" in\n"
      + "  start)\n"
      + "    nohup python3 \"$OPENSHIFT_DEMOCART_DIR/bin/server.py\" >\"$OPENSHIFT_DEMOCART_DIR/run/log\" 2>&1 &\n"
      + "    echo $! >\"$pidfile\"\n"
      + "    echo \"start $!\" >>\"$DEMO_EVENTS\" ;;\n"
      + "  stop)\n"
      + "    if [ -f \"$pidfile\" ]; then pid=$(cat \"$pidfile\"); kill \"$pid\" 2>/dev/null;"
      + " echo \"stop $pid\" >>\"$DEMO_EVENTS\"; rm -f \"$pidfile\"; fi ;;\n"
      + "  status)\n"
      + "    [ -f \"$pidfile\" ] && kill -0 \"$(cat \"$pidfile\")\" 2>/dev/null ;;\n"
      + "  restart)\n"
      + "    \"$0\" stop; \"$0\" start ;;\n"
      + "  tidy)\n"
      + "    echo \"tidy $(cat \"$pidfile\")\" >>\"$DEMO_EVENTS\" ;;\n"
      + "  build|deploy)\n"
      + "    echo \"control $1\" ;;\n"
      + "  *) echo \"unknown action $1\" >&2; exit 1 ;;\n"
      + "esac\n";
  static final String SERVER = "import http.server, os\n"
      + "class H(http.server.BaseHTTPRequestHandler):\n"
      + "    def do_GET(self):\n"
      + "        with open(os.environ['OPENSHIFT_REPO_DIR'] + 'index.txt') as f:\n"
      + "            repo = f.read().strip()\n"
      + "        body = ('greeting=%s app=%s repo=%s pid=%d' % (os.environ.get('DEMO_GREETING'),\n"
      + "            os.environ['OPENSHIFT_APP_NAME'], repo, os.getpid())).encode()\n"
      + "        self.send_response(200)\n"
      + "        self.send_header('Content-Length', str(len(body)))\n"
      + "        self.end_headers()\n"
      + "        self.wfile.write(body)\n"
      + "    def log_message(self, *args):\n"
      + "        pass\n"
      + "http.server.ThreadingHTTPServer((os.environ['OPENSHIFT_DEMOCART_IP'],\n"
      + "    int(os.environ['OPENSHIFT_DEMOCART_PORT'])), H).serve_forever()\n";

  private final HttpServer server;
  private final Map<String, byte[]> pages = new ConcurrentHashMap<>();

  DemoCartridge(Path tmp) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      byte[] page = pages.get(exchange.getRequestURI().getPath());
      try (exchange) {
        if (page == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(page);
        }
      }
    });
    server.start();
    byte[] tgz = archive(tmp, manifest("SOURCE", ""));
    pages.put("/democart-master.tgz", tgz);
    pages.put("/metadata/manifest.yml", manifest(url("/democart-master.tgz"),
        "Source-Sha256: " + Hashing.sha256().hashBytes(tgz) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  String manifestUrl() {
    return url("/metadata/manifest.yml");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static String manifest(String sourceUrl, String checksumLine) {
    return "Name: democart\nCartridge-Short-Name: DEMOCART\nDisplay-Name: Demo cartridge\n"
        + "Version: '1.0'\nVersions: ['1.0']\nCartridge-Version: 0.0.1\nCartridge-Vendor: acme\n"
        + "Endpoints:\n  - Private-IP-Name: IP\n    Private-Port-Name: PORT\n"
        + "    Private-Port: 8080\n    Public-Port-Name: PROXY_PORT\n    Mappings:\n"
        + "      - Frontend: ''\n        Backend: ''\n"
        + "  - Private-IP-Name: IP\n    Private-Port-Name: ADMIN_PORT\n    Private-Port: 8081\n"
        + "Source-Url: " + sourceUrl + "\n" + checksumLine;
  }

  private static byte[] archive(Path tmp, String manifest) throws IOException {
    Path root = Files.createTempDirectory(tmp, "democart-src-");
    Path dir = Files.createDirectories(root.resolve("democart-master"));
    Map<String, String> files = Map.of("metadata/manifest.yml", manifest, "bin/setup", SETUP,
        "bin/install", INSTALL, "bin/control", CONTROL, "bin/server.py", SERVER);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
      file.toFile().setExecutable(f.getKey().startsWith("bin/"), false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarGzWriter.create().write(root, out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
