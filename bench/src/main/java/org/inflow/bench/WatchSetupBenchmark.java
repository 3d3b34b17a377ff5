package org.inflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.inflow.kernel.InotifyMask;
import org.inflow.kernel.NativeEngine;

/**
 * Recursive watch set-up of a generated tree inside a running JVM (warm cache): engine creation,
 * crawl, READY. The whole-process comparison with a C walker and inotifywait is
 * bench/compare/watch-setup; this one isolates the engine. Tree: target/jmh-fixtures/tN (reused).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class WatchSetupBenchmark {
    @Param({"10000"})
    public int dirs;

    private Path root;

    @Setup(Level.Trial)
    public void tree() throws IOException {
        root = Path.of("target/jmh-fixtures/t" + dirs).toAbsolutePath();
        Path done = root.resolve(".done");
        if (Files.exists(done)) {
            return;
        }
        Files.createDirectories(root);
        // breadth-first, fan-out 10, 10 empty files per directory, like the peer baselines
        java.util.ArrayDeque<Path> queue = new java.util.ArrayDeque<>();
        queue.add(root);
        int made = 1;
        while (!queue.isEmpty()) {
            Path d = queue.poll();
            for (int f = 0; f < 10; f++) {
                Files.write(d.resolve("f" + f), new byte[0]);
            }
            for (int c = 0; c < 10 && made < dirs; c++, made++) {
                Path sub = Files.createDirectory(d.resolve("d" + c));
                queue.add(sub);
            }
        }
        Files.write(done, new byte[0]);
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
