package dev.switchyard.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * CPU over a run's measured window: the generator's own process and, where the kernel's {@code /proc/stat} can
 * be read, the whole machine. Node, database and generator often share one machine; a machine with nearly all its
 * cores busy means the latencies include waiting for a CPU, and the generator's share is CPU the switch did not
 * get. {@code machineBusyCores} and {@code machineCores} are null where the machine could not be measured.
 */
public record CpuUse(double generatorCores, Double machineBusyCores, Integer machineCores) {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** One reading; the machine's ticks are null where {@code /proc/stat} is missing or unreadable. */
  public record Reading(long wallNanos, long processCpuNanos, MachineTicks machine) {

    /** Reads the monotonic clock, this process's CPU time and the machine's counters now. */
    public static Reading now() {
      long cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
      MachineTicks machine;
      try {
        machine = MachineTicks.parse(Files.readAllLines(PROC_STAT));
      } catch (IOException | RuntimeException e) {
        machine = null;
      }
      return new Reading(System.nanoTime(), cpu, machine);
    }
  }

  /** The machine's busy and total clock ticks since boot, summed over its CPUs, and how many CPUs it has. */
  public record MachineTicks(long busy, long total, int cpus) {

    /**
     * From the lines of {@code /proc/stat}: the first ({@code cpu user nice system idle iowait irq softirq steal
     * ...}) gives the sums, where idle and iowait are not busy (guest time is already inside user); one
     * {@code cpuN} line per CPU gives the count.
     */
    static MachineTicks parse(List<String> lines) {
      String[] f = lines.get(0).trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 9) {
        throw new IllegalArgumentException("not a /proc/stat cpu line: " + lines.get(0));
      }
      long total = 0;
      for (int i = 1; i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      int cpus = (int) lines.stream().filter(l -> l.length() > 3 && l.startsWith("cpu")
          && Character.isDigit(l.charAt(3))).count();
      return new MachineTicks(total - idle, total, cpus);
    }
  }

  /** What happened between two readings. */
  public static CpuUse between(Reading from, Reading to) {
    long wall = to.wallNanos() - from.wallNanos();
    double generator = wall <= 0 || from.processCpuNanos() < 0 || to.processCpuNanos() < 0 ? 0
        : (double) (to.processCpuNanos() - from.processCpuNanos()) / wall;
    if (from.machine() == null || to.machine() == null || to.machine().total() <= from.machine().total()) {
      return new CpuUse(generator, null, null);
    }
    int cpus = to.machine().cpus();
    double busyShare = (double) (to.machine().busy() - from.machine().busy())
        / (to.machine().total() - from.machine().total());
    return new CpuUse(generator, busyShare * cpus, cpus);
  }

  /** One line for the summary, such as "generator 0.23 cores, machine 1.78 of 2 cores busy". */
  public String describe() {
    String generator = String.format(Locale.ROOT, "generator %.2f cores", generatorCores);
    return machineBusyCores == null ? generator + ", machine not measured (no /proc/stat)"
        : String.format(Locale.ROOT, "%s, machine %.2f of %d cores busy", generator, machineBusyCores,
            machineCores);
  }
}
