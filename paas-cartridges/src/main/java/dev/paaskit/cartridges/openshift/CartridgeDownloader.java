package dev.paaskit.cartridges.openshift;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Fetches a downloadable cartridge as Red Hat's method describes it: the manifest from its URL,
 * then the files its {@code Source-Url} names, verified against {@code Source-Md5} or
 * {@code Source-Sha256}, unpacked with the archive safety rules and checked for
 * {@code metadata/manifest.yml} and {@code bin/control}.
 *
 * <p>Manifests: at most {@link #MAX_MANIFEST_BYTES}, {@link #MANIFEST_TIMEOUT} in all, at most
 * {@link #MAX_REDIRECTS} redirects, each hop's scheme checked. Sources: zip, tar, tar.gz or tgz
 * over http(s) (told apart by their bytes), a git repository through the {@code git} on the
 * PATH (a URL ending in {@code .git}, or {@code git://}; {@code #REF} picks a branch or tag),
 * and {@code file:} only when the operator allows it. Plain {@code http:} and {@code git:} only
 * when the operator allows plain HTTP. Source archives are cached by their checksum, so adding
 * a cartridge again, or another version with the same files, downloads nothing.
 *
 * <p>Thread-safe; what it downloads lives in folders the caller owns and deletes.
 */
final class CartridgeDownloader implements AutoCloseable {
  static final int MAX_MANIFEST_BYTES = 20 * 1024;
  static final Duration MANIFEST_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SOURCE_TIMEOUT = Duration.ofMinutes(2);
  static final int MAX_REDIRECTS = 2;

  private final boolean allowHttp;
  private final boolean allowFile;
  private final ArchiveLimits limits;
  private final ArchiveExtractor extractor;
  private final Path cacheDir;
  private final OkHttpClient manifests;
  private final OkHttpClient sources;

  /** What was fetched: the manifest and the cartridge folder, in the caller's work folder. */
  record Fetched(CartridgeManifest manifest, String manifestText, Path dir) {}

  CartridgeDownloader(boolean allowHttp, boolean allowFile, ArchiveLimits limits, Path cacheDir)
      throws IOException {
    this.allowHttp = allowHttp;
    this.allowFile = allowFile;
    this.limits = limits;
    this.extractor = ArchiveExtractor.create(limits);
    this.cacheDir = Files.createDirectories(cacheDir);
    OkHttpClient base = new OkHttpClient.Builder()
        .followRedirects(false)
        .followSslRedirects(false)
        .connectTimeout(MANIFEST_TIMEOUT)
        .readTimeout(MANIFEST_TIMEOUT)
        .build();
    this.manifests = base.newBuilder().callTimeout(MANIFEST_TIMEOUT).build();
    this.sources = base.newBuilder().callTimeout(SOURCE_TIMEOUT).build();
  }

  /** Downloads and checks the cartridge whose manifest is at {@code url}, into {@code work}. */
  Fetched fetch(String url, Path work) throws IOException {
    String text = manifestText(url);
    // The manifest's source shows in refusals: credentials in the URL must not.
    CartridgeManifest manifest = CartridgeManifest.parse(text, CartridgeRefusedException.shown(url));
    if (manifest.sourceUrl().isEmpty()) {
      throw new CartridgeRefusedException(url, "the manifest has no Source-Url: a downloadable "
          + "cartridge names where its files are (a zip, tar, tar.gz or tgz, or a git URL)");
    }
    Path dir = source(manifest, work);
    CartridgeManifest inside;
    try {
      inside = CartridgeRepository.check(dir);
    } catch (InvalidCartridgeManifestException e) {
      throw new CartridgeRefusedException(manifest.sourceUrl(), "not a cartridge: "
          + e.getMessage().replace(dir.toString() + ": ", ""), e);
    }
    if (!inside.name().equals(manifest.name())
        || !inside.cartridgeVendor().equals(manifest.cartridgeVendor())) {
      throw new CartridgeRefusedException(manifest.sourceUrl(), "its metadata/manifest.yml is "
          + "for " + inside.cartridgeVendor() + "/" + inside.name() + ", the manifest at " + url
          + " for " + manifest.cartridgeVendor() + "/" + manifest.name()
          + ": point Source-Url at this cartridge's files");
    }
    // The manifest the operator pointed at is the one in force, as in OpenShift.
    Files.writeString(dir.resolve(CartridgeRepository.MANIFEST), text);
    return new Fetched(manifest, text, dir);
  }

  private String manifestText(String url) throws IOException {
    URI uri = parse(url, url);
    byte[] bytes;
    if ("file".equals(uri.getScheme())) {
      Path file = Path.of(uri.getPath());
      if (!Files.isRegularFile(file)) {
        throw new CartridgeRefusedException(url, "not found: no such file");
      }
      if (Files.size(file) > MAX_MANIFEST_BYTES) {
        throw tooLarge(url, Files.size(file));
      }
      bytes = Files.readAllBytes(file);
    } else {
      try (Response response = get(manifests, url, "manifest")) {
        ResponseBody body = response.body();
        long declared = body.contentLength();
        if (declared > MAX_MANIFEST_BYTES) {
          throw tooLarge(url, declared);
        }
        try (InputStream in = body.byteStream()) {
          bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
          throw tooLarge(url, -1);
        }
        String type = Optional.ofNullable(response.header("Content-Type")).orElse("")
            .toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html") || looksLikeHtml(bytes)) {
          throw html(url);
        }
      }
    }
    if (looksLikeHtml(bytes)) {
      throw html(url);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static CartridgeRefusedException tooLarge(String url, long size) {
    return new CartridgeRefusedException(url, "too large: a manifest is at most "
        + MAX_MANIFEST_BYTES + " bytes" + (size >= 0 ? ", this one is " + size : "")
        + "; check that the URL is the cartridge's metadata/manifest.yml");
  }

  private static CartridgeRefusedException html(String url) {
    return new CartridgeRefusedException(url, "an HTML page where a manifest was expected: use "
        + "the raw file URL (on GitHub, the 'Raw' link, https://raw.githubusercontent.com/...)");
  }

  private static boolean looksLikeHtml(byte[] bytes) {
    String head = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.UTF_8)
        .stripLeading().toLowerCase(Locale.ROOT);
    return head.startsWith("<!doctype html") || head.startsWith("<html")
        || head.startsWith("<head") || head.startsWith("<!--") && head.contains("<html");
  }

  /** Fetches the source into {@code work} and returns the cartridge folder, top folder flattened. */
  private Path source(CartridgeManifest manifest, Path work) throws IOException {
    String url = manifest.sourceUrl();
    URI uri = parse(url, url);
    String scheme = uri.getScheme();
    Path unpacked;
    if (isGit(uri)) {
      if ("git".equals(scheme) && !allowHttp) {
        throw new CartridgeRefusedException(url, "git:// is unencrypted, and this server takes "
            + "plain-text downloads only when started with --allow-http-cartridges; use an "
            + "https:// git URL");
      }
      unpacked = gitClone(uri, work);
    } else {
      Path archive = archive(manifest, uri, work);
      try {
        unpacked = extractor.extract(archive, work);
      } catch (InvalidArchiveException e) {
        throw new CartridgeRefusedException(url, "its files cannot be unpacked: "
            + e.getMessage(), e);
      }
    }
    return flatten(unpacked);
  }

  private static boolean isGit(URI uri) {
    String path = Optional.ofNullable(uri.getPath()).orElse("").replaceAll("/+$", "");
    return "git".equals(uri.getScheme()) || path.endsWith(".git");
  }

  /** The verified archive file: from the checksum cache, else downloaded and verified. */
  private Path archive(CartridgeManifest manifest, URI uri, Path work) throws IOException {
    String url = manifest.sourceUrl();
    Optional<Path> cached = cached(manifest);
    if (cached.isPresent()) {
      return cached.get();
    }
    Path file = work.resolve("source.archive");
    if ("file".equals(uri.getScheme())) {
      Path from = Path.of(uri.getPath());
      if (!Files.isRegularFile(from)) {
        throw new CartridgeRefusedException(url, "not found: no such file");
      }
      copyBounded(Files.newInputStream(from), file, url);
    } else {
      try (Response response = get(sources, url, "source")) {
        long declared = response.body().contentLength();
        if (declared > limits.maxTotalBytes()) {
          throw new CartridgeRefusedException(url, "too large: " + declared + " bytes, more "
              + "than the " + limits.maxTotalBytes() + " a cartridge may have");
        }
        copyBounded(response.body().byteStream(), file, url);
      }
    }
    verify(manifest, file);
    keep(manifest, file);
    return file;
  }

  private void copyBounded(InputStream source, Path file, String url) throws IOException {
    try (InputStream in = source; OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > limits.maxTotalBytes()) {
          throw new CartridgeRefusedException(url, "too large: more than the "
              + limits.maxTotalBytes() + " bytes a cartridge may have");
        }
        out.write(buffer, 0, n);
      }
    }
  }

  private static void verify(CartridgeManifest manifest, Path file) throws IOException {
    String url = manifest.sourceUrl();
    if (!manifest.sourceSha256().isEmpty()) {
      String actual = hash(file, Hashing.sha256().newHasher());
      if (!actual.equals(manifest.sourceSha256())) {
        throw mismatch(url, "Source-Sha256", manifest.sourceSha256(), "sha256", actual);
      }
    }
    if (!manifest.sourceMd5().isEmpty()) {
      @SuppressWarnings("deprecation") // OpenShift's manifests name MD5 sums.
      String actual = hash(file, Hashing.md5().newHasher());
      if (!actual.equals(manifest.sourceMd5())) {
        throw mismatch(url, "Source-Md5", manifest.sourceMd5(), "md5", actual);
      }
    }
  }

  private static CartridgeRefusedException mismatch(String url, String field, String expected,
      String algorithm, String actual) {
    return new CartridgeRefusedException(url, "checksum mismatch: the manifest's " + field
        + " is " + expected + ", the file downloaded has " + algorithm + " " + actual
        + "; the file changed since the manifest was written: ask its author to update "
        + field + ", or point Source-Url at the intended file");
  }

  private static String hash(Path file, Hasher hasher) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) != -1) {
        hasher.putBytes(buffer, 0, n);
      }
    }
    return hasher.hash().toString();
  }

  /** A cached archive with the manifest's checksum, verified again before use. */
  private Optional<Path> cached(CartridgeManifest manifest) throws IOException {
    Optional<Path> file = cacheFile(manifest).filter(Files::isRegularFile);
    if (file.isEmpty()) {
      return file;
    }
    try {
      verify(manifest, file.get());
      return file;
    } catch (CartridgeRefusedException e) {
      Files.deleteIfExists(file.get());
      return Optional.empty();
    }
  }

  private void keep(CartridgeManifest manifest, Path file) throws IOException {
    Optional<Path> target = cacheFile(manifest);
    if (target.isPresent()) {
      Path temp = Files.createTempFile(cacheDir, ".part-", "");
      Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, target.get(), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Optional<Path> cacheFile(CartridgeManifest manifest) {
    if (!manifest.sourceSha256().isEmpty()) {
      return Optional.of(cacheDir.resolve("sha256-" + manifest.sourceSha256()));
    }
    if (!manifest.sourceMd5().isEmpty()) {
      return Optional.of(cacheDir.resolve("md5-" + manifest.sourceMd5()));
    }
    return Optional.empty();
  }

  private Path gitClone(URI uri, Path work) throws IOException {
    String url = uri.toString();
    String ref = uri.getFragment();
    String repo = ref == null ? url : url.substring(0, url.indexOf('#'));
    Path target = work.resolve("git");
    List<String> command = new ArrayList<>(List.of("git", "clone", "--quiet", "--depth", "1"));
    if (ref != null && !ref.isEmpty()) {
      command.addAll(List.of("--branch", ref));
    }
    command.addAll(List.of("--", repo, target.toString()));
    // Output goes to a file, so that a talkative git never blocks on a full pipe and the clone's
    // time limit holds whatever it prints.
    Path output = work.resolve("git-clone.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // Only what git needs of the server's environment: none of the server's own secrets.
    java.util.Map<String, String> env = builder.environment();
    java.util.Map<String, String> server = new java.util.HashMap<>(env);
    env.clear();
    for (String keep : List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")) {
      if (server.containsKey(keep)) {
        env.put(keep, server.get(keep));
      }
    }
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "/bin/false");
    env.put("GIT_PROTOCOL_FROM_USER", "0");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    // Also what submodules and redirects may use: only what the operator allows.
    env.put("GIT_ALLOW_PROTOCOL", "https" + (allowHttp ? ":http:git" : "")
        + (allowFile ? ":file" : ""));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CartridgeRefusedException(url, "a git Source-Url needs 'git' on the PATH of the "
          + "server: " + e.getMessage(), e);
    }
    try {
      if (!process.waitFor(SOURCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new CartridgeRefusedException(url, "git clone took more than "
            + SOURCE_TIMEOUT.toSeconds() + " s; check the repository URL, or serve the "
            + "cartridge's files as an archive");
      }
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while cloning " + url);
    }
    if (process.exitValue() != 0) {
      String said;
      try (InputStream in = Files.newInputStream(output)) {
        said = new String(in.readNBytes(8192), StandardCharsets.UTF_8).strip();
      }
      throw new CartridgeRefusedException(url, "git clone failed (exit " + process.exitValue()
          + "): " + said);
    }
    Files.deleteIfExists(output);
    Trees.delete(target.resolve(".git"));
    refuseLinksOutside(url, target);
    return target;
  }

  /**
   * Refuses a cloned tree holding a symbolic link that leads outside it (or nowhere): archives
   * are unpacked under that rule, and a clone must not get round it.
   */
  private static void refuseLinksOutside(String url, Path root) throws IOException {
    Path real = root.toRealPath();
    List<Path> links;
    try (var walk = Files.walk(root)) {
      links = walk.filter(Files::isSymbolicLink).toList();
    }
    for (Path link : links) {
      Path to;
      try {
        to = link.toRealPath();
      } catch (IOException e) {
        to = null;
      }
      if (to == null || !to.startsWith(real)) {
        throw new CartridgeRefusedException(url, "the repository's entry '"
            + root.relativize(link) + "' is a symbolic link to '" + Files.readSymbolicLink(link)
            + "', outside the cartridge's files; cartridges may link only within themselves");
      }
    }
  }


  private static Path flatten(Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(entries::add);
    }
    if (entries.size() == 1 && Files.isDirectory(entries.get(0))
        && !Files.isSymbolicLink(entries.get(0))) {
      return entries.get(0);
    }
    return dir;
  }

  /** Answers a GET, following at most {@link #MAX_REDIRECTS} redirects, each hop's scheme checked. */
  private Response get(OkHttpClient client, String url, String what) throws IOException {
    String current = url;
    for (int hop = 0; ; hop++) {
      HttpUrl parsed = HttpUrl.parse(current);
      if (parsed == null) {
        throw new CartridgeRefusedException(current, "not an http(s) URL");
      }
      Response response;
      try {
        response = client.newCall(new Request.Builder().url(parsed)
            .header("Accept", "text/yaml, text/plain, application/octet-stream, */*")
            .build()).execute();
      } catch (InterruptedIOException e) {
        throw new CartridgeRefusedException(url, "no complete answer within "
            + (client == manifests ? MANIFEST_TIMEOUT : SOURCE_TIMEOUT).toSeconds()
            + " s from " + parsed.host() + ": try again, or check the URL", e);
      } catch (IOException e) {
        throw new CartridgeRefusedException(url, "cannot fetch the " + what + ": " + e, e);
      }
      if (response.isRedirect()) {
        String location = response.header("Location");
        response.close();
        if (hop >= MAX_REDIRECTS) {
          throw new CartridgeRefusedException(url, "more than " + MAX_REDIRECTS + " redirects: "
              + "use the final URL");
        }
        HttpUrl next = location == null ? null : parsed.resolve(location);
        if (next == null) {
          throw new CartridgeRefusedException(url, "a redirect without a usable Location");
        }
        current = next.toString();
        parse(current, url);
        continue;
      }
      if (response.code() == 404 || response.code() == 410) {
        response.close();
        throw new CartridgeRefusedException(current, "not found (HTTP " + response.code()
            + "): check the URL; for a file in a repository, use its raw URL");
      }
      if (!response.isSuccessful()) {
        response.close();
        throw new CartridgeRefusedException(current, "the server answered HTTP "
            + response.code() + " for the " + what);
      }
      return response;
    }
  }

  /** Parses {@code url} and checks that its scheme is allowed. */
  private URI parse(String url, String reported) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The parser's message and the exception quote the input, credentials included.
      throw new CartridgeRefusedException(reported, "not a URL: " + e.getReason()
          + " at index " + e.getIndex());
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "https":
        return uri;
      case "http":
        if (allowHttp) {
          return uri;
        }
        throw new CartridgeRefusedException(url, "plain http is not allowed: use an https URL, "
            + "or start the server with --allow-http-cartridges");
      case "git":
        return uri;
      case "file":
        if (allowFile) {
          return uri;
        }
        throw new CartridgeRefusedException(url, "file: URLs are not allowed on this server: "
            + "serve the cartridge over https, or start the server with "
            + "--allow-file-cartridges");
      default:
        throw new CartridgeRefusedException(url, "unsupported scheme '" + scheme + "': a "
            + "cartridge comes from an https URL (a manifest, then a zip, tar, tar.gz, tgz or "
            + "git Source-Url)");
    }
  }

  @Override
  public void close() {
    for (OkHttpClient c : List.of(manifests, sources)) {
      c.dispatcher().executorService().shutdown();
      c.connectionPool().evictAll();
    }
  }
}
