package org.inflow.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import org.inflow.act.ActionRunner;
import org.inflow.act.Coalescer;
import org.inflow.act.Job;
import org.inflow.act.NativeSpawner;
import org.inflow.kernel.InotifyMask;
import org.inflow.pipeline.EventPipeline;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.CwdPolicy;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

/**
 * Event → child exec latency with no settle window: a writer makes RATE files a second (a new
 * name each, so every write is its own key), a rule runs /bin/true for each, and HdrHistogram
 * records, per run, the time from the file's write (and from inflow's read of its event) until
 * posix_spawn returned (the child has exec'd by then; ChildHandle.execNanos, taken before the
 * spawner's bookkeeping for the child). Paced writes, corrected for coordinated
 * omission. No cap on runs at once unless -Dcap=N: with a cap, a refused job is offered again
 * when a run ends (the runner wakes the coalescer), so it measures the cap's wait as well. Usage:
 *   java -cp bench/target/benchmarks.jar org.inflow.bench.ExecLatency [RATE=1000] [SECONDS=10]
 */
public final class ExecLatency {
    private ExecLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int total = rate * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        Path dir = Files.createTempDirectory("inflow-latency");
        long[] written = new long[total + 1000];
        Recorder fromWrite = new Recorder(3);
        Recorder fromRead = new Recorder(3);
        byte[] prefix = "f".getBytes(StandardCharsets.US_ASCII);

        ActionRunner.SpawnListener listener = (Job job, org.inflow.act.ChildHandle child, long started) -> {
            long spawned = child.execNanos();
            byte[] name = job.name();
            int i = Integer.parseInt(new String(name, prefix.length, name.length - prefix.length, StandardCharsets.US_ASCII));
            fromWrite.recordValueWithExpectedInterval(spawned - written[i], interval);
            fromRead.recordValue(spawned - job.firstReadNanos());
        };
        LiveRules live = new LiveRules(RuleIndex.EMPTY);
        try (NativeSpawner spawner = new NativeSpawner();
             ActionRunner runner = new ActionRunner(spawner, Integer.getInteger("cap", 0), ActionRunner.OnBusy.QUEUE, (byte) '\n', listener);
             EventPipeline pipeline = EventPipeline.builder().tickMillis(10).then(new Coalescer(live, runner)).build()) {
            runner.onRoom(pipeline::wake);
            byte[] root = dir.toString().getBytes(StandardCharsets.UTF_8);
            int id = pipeline.engine().addRoot(root, InotifyMask.IN_CLOSE_WRITE, 0, null, null, 0);
            Rule rule = Rule.builder(root).origin("ExecLatency").maxDepth(0).mask(InotifyMask.IN_CLOSE_WRITE)
                    .action(ActionSpec.argv(List.of(Template.of("/bin/true")))).stdio(StdioPolicy.CLOSED)
                    .cwd(CwdPolicy.daemon()).settle(Duration.ZERO).maxDelay(Duration.ZERO).build();
            live.update(index -> index.with(id, rule));
            pipeline.start();
            Thread.sleep(500); // the empty root's crawl; then warm up with a tenth of the run
            run(dir, written, 0, total / 10, interval);
            Thread.sleep(500);
            fromWrite.getIntervalHistogram();
            fromRead.getIntervalHistogram();
            run(dir, written, total / 10, total, interval);
            Thread.sleep(1000); // the last runs
            report("write -> exec", fromWrite.getIntervalHistogram(), rate);
            report("read  -> exec", fromRead.getIntervalHistogram(), rate);
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void run(Path dir, long[] written, int from, int to, long interval) throws Exception {
        long next = System.nanoTime();
        for (int i = from; i < to; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            written[i] = System.nanoTime();
            Files.write(dir.resolve("f" + i), new byte[0]);
            next += interval;
        }
    }

    private static void report(String what, Histogram h, int rate) {
        System.out.printf("%s at %d events/s: n=%d p50=%.0f us p90=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us%n",
                what, rate, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
