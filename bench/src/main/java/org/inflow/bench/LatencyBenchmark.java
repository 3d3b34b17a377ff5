package org.inflow.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Event → handler exec, one at a time: each operation writes a new file in a watched directory and
 * returns when inflow's rule has started /bin/true for it (posix_spawn returned: the child has
 * exec'd). JMH samples the whole round trip (write, inotify, native reader, ring, coalescer,
 * spawner); HdrHistogram records the time from the write to the exec, and the measured part is
 * written as bench/target/fixtures/latency.hgrm (microseconds) when the trial ends.
 * For paced, open-loop figures use {@link ExecLatency}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
// The JVM the daemon runs in (bin/inflow): a default one's concurrent GC and C2 threads would
// take turns on the measured path's two cores.
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmn2m", "-Xss512k", "-XX:TieredStopAtLevel=1"})
public class LatencyBenchmark {
    private ExecRig rig;
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private volatile int spawned = -1;
    private volatile Thread waiter;
    private int next;
    private long writtenAt;
    private volatile boolean measuring;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new ExecRig(0, (i, read, at) -> {
            if (measuring) {
                histogram.recordValue(Math.min(at - writtenAt, histogram.getHighestTrackableValue()));
            }
            spawned = i;
            LockSupport.unpark(waiter);
        });
        waiter = Thread.currentThread();
        Thread.sleep(300); // the empty root's crawl
    }

    /** Warm-up iterations only warm: the histogram holds the measured ones. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Benchmark
    public int writeToExec() throws Exception {
        int i = next++;
        waiter = Thread.currentThread();
        writtenAt = System.nanoTime();
        rig.write(i);
        long deadline = writtenAt + TimeUnit.SECONDS.toNanos(10);
        while (spawned < i) {
            LockSupport.parkNanos(this, 1_000_000L);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no exec for f" + i + " within 10 s");
            }
        }
        return i;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        rig.close();
        java.nio.file.Path out = Fixtures.target().resolve("latency.hgrm");
        ExecRig.writeHgrm(histogram, out);
        System.out.printf("%nwrite -> exec: n=%d p50=%.0f us p99=%.0f us max=%.0f us; distribution in %s%n",
                histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getMaxValue() / 1e3, out);
    }
}
