package org.inflow.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Event → child exec latency with no settle window: a writer closes RATE written files a second
 * (4,096 names in turn, so every write is its own key), a rule runs /bin/true for each, and
 * HdrHistogram records, per run, the time until posix_spawn returned (the child has exec'd by
 * then; ChildHandle.execNanos, taken before the spawner's bookkeeping for the child):
 * <ul>
 * <li>from when the write was due by the schedule: the writer never waits for a run, so this
 * open-loop figure already holds every delay of the writer itself (coordinated omission);</li>
 * <li>from the write's start: the event as a watcher of the file sees it;</li>
 * <li>from inflow's read of the event.</li>
 * </ul>
 * No cap on runs at once unless -Dcap=N: with a cap, a refused job is offered again when a run
 * ends (the runner wakes the coalescer), so it measures the cap's wait as well. Run it in the
 * JVM the daemon runs in (bin/inflow's options; bench/compare/run does):
 *   java -XX:+UseSerialGC -Xmn2m -Xss512k -XX:TieredStopAtLevel=1 \
 *       -cp bench/target/benchmarks.jar org.inflow.bench.ExecLatency [RATE=1000] [SECONDS=10] [HGRM]
 * With HGRM, the due → exec distribution is also written there (.hgrm text, microseconds);
 * bench/compare/run plots it with {@link HgrmPlot}.
 */
public final class ExecLatency {
    private ExecLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path hgrm = args.length > 2 ? Path.of(args[2]) : null;
        int total = rate * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] due = new long[total];
        long[] written = new long[total];
        Recorder fromDue = new Recorder(3);
        Recorder fromWrite = new Recorder(3);
        Recorder fromRead = new Recorder(3);

        try (ExecRig rig = new ExecRig(Integer.getInteger("cap", 0), (i, read, spawned) -> {
            fromDue.recordValue(spawned - due[i]);
            fromWrite.recordValue(spawned - written[i]);
            fromRead.recordValue(spawned - read);
        })) {
            Thread.sleep(500); // the empty root's crawl; then warm up with a tenth of the run
            run(rig, due, written, 0, total / 10, interval);
            Thread.sleep(500);
            fromDue.getIntervalHistogram();
            fromWrite.getIntervalHistogram();
            fromRead.getIntervalHistogram();
            run(rig, due, written, total / 10, total, interval);
            Thread.sleep(1000); // the last runs
            Histogram d = fromDue.getIntervalHistogram();
            report("due   -> exec", d, rate);
            report("write -> exec", fromWrite.getIntervalHistogram(), rate);
            report("read  -> exec", fromRead.getIntervalHistogram(), rate);
            if (hgrm != null) {
                ExecRig.writeHgrm(d, hgrm);
                System.out.println("due -> exec distribution: " + hgrm);
            }
        }
    }

    private static void run(ExecRig rig, long[] due, long[] written, int from, int to, long interval)
            throws Exception {
        long next = System.nanoTime();
        for (int i = from; i < to; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            due[i] = next;
            written[i] = System.nanoTime();
            rig.write(i);
            next += interval;
        }
    }

    private static void report(String what, Histogram h, int rate) {
        System.out.printf("%s at %d events/s: n=%d p50=%.0f us p90=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us%n",
                what, rate, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
