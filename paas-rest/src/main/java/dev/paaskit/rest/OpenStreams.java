package dev.paaskit.rest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The log streams a server has open, so that stopping the server ends them. Thread-safe. */
final class OpenStreams {
  private final Set<FollowStream<?>> open = new LinkedHashSet<>();
  private boolean closed;

  /** Adds {@code stream}, or closes it at once when the server is stopping. */
  void add(FollowStream<?> stream) {
    synchronized (this) {
      if (!closed) {
        open.add(stream);
        return;
      }
    }
    stream.close();
  }

  synchronized void remove(FollowStream<?> stream) {
    open.remove(stream);
  }

  synchronized int size() {
    return open.size();
  }

  /** Closes every stream open now and every one added later. */
  void closeAll() {
    List<FollowStream<?>> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(open);
      open.clear();
    }
    all.forEach(FollowStream::close);
  }
}
