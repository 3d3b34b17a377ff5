package org.inflow.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.kernel.NativeEngine;

/**
 * Recursive watch set-up of a generated tree inside a running JVM (warm cache): engine creation,
 * crawl, READY. The whole-process comparison with a C walker and inotifywait is
 * bench/compare/run; this one isolates the engine. Trees: {@link Fixtures} (10 files per directory,
 * mixed names; generated once, reused by every fork and run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class WatchSetupBenchmark {
    @Param({"10000", "100000"})
    public int dirs;

    private Path root;

    @Setup(Level.Trial)
    public void tree() throws Exception {
        root = Fixtures.tree(dirs, 10, true);
    }

    @Benchmark
    public long watchTree() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        try (NativeEngine engine = new NativeEngine()) {
            java.nio.ByteBuffer buf = engine.batchBuffer();
            engine.start((length, count) -> {
                int off = 0;
                for (int i = 0; i < count; i++) {
                    if (buf.getShort(off + 4) == Abi.KIND_READY) {
                        ready.countDown();
                    }
                    off += buf.getInt(off);
                }
                return Abi.SINK_OK;
            });
            engine.addRoot(root.toString().getBytes(StandardCharsets.UTF_8),
                    InotifyMask.IN_ALL_EVENTS & ~InotifyMask.IN_ACCESS, -1, null, null, 0);
            ready.await();
            return engine.stats()[NativeEngine.STAT_WATCHES];
        }
    }
}
