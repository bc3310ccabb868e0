package dev.paaskit.core.internal.controller;

import dev.paaskit.api.AppState;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.DeploymentFailedException.Reason;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.util.Redactor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges a deployment from the desired state (the app's record) and the actual one (its
 * instances as reported): pure functions, tested as data.
 */
final class Rollouts {
  /** One {@code 1,024 short of memory} of an explanation, split at {@code ", "}. */
  private static final Pattern COUNT = Pattern.compile("(\\d{1,3}(?:,\\d{3})*|\\d+) (.+)");
  private static final String NO_NODE_FITS = "no node fits: ";

  private Rollouts() {}

  /**
   * What a look finds.
   *
   * @param failure why the generation will not run, or null
   */
  record Verdict(DeploymentStatus status, boolean complete, DeploymentFailedException failure) {
    boolean settled() {
      return complete || failure != null;
    }
  }

  /**
   * Where the target's generation stands.
   *
   * @param app the app's record now; null once deleted
   */
  static DeploymentStatus status(DeploymentTarget target, AppRecord app,
      List<InstanceReport> reports) {
    boolean followed = app != null && app.generation() == target.generation();
    int wanted = app == null ? 0 : app.desiredInstances();
    List<InstanceStatus> current = new ArrayList<>();
    List<InstanceStatus> others = new ArrayList<>();
    for (InstanceReport r : reports) {
      boolean mine = followed ? app.isCurrent(r.generation())
          : r.generation() == target.generation();
      (mine ? current : others).add(r.toStatus());
    }
    return new DeploymentStatus(target.appName(), target.generation(), wanted, current, others);
  }

  /**
   * Whether the target's generation runs, will not, or may still.
   *
   * @param app the app's record now; null once deleted
   */
  static Verdict judge(DeploymentTarget target, AppRecord app, List<InstanceReport> reports) {
    DeploymentStatus status = status(target, app, reports);
    if (app == null) {
      return failed(status, DeploymentFailedException.ended(Reason.STOPPED, status,
          "the app was deleted"));
    }
    if (app.generation() != target.generation()) {
      return failed(status, movedOn(target, app, status));
    }
    if (app.state() == AppState.STOPPED) {
      return failed(status, DeploymentFailedException.ended(Reason.STOPPED, status,
          "the app was stopped"));
    }
    for (InstanceStatus i : status.current()) {
      if (i.index() >= status.wanted()) {
        continue;
      }
      // An index the restart policy gave up on starts no more, whenever it gave up.
      boolean failed = i.state() == InstanceState.FAILED;
      boolean crashedSince = i.state() == InstanceState.CRASHED
          && !target.endedBefore().contains(i.instanceId());
      if (failed || crashedSince) {
        // The exception's message travels to logs: an app that printed its secrets must not.
        Redactor secrets = Redactor.ofValues(app.spec().secretEnv().values());
        return failed(status, DeploymentFailedException.crashed(status, redacted(i, secrets)));
      }
    }
    return new Verdict(status, status.complete(), null);
  }

  /** A placement failure of {@code index}, if that index still has no instance starting. */
  static Optional<DeploymentFailedException> notPlaced(DeploymentStatus status, int index,
      String message) {
    if (index >= status.wanted() || status.current().stream()
        .anyMatch(i -> i.index() == index && i.state().isActive())) {
      return Optional.empty();
    }
    // The health manager's wording: "cannot place instance 2: no node fits: 3 short of memory".
    String prefix = "cannot place instance " + index + ": ";
    String why = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    return Optional.of(DeploymentFailedException.notPlaced(status, index, why, rejections(why)));
  }

  /**
   * The counts of a placement's explanation, {@code no node fits: 3 short of memory, 1 in the
   * wrong zone}, by reason in their order; empty when it holds none. The health manager's event
   * carries the explanation only as text.
   */
  static Map<String, Integer> rejections(String explanation) {
    Map<String, Integer> out = new LinkedHashMap<>();
    int at = explanation.indexOf(NO_NODE_FITS);
    if (at < 0) {
      return out;
    }
    String last = null;
    for (String part : explanation.substring(at + NO_NODE_FITS.length()).split(", ")) {
      Matcher m = COUNT.matcher(part);
      if (m.matches()) {
        last = m.group(2);
        out.merge(last, Integer.parseInt(m.group(1).replace(",", "")), Integer::sum);
      } else if (last != null) {
        // A reason of a custom filter that holds ", " itself.
        int count = out.remove(last);
        last = last + ", " + part;
        out.put(last, count);
      }
    }
    return out;
  }

  private static DeploymentFailedException movedOn(DeploymentTarget target, AppRecord app,
      DeploymentStatus status) {
    // The shape AppRecord.Builder.rollBackTo leaves: one generation on, old instances current.
    boolean rolledBack = app.generation() == target.generation() + 1
        && app.equivalentGeneration() != 0 && app.previous() == null;
    if (rolledBack) {
      return DeploymentFailedException.ended(Reason.ROLLED_BACK, status,
          app.failure() != null ? app.failure() : "its rollout was cancelled");
    }
    return DeploymentFailedException.ended(Reason.SUPERSEDED, status,
        "generation " + app.generation() + " replaced it");
  }

  private static Verdict failed(DeploymentStatus status, DeploymentFailedException failure) {
    return new Verdict(status, false, failure);
  }

  /**
   * The instances as {@code known} has them, each replaced by the report in {@code heard} when
   * that is newer: a report can reach a deployment before the health manager has applied it.
   * Entries of {@code heard} that {@code known} has caught up with are removed from it.
   */
  static List<InstanceReport> merge(List<InstanceReport> known,
      Map<String, InstanceReport> heard) {
    if (heard.isEmpty()) {
      return known;
    }
    Map<String, InstanceReport> byId = new HashMap<>();
    known.forEach(r -> byId.put(r.instanceId(), r));
    List<InstanceReport> out = new ArrayList<>(known.size());
    for (InstanceReport r : known) {
      InstanceReport newer = heard.get(r.instanceId());
      out.add(newer != null && newer.seq() > r.seq() ? newer : r);
    }
    for (Iterator<InstanceReport> it = heard.values().iterator(); it.hasNext(); ) {
      InstanceReport h = it.next();
      InstanceReport k = byId.get(h.instanceId());
      if (k != null && k.seq() >= h.seq()) {
        it.remove();
      }
    }
    return out;
  }

  /** {@code instance} with its crash's reason and last lines masked by {@code secrets}. */
  static InstanceStatus redacted(InstanceStatus instance, Redactor secrets) {
    if (instance.crash().isEmpty()) {
      return instance;
    }
    CrashInfo c = instance.crash().get();
    CrashInfo masked = new CrashInfo(c.exitCode(), c.signal(), c.memoryLimitExceeded(),
        secrets.redact(c.reason()), c.lastOutput().stream().map(secrets::redact).toList(),
        c.diskLimitExceeded());
    return new InstanceStatus(instance.instanceId(), instance.appName(), instance.index(),
        instance.nodeId(), instance.dropletSha256(), instance.state(), instance.host(),
        instance.port(), instance.since(), Optional.of(masked), instance.generation(),
        instance.usage());
  }
}
