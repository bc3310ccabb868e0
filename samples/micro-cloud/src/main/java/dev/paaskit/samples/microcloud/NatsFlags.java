package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Secret;
import dev.paaskit.nats.NatsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code --nats*} options of {@code paaskit serve}, made into {@link NatsSettings}. Secrets
 * are read from files, never taken from the command line, where {@code ps} would show them.
 */
final class NatsFlags {
  static final String USAGE = "[--nats URL[,URL...] [--nats-user USER --nats-password-file F |\n"
      + "              --nats-token-file F | --nats-nkey-file F | --nats-creds F]\n"
      + "              [--nats-tls | --nats-tls-ca PEM]]";
  static final Map<String, String> OPTIONS = Map.of("--nats", "", "--nats-user", "",
      "--nats-password-file", "", "--nats-token-file", "", "--nats-nkey-file", "",
      "--nats-creds", "", "--nats-tls-ca", "");
  static final Set<String> SWITCHES = Set.of("--nats-tls");

  private NatsFlags() {}

  /**
   * The settings the options ask for, named {@code connectionName} on the server; empty without
   * {@code --nats}.
   *
   * @throws Args.UsageException if an option is malformed, a secret file is unreadable or empty,
   *     or the options contradict each other (two kinds of credentials, a user without password)
   */
  static Optional<NatsSettings> settings(Args args, String connectionName)
      throws Args.UsageException {
    Optional<String> urls = args.get("--nats");
    if (urls.isEmpty()) {
      for (String option : OPTIONS.keySet()) {
        if (args.get(option).isPresent()) {
          throw new Args.UsageException(option + " needs --nats");
        }
      }
      if (args.has("--nats-tls")) {
        throw new Args.UsageException("--nats-tls needs --nats");
      }
      return Optional.empty();
    }
    List<String> servers = Arrays.stream(urls.get().split(",")).map(String::trim).toList();
    try {
      NatsSettings.Builder b = NatsSettings.builder(servers.toArray(String[]::new))
          .connectionName(connectionName);
      Optional<String> user = args.get("--nats-user");
      Optional<String> passwordFile = args.get("--nats-password-file");
      if (user.isPresent() != passwordFile.isPresent()) {
        throw new Args.UsageException("--nats-user and --nats-password-file go together");
      }
      long kinds = Stream.of("--nats-user", "--nats-token-file", "--nats-nkey-file", "--nats-creds")
          .filter(option -> args.get(option).isPresent()).count();
      if (kinds > 1) {
        throw new Args.UsageException("give one kind of NATS credential: --nats-user with"
            + " --nats-password-file, --nats-token-file, --nats-nkey-file or --nats-creds");
      }
      if (user.isPresent()) {
        b.userPassword(user.get(), secret(passwordFile.get(), "--nats-password-file"));
      }
      if (args.get("--nats-token-file").isPresent()) {
        b.token(secret(args.get("--nats-token-file").orElseThrow(), "--nats-token-file"));
      }
      if (args.get("--nats-nkey-file").isPresent()) {
        b.nkeySeed(secret(args.get("--nats-nkey-file").orElseThrow(), "--nats-nkey-file"));
      }
      if (args.get("--nats-creds").isPresent()) {
        Path creds = Path.of(args.get("--nats-creds").orElseThrow()).toAbsolutePath();
        if (!Files.isReadable(creds)) {
          throw new Args.UsageException("--nats-creds: cannot read " + creds);
        }
        b.credsFile(creds);
      }
      if (args.has("--nats-tls") && args.get("--nats-tls-ca").isPresent()) {
        throw new Args.UsageException("--nats-tls trusts the JVM's CAs, --nats-tls-ca only the one"
            + " given: choose one");
      }
      if (args.has("--nats-tls")) {
        b.tls(SSLContext.getDefault());
      }
      if (args.get("--nats-tls-ca").isPresent()) {
        b.tls(trusting(Path.of(args.get("--nats-tls-ca").orElseThrow())));
      }
      return Optional.of(b.build());
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new Args.UsageException("--nats: " + e.getMessage());
    }
  }

  /** A secret from the first line of {@code file}, for {@code option}. */
  private static Secret secret(String file, String option) throws Args.UsageException {
    try {
      String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new Args.UsageException(option + ": " + file + " is empty");
      }
      return Secret.of(value.lines().findFirst().orElseThrow());
    } catch (IOException e) {
      throw new Args.UsageException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /** TLS that trusts only the certificates in the PEM file {@code caFile}. */
  private static SSLContext trusting(Path caFile) throws Args.UsageException,
      GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(caFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new Args.UsageException("--nats-tls-ca: cannot read " + caFile + ": " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new Args.UsageException("--nats-tls-ca: no certificate in " + caFile);
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot make an empty key store", e);
    }
    int i = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
