package org.inflow.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Event → child exec latency with no settle window: a writer makes RATE files a second (a new
 * name each, so every write is its own key), a rule runs /bin/true for each, and HdrHistogram
 * records, per run, the time from the file's write (and from inflow's read of its event) until
 * posix_spawn returned (the child has exec'd by then; ChildHandle.execNanos, taken before the
 * spawner's bookkeeping for the child). Paced writes, corrected for coordinated omission. No cap
 * on runs at once unless -Dcap=N: with a cap, a refused job is offered again when a run ends
 * (the runner wakes the coalescer), so it measures the cap's wait as well. Usage:
 *   java -cp bench/target/benchmarks.jar org.inflow.bench.ExecLatency [RATE=1000] [SECONDS=10] [HGRM]
 * With HGRM, the write → exec distribution is also written there (.hgrm text, microseconds);
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
        long[] written = new long[total + 1000];
        Recorder fromWrite = new Recorder(3);
        Recorder fromRead = new Recorder(3);

        try (ExecRig rig = new ExecRig(Integer.getInteger("cap", 0), (i, read, spawned) -> {
            fromWrite.recordValueWithExpectedInterval(spawned - written[i], interval);
            fromRead.recordValue(spawned - read);
        })) {
            Thread.sleep(500); // the empty root's crawl; then warm up with a tenth of the run
            run(rig, written, 0, total / 10, interval);
            Thread.sleep(500);
            fromWrite.getIntervalHistogram();
            fromRead.getIntervalHistogram();
            run(rig, written, total / 10, total, interval);
            Thread.sleep(1000); // the last runs
            Histogram w = fromWrite.getIntervalHistogram();
            report("write -> exec", w, rate);
            report("read  -> exec", fromRead.getIntervalHistogram(), rate);
            if (hgrm != null) {
                ExecRig.writeHgrm(w, hgrm);
                System.out.println("write -> exec distribution: " + hgrm);
            }
        }
    }

    private static void run(ExecRig rig, long[] written, int from, int to, long interval) throws Exception {
        long next = System.nanoTime();
        for (int i = from; i < to; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
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
