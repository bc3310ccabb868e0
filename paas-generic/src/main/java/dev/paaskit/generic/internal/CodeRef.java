package dev.paaskit.generic.internal;

import dev.paaskit.api.spi.BlobInfo;
import java.util.Objects;

/**
 * The code version an agent should hold.
 *
 * @param activation counts the service's activations; an agent whose code has another
 *     activation unpacks it afresh and runs init again, even for the same version
 */
public record CodeRef(String version, String sha256, long activation) {
  public CodeRef {
    Objects.requireNonNull(version, "version");
    BlobInfo.checkSha256(sha256);
  }
}
