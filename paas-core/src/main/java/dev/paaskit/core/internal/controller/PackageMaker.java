package dev.paaskit.core.internal.controller;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns uploaded bits (a folder or an archive) into a package blob: checked whole, normalised to
 * a reproducible archive, stored only once fully accepted.
 */
public interface PackageMaker {
  /** @throws dev.paaskit.api.InvalidArchiveException naming the entry that was refused */
  BlobInfo store(Path bits, BlobStore blobs) throws IOException;
}
