package dev.paaskit.cartridges.openshift;

import static dev.paaskit.cartridges.openshift.CartridgeFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.ConflictException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeInfo;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class OpenShiftCartridgesTest {
  private static final Map<String, String> SCRIPTS = Map.of("bin/control", "#!/bin/sh\nexit 0\n");

  @TempDir Path tmp;
  private CartridgeFixture web;
  private SystemClock clock;
  private final InMemoryStateStore state = new InMemoryStateStore();
  private final RecordingBlobs blobs = new RecordingBlobs();
  private OpenShiftCartridges cartridges;
  private Role role;

  @BeforeEach
  void start() throws Exception {
    web = new CartridgeFixture();
    clock = SystemClock.create("test");
    cartridges = OpenShiftCartridges.builder().builtins(BuiltinCartridges.create())
        .workDir(tmp.resolve("catalog")).allowHttp(true).build();
    role = cartridges.role().create(context());
    role.start();
  }

  @AfterEach
  void stop() throws Exception {
    role.stop();
    clock.close();
    web.close();
  }

  private String serve(String name, String checksumLine, Map<String, String> scripts)
      throws IOException {
    byte[] tgz = CartridgeFixture.archive(tmp, name + "-master",
        CartridgeFixture.manifest(name, "SOURCE", ""), scripts);
    web.put("/" + name + ".tgz", "application/gzip", tgz);
    String line = checksumLine.replace("SHA", CartridgeFixture.sha256(tgz));
    web.put("/" + name + "/manifest.yml", "text/yaml", utf8(CartridgeFixture.manifest(name,
        web.url("/" + name + ".tgz"), line)));
    return web.url("/" + name + "/manifest.yml");
  }

  @Test
  void addsAVerifiedCartridgeFindableByName() throws IOException {
    String url = serve("democart", "Source-Sha256: SHA\n", SCRIPTS);

    CartridgeInfo info = cartridges.add(url);

    assertEquals("democart", info.name());
    assertEquals("acme", info.vendor());
    assertEquals(List.of("1.0", "1.1"), info.versions());
    assertEquals(url, info.source());
    assertTrue(blobs.stat(info.sha256()).isPresent());
    assertEquals(1, state.list("cartridges/").size());
    assertEquals("1.0 (cartridge 0.0.1+" + info.sha256().substring(0, 12) + ")",
        cartridges.find("democart").orElseThrow().version());
    assertEquals("1.1 (cartridge 0.0.1+" + info.sha256().substring(0, 12) + ")",
        cartridges.find("democart-1.1").orElseThrow().version());
    assertTrue(cartridges.find("democart-2.0").isEmpty());
    assertTrue(cartridges.find("python-1.0.0").isEmpty());
    List<CartridgeInfo> listed = cartridges.list();
    assertEquals("python", listed.get(0).name());
    assertTrue(listed.get(0).builtin());
    assertEquals(OpenShiftCartridges.BUILTIN_VENDOR, listed.get(0).vendor());
    assertEquals(info, listed.get(listed.size() - 1));

    // The source archive is cached by its checksum: adding again downloads only the manifest.
    cartridges.add(url);
    assertEquals(1, web.hits("/democart.tgz"));
    assertEquals(2, web.hits("/democart/manifest.yml"));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void aWrongChecksumIsRefusedShowingBothSumsWithNothingStored() throws IOException {
    String wrong = "0".repeat(64);
    String url = serve("democart", "Source-Sha256: " + wrong + "\n", SCRIPTS);
    String actual = CartridgeFixture.sha256(web.pages.get("/democart.tgz").body());

    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add(url));

    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains(wrong) && e.getMessage().contains(actual), e.getMessage());
    assertNothingStored();
  }

  @Test
  void aWrongMd5IsRefusedToo() throws IOException {
    String url = serve("democart", "Source-Md5: " + "a".repeat(32) + "\n", SCRIPTS);

    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add(url));

    assertTrue(e.getMessage().contains("Source-Md5 is " + "a".repeat(32)), e.getMessage());
    assertNothingStored();
  }

  @Test
  void anHtmlPageIsRefusedAskingForTheRawUrl() throws IOException {
    web.put("/blob/manifest.yml", "text/html; charset=utf-8",
        utf8("<!DOCTYPE html>\n<html><body>Name: not really</body></html>"));
    web.put("/sneaky.yml", "text/plain", utf8("\n  <html><head></head></html>"));

    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add(web.url("/blob/manifest.yml")));
    assertTrue(e.getMessage().contains("an HTML page where a manifest was expected: use the raw "
        + "file URL"), e.getMessage());
    assertThrows(CartridgeRefusedException.class, () -> cartridges.add(web.url("/sneaky.yml")));
    assertNothingStored();
  }

  @Test
  void anOversizedManifestIsRefused() throws IOException {
    String url = serve("democart", "Source-Sha256: SHA\n", SCRIPTS);
    String big = new String(web.pages.get("/democart/manifest.yml").body())
        + "Description: " + "x".repeat(CartridgeDownloader.MAX_MANIFEST_BYTES) + "\n";
    web.put("/democart/manifest.yml", "text/yaml", utf8(big));

    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add(url));

    assertTrue(e.getMessage().contains("too large: a manifest is at most 20480 bytes"),
        e.getMessage());
    assertEquals(0, web.hits("/democart.tgz"));
    assertNothingStored();
  }

  @Test
  void otherRefusalsSayWhatToDo() throws IOException {
    assertRefused(web.url("/missing.yml"), "not found (HTTP 404)");
    assertRefused("ftp://example.com/manifest.yml", "unsupported scheme 'ftp'");
    assertRefused("file:///etc/hostname", "file: URLs are not allowed");
    String noControl = serve("nocontrol", "", Map.of("bin/start", "#!/bin/sh\n"));
    assertRefused(noControl, "not a cartridge: no bin/control");
    web.put("/r1", "redirect:/r2", new byte[0]);
    web.put("/r2", "redirect:/r3", new byte[0]);
    web.put("/r3", "redirect:/democart/manifest.yml", new byte[0]);
    assertRefused(web.url("/r1"), "more than 2 redirects");
    web.put("/badsource.yml", "text/yaml", utf8(CartridgeFixture.manifest("badsource",
        "ssh://host/repo", "")));
    assertRefused(web.url("/badsource.yml"), "unsupported scheme 'ssh'");
    web.put("/missing-field.yml", "text/yaml", utf8("Name: x\nCartridge-Short-Name: X\nCartridge-Version: 1\nCartridge-Vendor: a\n"));
    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> cartridges.add(web.url("/missing-field.yml")));
    assertEquals("Version", e.field());
    assertTrue(e.getMessage().startsWith(web.url("/missing-field.yml")), e.getMessage());
    assertNothingStored();
  }

  @Test
  void plainHttpNeedsTheOperatorsConsent() throws Exception {
    OpenShiftCartridges strict = OpenShiftCartridges.builder().workDir(tmp.resolve("strict"))
        .build();
    Role strictRole = strict.role().create(context());
    strictRole.start();
    try {
      CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
          () -> strict.add(web.url("/democart/manifest.yml")));
      assertTrue(e.getMessage().contains("--allow-http-cartridges"), e.getMessage());
    } finally {
      strictRole.stop();
    }
  }

  @Test
  void removeTakesAnAddedNameOutAndKeepsItsBlob() throws IOException {
    CartridgeInfo info = cartridges.add(serve("democart", "Source-Sha256: SHA\n", SCRIPTS));

    assertThrows(ConflictException.class, () -> cartridges.remove("python"));
    assertThrows(NotFoundException.class, () -> cartridges.remove("nothing"));
    assertEquals(List.of(info), cartridges.remove("democart"));

    assertTrue(cartridges.find("democart").isEmpty());
    assertEquals(List.of(), state.list("cartridges/"));
    assertTrue(blobs.stat(info.sha256()).isPresent());
  }

  @Test
  void aServerThatClosesEachConnectionUnannouncedServesBothFiles() throws Exception {
    // As python3 -m http.server does: HTTP/1.0, no "Connection: close", then the socket closes.
    serve("democart", "Source-Sha256: SHA\n", SCRIPTS);
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 8,
        java.net.InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> answerHttp10(socket), "http10");
      server.setDaemon(true);
      server.start();
      String base = "http://127.0.0.1:" + socket.getLocalPort();
      web.put("/closing.yml", "text/yaml", utf8(CartridgeFixture.manifest("democart",
          base + "/democart.tgz", "Source-Sha256: "
              + CartridgeFixture.sha256(web.pages.get("/democart.tgz").body()) + "\n")));

      assertEquals("democart", cartridges.add(base + "/closing.yml").name());
    }
  }

  private void answerHttp10(java.net.ServerSocket socket) {
    while (!socket.isClosed()) {
      try (java.net.Socket s = socket.accept()) {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
            s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
        String path = in.readLine().split(" ")[1];
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          continue;
        }
        CartridgeFixture.Page page = web.pages.get(path);
        java.io.OutputStream out = s.getOutputStream();
        out.write(utf8("HTTP/1.0 200 OK\r\nContent-Type: " + page.contentType()
            + "\r\nContent-Length: " + page.body().length + "\r\n\r\n"));
        out.write(page.body());
        out.flush();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Test
  void aZipSourceWorksToo() throws IOException {
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
      out.putNextEntry(new java.util.zip.ZipEntry("zipcart-main/metadata/manifest.yml"));
      out.write(utf8(CartridgeFixture.manifest("zipcart", "SOURCE", "")));
      out.putNextEntry(new java.util.zip.ZipEntry("zipcart-main/bin/control"));
      out.write(utf8("#!/bin/sh\n"));
    }
    web.put("/zipcart.zip", "application/zip", zip.toByteArray());
    web.put("/zipcart.yml", "text/yaml", utf8(CartridgeFixture.manifest("zipcart",
        web.url("/zipcart.zip"), "Source-Sha256: "
            + CartridgeFixture.sha256(zip.toByteArray()) + "\n")));

    assertEquals("zipcart", cartridges.add(web.url("/zipcart.yml")).name());
  }

  @Test
  void gitAndFileSourcesWhereTheOperatorAllowsFiles() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("gitcart.git"));
    Files.createDirectories(repo.resolve("metadata"));
    Files.createDirectories(repo.resolve("bin"));
    Files.writeString(repo.resolve("metadata/manifest.yml"),
        CartridgeFixture.manifest("gitcart", "SOURCE", ""));
    Files.writeString(repo.resolve("bin/control"), "#!/bin/sh\n");
    commitAll(repo);
    Path manifest = tmp.resolve("gitcart.yml");
    Files.writeString(manifest, CartridgeFixture.manifest("gitcart", repo.toUri() + "#main", ""));
    OpenShiftCartridges local = OpenShiftCartridges.builder().workDir(tmp.resolve("local"))
        .allowFile(true).build();
    Role localRole = local.role().create(context());
    localRole.start();
    try {
      CartridgeInfo info = local.add(manifest.toUri().toString());
      assertEquals("gitcart", info.name());
      try (InputStream in = blobs.open(info.sha256()).orElseThrow()) {
        CartridgeRepository repository = CartridgeRepository.open(tmp.resolve("check"));
        CartridgeRepository.Installed installed = repository.install(in);
        assertFalse(Files.exists(installed.dir().resolve(".git")), "the clone's .git is dropped");
      }
    } finally {
      localRole.stop();
    }
    assertRefused(manifest.toUri().toString(), "file: URLs are not allowed");
  }

  @Test
  void aGitSourceWithALinkOutOfItsFilesIsRefusedAndNothingLeaks() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("evilcart.git"));
    Files.createDirectories(repo.resolve("metadata"));
    Files.createDirectories(repo.resolve("bin"));
    Files.writeString(repo.resolve("bin/control"), "#!/bin/sh\n");
    Path outside = Files.writeString(tmp.resolve("outside-secret"), "s3cr3t-outside-42\n");
    Files.createSymbolicLink(repo.resolve("metadata/manifest.yml"), outside);
    commitAll(repo);
    Path manifest = tmp.resolve("evilcart.yml");
    Files.writeString(manifest, CartridgeFixture.manifest("evilcart", repo.toUri() + "#main", ""));
    OpenShiftCartridges local = OpenShiftCartridges.builder().workDir(tmp.resolve("local"))
        .allowFile(true).build();
    Role localRole = local.role().create(context());
    localRole.start();
    try {
      CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
          () -> local.add(manifest.toUri().toString()));
      assertTrue(e.getMessage().contains("'metadata/manifest.yml' is a symbolic link to '"
          + outside + "', outside the cartridge's files"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cr3t"),
          "the linked file's content must not be shown: " + e.getMessage());
      assertEquals(List.of(), state.list("cartridges/"));
      assertEquals(List.of(), blobs.puts);
      assertEquals("s3cr3t-outside-42\n", Files.readString(outside),
          "nothing written through the link");
    } finally {
      localRole.stop();
    }
  }

  @Test
  void credentialsInACartridgeUrlAreNeverShown() {
    assertEquals("https://******@example.com/c/manifest.yml?******",
        CartridgeRefusedException.shown("https://bob:hunter2@example.com/c/manifest.yml?token=t0k"));
    assertEquals("https://example.com/c.git#v1",
        CartridgeRefusedException.shown("https://example.com/c.git#v1"));
    assertEquals("https://******@exa mple.com/x?******",
        CartridgeRefusedException.shown("https://bob:hun@ter2@exa mple.com/x?token=a b"));
    assertEquals("not a url", CartridgeRefusedException.shown("not a url"));
    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add("ftp://bob:hunter2@example.com/manifest.yml"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.url().contains("hunter2"), e.url());
    CartridgeRefusedException notUrl = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add("https://bob:hunter2@example.com/a manifest.yml"));
    assertFalse(notUrl.getMessage().contains("hunter2"), notUrl.getMessage());
    assertTrue(notUrl.getMessage().contains("not a URL: Illegal character in path at index"),
        notUrl.getMessage());
    assertTrue(notUrl.getCause() == null, "the cause would quote the URL");
  }

  @Test
  void credentialsInTheUrlOfAnInvalidManifestAreNeverShown() throws IOException {
    web.put("/invalid.yml", "text/yaml", utf8("Name: x\nCartridge-Short-Name: X\n"
        + "Cartridge-Version: 1\nCartridge-Vendor: a\n"));
    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> cartridges.add(web.url("/invalid.yml") + "?token=t0k-s3cr3t"));
    assertEquals("Version", e.field());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertTrue(e.getMessage().startsWith(web.url("/invalid.yml") + "?******"), e.getMessage());
    assertNothingStored();
  }

  /** Makes {@code repo} a git repository whose branch main holds every file in it. */
  private static void commitAll(Path repo) throws Exception {
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "c");
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "git " + command);
    assertEquals(0, p.exitValue(), out);
  }

  private void assertRefused(String url, String problem) {
    CartridgeRefusedException e = assertThrows(CartridgeRefusedException.class,
        () -> cartridges.add(url));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  private void assertNothingStored() throws IOException {
    assertEquals(List.of(), state.list("cartridges/"));
    assertEquals(List.of(), blobs.puts);
    assertEquals(List.of(), leftovers());
    assertEquals(5, cartridges.cartridges().size());
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("catalog/work"))) {
      List<Path> out = new ArrayList<>(s.toList());
      try (Stream<Path> c = Files.list(tmp.resolve("catalog/source-cache"))) {
        c.filter(p -> p.getFileName().toString().startsWith(".")).forEach(out::add);
      }
      return out;
    }
  }

  private CloudContext context() {
    return new CloudContext() {
      public String cloudName() {
        return "test";
      }

      public String domain() {
        return "localhost";
      }

      public MessageBus bus() {
        throw new UnsupportedOperationException();
      }

      public StateStore stateStore() {
        return state;
      }

      public BlobStore blobStore() {
        return blobs;
      }

      public Clock clock() {
        return clock;
      }

      public Executor executor() {
        return Runnable::run;
      }
    };
  }

  /** An in-memory blob store that remembers what was put. */
  private static final class RecordingBlobs implements BlobStore {
    final InMemoryBlobStore inner = new InMemoryBlobStore();
    final List<String> puts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public BlobInfo put(InputStream content) throws IOException {
      BlobInfo info = inner.put(content);
      puts.add(info.sha256());
      return info;
    }

    @Override
    public Optional<InputStream> open(String sha256) {
      return inner.open(sha256);
    }

    @Override
    public Optional<BlobInfo> stat(String sha256) {
      return inner.stat(sha256);
    }

    @Override
    public boolean delete(String sha256) {
      return inner.delete(sha256);
    }
  }
}
