package dev.microposts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and peak resident memory of processes, read from Linux's /proc. */
final class ProcessStats {

    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {}

    /** User plus system CPU seconds consumed so far by all {@code pids}. */
    static double cpuSeconds(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            } catch (IOException | RuntimeException gone) {
                // a process that is gone uses no CPU
            }
        }
        return total;
    }

    /** The sum of the processes' peak resident set sizes (VmHWM), in MiB. */
    static double peakRssMiB(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        total += Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // ignore
            }
        }
        return total;
    }
}
