package org.inflow.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.inflow.act.Coalescer;
import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.LiveRules;
import org.inflow.rules.PathFilter;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.RuleMatches;
import org.inflow.rules.Template;

/**
 * The Java side of the event path without the kernel: a synthetic native batch (the records the
 * engine writes) goes through BatchPublisher (decode into ring slots, one claim per 256) → the
 * Disruptor ring (blocking wait) → the Coalescer stage, which runs the rule index match (a
 * recursive rule with a name glob and a mask) and folds each event into its (rule, path) window.
 * The benchmark thread plays the native reader; the ring's back-pressure paces it to the
 * consumer, so the score is the consumer's throughput. ns/op is per event.
 * <ul>
 * <li>{@code settle=fold}: a long settle window, so the batch's paths stay pending and
 * every event folds into an open window: the steady state of a burst, where nothing may be
 * allocated ({@code -prof gc}: gc.alloc.rate.norm ≈ 0 B/op).</li>
 * <li>{@code settle=zero}: every batch's windows become jobs at its end (handed to a sink that
 * drops them): a job and its key are allocated per path per batch, i.e. per 4 events here.</li>
 * </ul>
 * {@code stage} splits the cost: {@code coalesce} is the real stage (match + fold), {@code match}
 * only runs the rule index match per event, {@code count} only reads the slot (decode + ring).
 * Run: {@code java -jar bench/target/benchmarks.jar PipelineBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {
    private static final int RECORDS = 4096;
    private static final byte[] ROOT = "/srv/build/project".getBytes(StandardCharsets.UTF_8);

    @Param({"fold", "zero"})
    public String settle;

    /** Distinct paths in the batch (pending keys in the coalescer). */
    @Param({"1024"})
    public int paths;

    @Param({"coalesce", "match", "count"})
    public String stage;

    /** Slots; a ring the reader cannot outrun while it parks (200 µs) when full. */
    @Param({"65536"})
    public int ringSize;

    private final ByteBuffer batch = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private int batchLength;
    private Disruptor<FsEvent> disruptor;
    private BatchPublisher publisher;
    private Coalescer coalescer;
    private long refused;
    /** Written by the count stage so its read of the slot is not dead code. */
    private long seen;

    @Setup(Level.Trial)
    public void setUp() {
        batchLength = fill();
        Rule rule = Rule.builder(ROOT).origin("PipelineBenchmark").recursive()
                .mask(InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_MODIFY | InotifyMask.IN_CREATE)
                .names(PathFilter.glob("*.c", false))
                .action(ActionSpec.argv(List.of(Template.of("/bin/true"))))
                .settle(settle.equals("fold") ? Duration.ofHours(1) : Duration.ZERO)
                .maxDelay(Duration.ZERO).build();
        LiveRules rules = new LiveRules(RuleIndex.EMPTY.with(0, rule));
        coalescer = new Coalescer(rules, job -> true);
        disruptor = new Disruptor<>(FsEvent::new, ringSize, r -> {
            Thread t = new Thread(r, "inflow-stage");
            t.setDaemon(true);
            return t;
        }, ProducerType.SINGLE, new BlockingWaitStrategy());
        RuleMatches matches = new RuleMatches();
        EventHandler<FsEvent> handler;
        if (stage.equals("coalesce")) {
            handler = coalescer;
        } else if (stage.equals("match")) {
            handler = (e, seq, end) -> rules.current().match(e.root, e.dirBytes(), e.dirLength(), e.nameBytes(),
                    e.nameLength(), e.mask, matches);
        } else {
            handler = (e, seq, end) -> seen += e.mask;
        }
        disruptor.handleEventsWith(handler);
        publisher = new BatchPublisher(disruptor.start(), batch, TimeUnit.SECONDS.toNanos(10));
    }

    /**
     * 4096 events on {@code paths} paths in up to 64 directories, 3 levels below the root, names
     * like "unit-0123.c" (1024 paths: each 4 times, never the same path back to back).
     */
    private int fill() {
        int at = 0;
        for (int i = 0; i < RECORDS; i++) {
            int p = (i * 7) % paths;
            byte[] dir = String.format("%s/src/module-%02d/part", new String(ROOT, StandardCharsets.UTF_8), p % 64)
                    .getBytes(StandardCharsets.UTF_8);
            byte[] name = String.format("unit-%04d.c", p).getBytes(StandardCharsets.UTF_8);
            int size = (Abi.REC_HEADER + dir.length + name.length + 3) & ~3;
            batch.putInt(at, size);
            batch.putInt(at + 4, Abi.KIND_EVENT);
            batch.putInt(at + 8, i % 3 == 0 ? InotifyMask.IN_CLOSE_WRITE : InotifyMask.IN_MODIFY);
            batch.putInt(at + 12, 0);
            batch.putInt(at + 16, 0);
            batch.putInt(at + 20, dir.length);
            batch.putInt(at + 24, name.length);
            batch.put(at + Abi.REC_HEADER, dir);
            batch.put(at + Abi.REC_HEADER + dir.length, name);
            at += size;
        }
        return at;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int pipeline() {
        int r = publisher.onBatch(batchLength, RECORDS);
        if (r != Abi.SINK_OK) {
            refused++;
        }
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        disruptor.halt();
        if (refused > 0) {
            throw new IllegalStateException(refused + " batches refused: the stage stalled for 10 s");
        }
        if (settle.equals("fold") && stage.equals("coalesce") && coalescer.jobsDelivered() > 0) {
            throw new IllegalStateException("fold: jobs were released; the windows did not stay open");
        }
    }
}
