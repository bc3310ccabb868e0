package dev.paaskit.node;

import dev.paaskit.api.LogEntry;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.LogMessage;
import dev.paaskit.core.internal.protocol.LogsRequest;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.node.internal.InstanceLog;
import dev.paaskit.node.internal.LogLine;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a node's instances: each line is kept in its instance's bounded log and published
 * on the app's log subject as it comes; the last lines answer log requests and go into crash
 * reports. Thread-safe.
 */
final class InstanceLogs {
  /** Lines of output a crash report carries. */
  static final int CRASH_OUTPUT_LINES = 20;

  private final MessageBus bus;
  private final Clock clock;
  private final int maxLines;
  private final long maxBytes;

  InstanceLogs(MessageBus bus, Clock clock, int maxLines, long maxBytes) {
    this.bus = bus;
    this.clock = clock;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  /** An empty log for a new instance, within the node's bounds. */
  InstanceLog newLog() {
    return InstanceLog.builder().maxLines(maxLines).maxBytes(maxBytes).clock(clock).build();
  }

  /** Keeps a line the instance wrote and publishes it. */
  void append(Instance inst, ContainerListener.Stream stream, String line) {
    LogLine kept = inst.output.append(stream, line, clock.now());
    Json.publish(bus, Subjects.logs(inst.command.appName()), message(inst, kept));
  }

  /** The last lines for a crash report, oldest first. */
  List<String> lastLines(Instance inst) {
    List<String> lines = new ArrayList<>();
    for (LogLine l : inst.output.tail(CRASH_OUTPUT_LINES)) {
      lines.add(l.text());
    }
    return lines;
  }

  /** The last lines of every instance of the app asked about, at most the node's bound each. */
  LogsRequest.Reply answer(LogsRequest request, Iterable<Instance> instances) {
    int lines = Math.max(0, Math.min(request.lines(), maxLines));
    List<LogMessage> out = new ArrayList<>();
    for (Instance inst : instances) {
      if (inst.command.appId().equals(request.appId())) {
        for (LogLine line : inst.output.tail(lines)) {
          out.add(message(inst, line));
        }
      }
    }
    return new LogsRequest.Reply(out);
  }

  /** The last {@code lines} lines of the instance, oldest first, as the public API shows them. */
  static List<LogEntry> entries(Instance inst, int lines) {
    List<LogEntry> out = new ArrayList<>();
    for (LogLine line : inst.output.tail(lines)) {
      out.add(new LogEntry(line.at(), inst.command.appName(), inst.command.index(),
          source(line), line.text()));
    }
    return out;
  }

  private static LogMessage message(Instance inst, LogLine line) {
    return new LogMessage(line.at().toEpochMilli(), inst.command.appName(), inst.command.index(),
        inst.id(), source(line), line.text());
  }

  private static String source(LogLine line) {
    return line.stream() == ContainerListener.Stream.STDERR ? "ERR" : "OUT";
  }
}
