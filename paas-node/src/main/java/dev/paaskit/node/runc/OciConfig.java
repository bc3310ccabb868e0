package dev.paaskit.node.runc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paaskit.api.spi.ContainerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * The OCI runtime configuration ({@code config.json}, runtime-spec 1.0) of one container: what
 * its process is, what it sees and what it may use.
 *
 * <p>The command runs as {@code /bin/sh -c command} under a small shell as the container's init
 * (pid 1). The kernel delivers no signal to a namespace's init that it does not handle, so an
 * app that is itself pid 1 would ignore SIGTERM; under this init it does not, and when the
 * command ends the init ends with its code, which takes down every process left in the
 * namespace.
 */
final class OciConfig {
  /** Waits for the command; its exit code is the container's. */
  static final String INIT = "/bin/sh -c \"$1\" & c=$!; "
      + "while :; do wait $c; s=$?; kill -0 $c 2>/dev/null || exit $s; done";

  /** Host folders a container sees read-only when no root file system is given. */
  static final List<String> SYSTEM_FOLDERS =
      List.of("/bin", "/sbin", "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  private static final ObjectMapper json = new ObjectMapper();

  private OciConfig() {}

  /**
   * The configuration.
   *
   * @param rootfs the root file system folder, relative to the bundle or absolute
   * @param rootfsReadOnly whether to remount it read-only
   * @param systemFolders host folders to bind read-only (empty with an operator's root fs)
   * @param cgroupsPath where runc makes the container's cgroup
   * @param pidsLimit processes and threads at most
   * @param cpuQuota CPUs the container may use at most (0 for no cap)
   * @param limitSwap whether memory plus swap is capped at the memory limit too
   */
  static byte[] write(ContainerSpec spec, String hostname, int uid, Path rootfs,
      boolean rootfsReadOnly, List<Path> systemFolders, String cgroupsPath, int pidsLimit,
      double cpuQuota, boolean limitSwap) {
    ObjectNode root = json.createObjectNode();
    root.put("ociVersion", "1.0.2");

    ObjectNode process = root.putObject("process");
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", uid);
    user.put("gid", uid);
    ArrayNode args = process.putArray("args");
    args.add("/bin/sh").add("-c").add(INIT).add("paaskit-init").add(spec.command());
    ArrayNode env = process.putArray("env");
    new TreeMap<>(spec.env()).forEach((k, v) -> env.add(k + "=" + v));
    process.put("cwd", spec.workDir().toString());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
      caps.putArray(set);
    }
    ArrayNode rlimits = process.putArray("rlimits");
    rlimit(rlimits, "RLIMIT_NOFILE", 16384);
    // No single file may grow far past the disk quota (a writer gets SIGXFSZ) before the disk
    // poll sees the folder over it.
    rlimit(rlimits, "RLIMIT_FSIZE", spec.limits().diskBytes() + 4096);
    rlimit(rlimits, "RLIMIT_CORE", 0);
    process.put("noNewPrivileges", true);

    ObjectNode rootNode = root.putObject("root");
    rootNode.put("path", rootfs.toString());
    rootNode.put("readonly", rootfsReadOnly);
    root.put("hostname", hostname);

    ArrayNode mounts = root.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs",
        List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
    mount(mounts, "/dev/shm", "tmpfs", "shm",
        List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    for (Path folder : systemFolders) {
      bind(mounts, folder, false);
    }
    // Memory-backed: what the app writes to /tmp counts against its memory limit.
    long tmpKib = Math.max(1024, Math.min(spec.limits().diskBytes(), 1L << 30) / 1024);
    mount(mounts, "/tmp", "tmpfs", "tmpfs",
        List.of("nosuid", "nodev", "mode=1777", "size=" + tmpKib + "k"));
    bind(mounts, spec.workDir(), true);
    for (ContainerSpec.Mount m : spec.mounts()) {
      bind(mounts, m.path(), m.writable());
    }

    ObjectNode linux = root.putObject("linux");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "ipc", "uts", "mount", "cgroup")) {
      namespaces.addObject().put("type", ns);
    }
    linux.put("cgroupsPath", cgroupsPath);
    ObjectNode resources = linux.putObject("resources");
    resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
    ObjectNode memory = resources.putObject("memory");
    memory.put("limit", spec.limits().memoryBytes());
    if (limitSwap) {
      memory.put("swap", spec.limits().memoryBytes());
    } else {
      // Where memory+swap cannot be capped, keep the container's pages out of swap.
      memory.put("swappiness", 0);
    }
    ObjectNode cpu = resources.putObject("cpu");
    cpu.put("shares", spec.limits().cpuShares());
    if (cpuQuota > 0) {
      long period = 100_000;
      cpu.put("period", period);
      cpu.put("quota", Math.max(1000, Math.round(cpuQuota * period)));
    }
    resources.putObject("pids").put("limit", pidsLimit);
    seccomp(linux.putObject("seccomp"));
    ArrayNode masked = linux.putArray("maskedPaths");
    for (String p : List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
      masked.add(p);
    }
    ArrayNode readonly = linux.putArray("readonlyPaths");
    for (String p : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
        "/proc/sysrq-trigger")) {
      readonly.add(p);
    }
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the OCI configuration", e);
    }
  }

  /**
   * System calls a container is refused (EPERM), beyond what its lack of capabilities refuses
   * already: new user namespaces, from which an unprivileged process gains capabilities over
   * new mount and network namespaces and reaches much more of the kernel; the kernel keyring,
   * BPF, perf, userfaultfd and io_uring, common ways into kernel bugs; and calls that change the
   * machine. clone3 answers ENOSYS, so the C library falls back to clone, whose flags can be
   * checked.
   */
  static final List<String> DENIED_SYSCALLS = List.of("unshare", "setns", "mount", "umount2",
      "pivot_root", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
      "mount_setattr", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
      "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load",
      "kexec_file_load", "init_module", "finit_module", "delete_module", "open_by_handle_at",
      "name_to_handle_at", "acct", "swapon", "swapoff", "reboot", "settimeofday",
      "clock_settime", "clock_adjtime", "adjtimex", "syslog", "quotactl", "lookup_dcookie",
      "vhangup", "iopl", "ioperm", "fanotify_init", "nfsservctl", "uselib", "ustat", "sysfs",
      "_sysctl", "create_module", "get_kernel_syms", "query_module");
  private static final long CLONE_NEWUSER = 0x10000000L;
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  private static void seccomp(ObjectNode seccomp) {
    seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
    ArrayNode arches = seccomp.putArray("architectures");
    String arch = System.getProperty("os.arch", "");
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      arches.add("SCMP_ARCH_AARCH64").add("SCMP_ARCH_ARM");
    } else {
      arches.add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
    }
    ArrayNode rules = seccomp.putArray("syscalls");
    ObjectNode denied = rules.addObject();
    ArrayNode names = denied.putArray("names");
    DENIED_SYSCALLS.forEach(names::add);
    denied.put("action", "SCMP_ACT_ERRNO").put("errnoRet", EPERM);
    ObjectNode userns = rules.addObject();
    userns.putArray("names").add("clone");
    userns.put("action", "SCMP_ACT_ERRNO").put("errnoRet", EPERM);
    userns.putArray("args").addObject().put("index", 0).put("value", CLONE_NEWUSER)
        .put("valueTwo", CLONE_NEWUSER).put("op", "SCMP_CMP_MASKED_EQ");
    ObjectNode clone3 = rules.addObject();
    clone3.putArray("names").add("clone3");
    clone3.put("action", "SCMP_ACT_ERRNO").put("errnoRet", ENOSYS);
  }

  private static void rlimit(ArrayNode rlimits, String type, long value) {
    rlimits.addObject().put("type", type).put("hard", value).put("soft", value);
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source,
      List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    ArrayNode opts = m.putArray("options");
    options.forEach(opts::add);
  }

  private static void bind(ArrayNode mounts, Path path, boolean writable) {
    mount(mounts, path.toString(), "bind", path.toString(),
        List.of("rbind", writable ? "rw" : "ro", "nosuid", "nodev"));
  }
}
