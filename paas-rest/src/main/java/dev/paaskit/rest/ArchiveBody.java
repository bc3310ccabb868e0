package dev.paaskit.rest;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.internal.archive.TarGzWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * The body that uploads an app's bits: an archive file as it is, or a folder packed as a tar.gz
 * by {@link TarGzWriter} while it is sent, never whole in memory. A folder the writer refuses
 * (a symlink leading outside, a special file) fails the call before a byte is sent; the
 * refusal is kept, so the caller can throw it instead of the I/O error OkHttp reports.
 */
final class ArchiveBody extends RequestBody {
  private static final MediaType GZIP = MediaType.get("application/gzip");
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  /** What the controller leaves out of a folder anyway, so it is not sent either. */
  private static final Set<String> IGNORED_TOP = Set.of(".git/", ".hg/", ".svn/");
  private static final TarGzWriter WRITER = TarGzWriter.create().excluding(path ->
      IGNORED_TOP.contains(path) || path.equals(".DS_Store") || path.endsWith("/.DS_Store"));

  private final Path folder;
  private volatile InvalidArchiveException refused;

  private ArchiveBody(Path folder) {
    this.folder = folder;
  }

  /**
   * The body for {@code bits}, a folder or an archive file.
   *
   * @throws InvalidArchiveException when there is nothing to upload at {@code bits}
   */
  static RequestBody of(Path bits) {
    if (Files.isDirectory(bits)) {
      return new ArchiveBody(bits);
    }
    if (Files.isRegularFile(bits)) {
      return RequestBody.create(bits.toFile(), OCTETS);
    }
    throw new InvalidArchiveException(null, "nothing to upload at " + bits);
  }

  /** Rethrows the writer's refusal of the folder, if it refused it; {@code body} may be any. */
  static void throwIfRefused(RequestBody body) {
    if (body instanceof ArchiveBody a && a.refused != null) {
      throw a.refused;
    }
  }

  @Override
  public MediaType contentType() {
    return GZIP;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    try {
      WRITER.write(folder, sink.outputStream());
    } catch (InvalidArchiveException e) {
      refused = e;
      throw new IOException("the folder cannot be packed: " + e.getMessage(), e);
    }
  }
}
