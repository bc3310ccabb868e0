package dev.paaskit.samples.microcloud;

import dev.paaskit.api.App;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.Secret;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.manifest.Manifest;
import dev.paaskit.manifest.ManifestApp;
import dev.paaskit.manifest.ManifestParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code paaskit push}: reads the manifest (a Cloud Foundry manifest.yml, or a stackato.yml),
 * applies the command line's flags over it, uploads, streams staging output, and waits until
 * every instance runs or one crashes.
 */
final class Push {
  private final PrintStream out;
  private final PrintStream err;
  private final ApiClient client;
  private final ManifestParser parser = ManifestParser.create();

  Push(PrintStream out, PrintStream err, ApiClient client) {
    this.out = out;
    this.err = err;
    this.client = client;
  }

  int run(Args args) throws Exception {
    Path path = Path.of(args.positional(0).orElse(".")).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new Args.UsageException("nothing to push at " + path);
    }
    Path dir = Files.isDirectory(path) ? path : null;
    Map<String, Object> vars = args.get("--vars-file").isPresent()
        ? parser.readVarsFile(Path.of(args.get("--vars-file").get())) : Map.of();
    Manifest manifest = readManifest(args, dir, vars);
    List<ManifestApp> apps = new ArrayList<>();
    Path base = dir;
    if (manifest != null) {
      manifest.warnings().forEach(w -> err.println("warning: " + w));
      base = args.get("--manifest").map(f -> Path.of(f).toAbsolutePath().getParent()).orElse(dir);
      apps.addAll(manifest.apps());
      if (args.get("--name").isPresent() && apps.size() > 1) {
        String name = args.get("--name").get();
        apps.removeIf(a -> !a.name().map(name::equals).orElse(false));
        if (apps.isEmpty()) {
          throw new Args.UsageException("the manifest has no app named '" + name + "'");
        }
      }
    }
    if (apps.isEmpty()) {
      apps.add(null);
    }
    for (ManifestApp app : apps) {
      int code = pushOne(args, path, base, app);
      if (code != 0) {
        return code;
      }
    }
    return 0;
  }

  private Manifest readManifest(Args args, Path dir, Map<String, Object> vars) throws IOException {
    if (args.get("--manifest").isPresent()) {
      Path file = Path.of(args.get("--manifest").get());
      if (!Files.isRegularFile(file)) {
        throw new InvalidSpecException("manifest", file.toString(), "no such file");
      }
      return file.getFileName().toString().equals("stackato.yml") ? parser.parseStackato(file)
          : parser.parseCloudFoundry(file, vars);
    }
    if (dir == null) {
      return null;
    }
    if (Files.isRegularFile(dir.resolve("manifest.yml"))) {
      return parser.parseCloudFoundry(dir.resolve("manifest.yml"), vars);
    }
    if (Files.isRegularFile(dir.resolve("stackato.yml"))) {
      return parser.parseStackato(dir.resolve("stackato.yml"));
    }
    return null;
  }

  private int pushOne(Args args, Path path, Path base, ManifestApp app) throws Exception {
    String name = args.get("--name").or(() -> app == null ? Optional.empty() : app.name())
        .orElseGet(() -> defaultName(path));
    AppSpec.Builder spec = (app == null ? AppSpec.builder(name) : app.toSpecBuilder()).name(name);
    Optional<String> instances = args.get("--instances");
    if (instances.isPresent()) {
      spec.instances(args.intOption("--instances", 1));
    }
    args.get("--memory").ifPresent(spec::memory);
    args.get("--disk").ifPresent(spec::disk);
    args.get("--cartridge").ifPresent(spec::cartridge);
    for (String kv : args.all("--env")) {
      String[] p = keyValue(kv, "--env");
      spec.env(p[0], p[1]);
    }
    for (String kv : args.all("--secret-env")) {
      String[] p = keyValue(kv, "--secret-env");
      spec.secretEnv(p[0], Secret.of(p[1]));
    }
    if (app != null && app.randomRoute() && app.routes().isEmpty() && !app.noRoute()) {
      spec.route(name + "-" + randomWord() + "." + client.domain());
    }
    if (app != null && !app.services().isEmpty()) {
      err.println("warning: services " + app.services() + " are not bound: this cloud has no "
          + "service brokers yet");
    }
    AppSpec built = spec.build();

    Path bits = app != null && app.path().isPresent() && base != null
        ? base.resolve(app.path().get()).normalize() : path;
    List<String> ignores = app == null ? List.of() : app.ignores();
    Path work = Files.createTempDirectory("paaskit-push-");
    try {
      Path upload = bits;
      if (Files.isDirectory(bits) && !ignores.isEmpty()) {
        upload = work.resolve("bits.tgz");
        try (OutputStream o = Files.newOutputStream(upload)) {
          TarGzWriter.create().excluding(ignoring(ignores)).write(bits, o);
        }
      }
      out.println("Pushing " + built.name() + " from " + bits);
      out.println("Uploading " + (Files.isDirectory(upload) ? "the folder" : Files.size(upload)
          + " bytes") + (ignores.isEmpty() ? "" : " without " + ignores) + ", then staging:");
      Controller c = client.controller();
      try (InstanceWait wait = new InstanceWait(c, built.name(), out)) {
        Deployment push = c.push(built, upload, line -> out.println("   " + line));
        App pushed = push.staged().get();
        if (args.has("--no-wait")) {
          out.println("pushed " + pushed.name() + "; not waiting for its instances");
          return 0;
        }
        out.println("Starting " + built.instances() + " instance(s) of " + built.name());
        String failure = wait.await(push, Cli.START_TIMEOUT);
        if (failure != null) {
          err.println(failure);
          return 1;
        }
        out.println(built.name() + ": " + built.instances() + " of " + built.instances()
            + " instances running");
        int routerPort = client.routerPort();
        for (String url : pushed.urls()) {
          out.println("url: http://" + url + ":" + routerPort);
        }
        return 0;
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    } finally {
      Trees.deleteQuietly(work);
    }
  }

  /** Stackato {@code ignores}: glob patterns against paths relative to the app's folder. */
  private static Predicate<String> ignoring(List<String> patterns) {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String p : patterns) {
      String glob = p.startsWith("/") ? p.substring(1) : p;
      glob = glob.endsWith("/") ? glob.substring(0, glob.length() - 1) : glob;
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:**/" + glob));
    }
    return rel -> {
      String clean = rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
      Path p = Path.of(clean);
      return matchers.stream().anyMatch(m -> m.matches(p));
    };
  }

  /** Eight letters for a random route, as Cloud Foundry's random-route gives. */
  private static String randomWord() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  private static String[] keyValue(String kv, String option) throws Args.UsageException {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new Args.UsageException(option + " takes KEY=VALUE, not '" + kv + "'");
    }
    return new String[] {kv.substring(0, eq), kv.substring(eq + 1)};
  }

  /** The folder's name, when it can name an app; a push of anything else needs --name. */
  private static String defaultName(Path path) {
    String n = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    n = n.replaceAll("\\.(zip|tar|tgz|tar\\.gz)$", "").replaceAll("[^a-z0-9-]", "-")
        .replaceAll("^-+|-+$", "");
    if (n.isEmpty()) {
      throw new InvalidSpecException("name", path.toString(), "cannot name an app after this path; give --name");
    }
    return n.length() > 63 ? n.substring(0, 63).replaceAll("-+$", "") : n;
  }
}
