package dev.paaskit.api.spi;

import java.util.concurrent.Executor;

/**
 * The parts one cloud shares among its roles. Nothing here is global: two clouds in one JVM
 * have two contexts.
 */
public interface CloudContext {
  /** A name for this cloud, for logs and thread names. */
  String cloudName();

  /** The domain app routes live under, such as {@code localhost}. */
  String domain();

  MessageBus bus();

  StateStore stateStore();

  BlobStore blobStore();

  Clock clock();

  /** For work that may block, such as staging, downloads and process control. */
  Executor executor();
}
