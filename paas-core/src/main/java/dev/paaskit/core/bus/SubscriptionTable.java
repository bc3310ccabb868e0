package dev.paaskit.core.bus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The live subscriptions of one bus and the routing decision for a subject: every plain
 * subscription that matches, plus one member of each matching queue group, chosen round-robin.
 *
 * <p>Thread-safe: routing takes a shared lock, (un)subscribing an exclusive one. Queue groups are
 * identified by name alone, across subjects, as in NATS: members of group {@code g} on
 * {@code jobs.*} and on {@code jobs.>} share the messages both match.
 */
final class SubscriptionTable {
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final SubjectTrie<SerialSubscription> trie = new SubjectTrie<>();
  private final Map<String, QueueGroup> groups = new HashMap<>();
  private boolean closed;

  /** @throws IllegalStateException if {@link #closeAll()} ran */
  void add(SerialSubscription subscription) {
    lock.writeLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("bus is closed: cannot subscribe to " + subscription.subject());
      }
      trie.add(subscription.tokens(), subscription);
      subscription.queueGroup().ifPresent(
          name -> groups.computeIfAbsent(name, n -> new QueueGroup()).members++);
    } finally {
      lock.writeLock().unlock();
    }
  }

  void remove(SerialSubscription subscription) {
    lock.writeLock().lock();
    try {
      if (trie.remove(subscription.tokens(), subscription)) {
        subscription.queueGroup().ifPresent(name -> {
          QueueGroup group = groups.get(name);
          if (--group.members == 0) {
            groups.remove(name);
          }
        });
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The subscriptions a message on the concrete subject {@code tokens} goes to. */
  List<SerialSubscription> route(String[] tokens) {
    List<SerialSubscription> targets = new ArrayList<>();
    Map<String, List<SerialSubscription>> members = null;
    lock.readLock().lock();
    try {
      List<SerialSubscription> matched = new ArrayList<>();
      trie.match(tokens, matched::add);
      for (SerialSubscription subscription : matched) {
        if (subscription.queueGroup().isEmpty()) {
          targets.add(subscription);
        } else {
          if (members == null) {
            members = new LinkedHashMap<>();
          }
          members.computeIfAbsent(subscription.queueGroup().get(), g -> new ArrayList<>())
              .add(subscription);
        }
      }
      if (members != null) {
        for (Map.Entry<String, List<SerialSubscription>> entry : members.entrySet()) {
          List<SerialSubscription> group = entry.getValue();
          int turn = groups.get(entry.getKey()).next.getAndIncrement();
          targets.add(group.get(Math.floorMod(turn, group.size())));
        }
      }
      return targets;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Refuses new subscriptions from now on and returns those still live, for closing. */
  List<SerialSubscription> closeAll() {
    lock.writeLock().lock();
    try {
      closed = true;
      return trie.values();
    } finally {
      lock.writeLock().unlock();
    }
  }

  int size() {
    lock.readLock().lock();
    try {
      return trie.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private static final class QueueGroup {
    /** Guarded by the write lock. */
    int members;
    /** Advanced under the shared lock by concurrent routers, hence atomic. */
    final AtomicInteger next = new AtomicInteger();
  }
}
