package org.inflow.bench;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.HdrHistogram.Histogram;

import org.inflow.act.ActionRunner;
import org.inflow.act.Coalescer;
import org.inflow.act.NativeSpawner;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.EventPipeline;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.CwdPolicy;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

/**
 * The whole event → exec path of a daemon, shared by {@link ExecLatency} and
 * {@link LatencyBenchmark}: a watched directory, a rule that runs /bin/true on every
 * IN_CLOSE_WRITE with no settle window, the coalescer and the native spawner. Write number i
 * ends in {@code listener.spawned(i, job's read time, spawn time)}.
 * <p>
 * The writes go to {@link #FILES} files made before the watch, in turn: an open and a close of
 * an existing file. A new file per write made the directory grow by a thousand entries a second,
 * and ext4's linear search of it soon cost the writer 0.3-0.9 ms of CPU per event on a 2-vCPU
 * machine, CPU the measured path then had to wait for.
 */
final class ExecRig implements AutoCloseable {
    @FunctionalInterface
    interface Listener {
        void spawned(int index, long readNanos, long spawnedNanos);
    }

    static final int FILES = 4096;

    final Path dir;
    private final File[] files = new File[FILES];
    /** Which write each file's latest one was, so an exec names its write. */
    private final AtomicIntegerArray writeOf = new AtomicIntegerArray(FILES);
    private final NativeSpawner spawner;
    private final ActionRunner runner;
    private final EventPipeline pipeline;

    ExecRig(int cap, Listener listener) throws IOException {
        dir = Files.createTempDirectory("inflow-latency");
        for (int f = 0; f < FILES; f++) {
            files[f] = dir.resolve("f" + f).toFile();
            new FileOutputStream(files[f]).close();
        }
        spawner = new NativeSpawner();
        runner = new ActionRunner(spawner, cap, ActionRunner.OnBusy.QUEUE, (byte) '\n', (job, child, spawned) -> {
            byte[] name = job.name();
            int f = 0;
            for (int k = 1; k < name.length; k++) {
                f = f * 10 + name[k] - '0';
            }
            listener.spawned(writeOf.get(f), job.firstReadNanos(), child.execNanos());
        });
        LiveRules live = new LiveRules(RuleIndex.EMPTY);
        pipeline = EventPipeline.builder().tickMillis(10).then(new Coalescer(live, runner)).build();
        runner.onRoom(pipeline::wake);
        byte[] root = dir.toString().getBytes(StandardCharsets.UTF_8);
        int id = pipeline.engine().addRoot(root, InotifyMask.IN_CLOSE_WRITE, 0, null, null, 0);
        Rule rule = Rule.builder(root).origin("ExecRig").maxDepth(0).mask(InotifyMask.IN_CLOSE_WRITE)
                .action(ActionSpec.argv(List.of(Template.of("/bin/true")))).stdio(StdioPolicy.CLOSED)
                .cwd(CwdPolicy.daemon()).settle(Duration.ZERO).maxDelay(Duration.ZERO).build();
        live.update(index -> index.with(id, rule));
        pipeline.start();
    }

    /** Write number i: opens and closes one of the files (one IN_CLOSE_WRITE). */
    void write(int i) throws IOException {
        int f = i % FILES;
        writeOf.set(f, i); // before the event that makes a spawning thread read it
        new FileOutputStream(files[f]).close();
    }

    /** HdrHistogram's percentile distribution in microseconds: the .hgrm text its plotters read. */
    static void writeHgrm(Histogram h, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
            h.outputPercentileDistribution(out, 1000.0);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            pipeline.close();
            runner.close();
            spawner.close();
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
