package dev.paaskit.generic;

import dev.paaskit.api.spi.BlobInfo;
import java.util.Objects;

/**
 * An uploaded code version: the five scripts and whatever else the archive held, stored as a
 * tar.gz blob.
 *
 * @param version {@code v1}, {@code v2}... in upload order
 * @param sha256 the blob holding the unpacked code, repacked
 * @param sizeBytes the size of that blob (the repacked tar.gz), in bytes
 * @param uploadedAt ISO-8601, as the cloud's clock read it at the upload
 */
public record CodeVersion(String version, String sha256, long sizeBytes, String uploadedAt) {
  /**
   * Checks the components.
   *
   * @param version not null
   * @param sha256 64 lower-case hex digits
   * @param sizeBytes as given, not checked
   * @param uploadedAt not null; not parsed here
   * @throws IllegalArgumentException when {@code sha256} is null or not 64 lower-case hex
   *     digits, naming it
   * @throws NullPointerException if {@code version} or {@code uploadedAt} is null
   */
  public CodeVersion {
    Objects.requireNonNull(version, "version");
    BlobInfo.checkSha256(sha256);
    Objects.requireNonNull(uploadedAt, "uploadedAt");
  }
}
