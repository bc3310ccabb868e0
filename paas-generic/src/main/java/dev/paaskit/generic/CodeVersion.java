package dev.paaskit.generic;

import dev.paaskit.api.spi.BlobInfo;
import java.util.Objects;

/**
 * An uploaded code version: the five scripts and whatever else the archive held, stored as a
 * tar.gz blob.
 *
 * @param version {@code v1}, {@code v2}... in upload order
 * @param sha256 the blob holding the unpacked code, repacked
 * @param uploadedAt ISO-8601
 */
public record CodeVersion(String version, String sha256, long sizeBytes, String uploadedAt) {
  public CodeVersion {
    Objects.requireNonNull(version, "version");
    BlobInfo.checkSha256(sha256);
    Objects.requireNonNull(uploadedAt, "uploadedAt");
  }
}
