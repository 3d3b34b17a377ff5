package org.inflow.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.inflow.bench.Fixtures;
import org.inflow.kernel.Abi;
import org.inflow.kernel.BatchSink;
import org.inflow.rules.InotifyMask;
import org.inflow.kernel.NativeEngine;

/**
 * Events per second from a full kernel inotify queue into the first Java consumer. Per
 * invocation the reader is held (see {@link DrainGate}) while {@code events} IN_MODIFY events
 * are queued in the kernel (1-byte pwrites alternating between two files, so the kernel cannot
 * merge them); the timed part is releasing it and waiting until the consumer has seen them all.
 * <ul>
 * <li>{@code into=ring}: native read → encode → one JNI upcall per batch → BatchPublisher decodes
 * into the Disruptor ring (4096 slots, blocking wait) → the first stage counts. What a daemon does.</li>
 * <li>{@code into=sink}: the batch sink counts the records itself: the native side and JNI alone.</li>
 * </ul>
 * The score is the time to drain {@code events}; events/s = events / score. The kernel queue must
 * hold them: as root the benchmark raises fs.inotify.max_queued_events for its run and puts the old
 * value back; otherwise it stops with the sysctl to run. A kernel overflow fails the trial.
 * Run: {@code java -jar bench/target/benchmarks.jar KernelDrainBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class KernelDrainBenchmark {
    private static final Path QUEUE_SYSCTL = Path.of("/proc/sys/fs/inotify/max_queued_events");

    @Param({"200000"})
    public int events;

    @Param({"ring", "sink"})
    public String into;

    private Path dir;
    private long oldQueue = -1;
    private NativeEngine engine;
    private Disruptor<FsEvent> disruptor;
    private DrainGate gate;
    private FileChannel a;
    private FileChannel b;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);

    /** Events seen by the consumer; written by its thread only. */
    private volatile long seen;
    private volatile long want = Long.MAX_VALUE;
    private volatile Thread waiter;
    private volatile boolean ready;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        raiseQueue(events + 1024L);
        dir = Fixtures.target().resolve("drain");
        Files.createDirectories(dir);
        a = FileChannel.open(dir.resolve("a"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        b = FileChannel.open(dir.resolve("b"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        engine = new NativeEngine();
        ByteBuffer buf = engine.batchBuffer();
        BatchSink first;
        if (into.equals("ring")) {
            disruptor = new Disruptor<>(FsEvent::new, Integer.getInteger("inflow.ring.size", 4096), r -> {
                Thread t = new Thread(r, "inflow-stage");
                t.setDaemon(true);
                return t;
            }, ProducerType.SINGLE, new BlockingWaitStrategy());
            disruptor.handleEventsWith((EventHandler<FsEvent>) (e, seq, end) -> count(e.kind));
            first = new BatchPublisher(disruptor.start(), buf, TimeUnit.MILLISECONDS.toNanos(250));
        } else {
            first = (length, count) -> {
                int off = 0;
                for (int i = 0; i < count; i++) {
                    count(buf.getShort(off + 4));
                    off += buf.getInt(off);
                }
                return Abi.SINK_OK;
            };
        }
        gate = new DrainGate(first);
        engine.start(gate);
        engine.addRoot(dir.toString().getBytes(StandardCharsets.UTF_8), InotifyMask.IN_MODIFY | InotifyMask.IN_CREATE, -1,
                null, null, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ready) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine did not report READY for " + dir);
            }
            Thread.sleep(1);
        }
    }

    private void count(int kind) {
        if (kind == Abi.KIND_READY) {
            ready = true;
        } else if (kind == Abi.KIND_EVENT) {
            long n = seen + 1;
            seen = n;
            if (n == want) {
                LockSupport.unpark(waiter);
            }
        } else if (kind == Abi.KIND_OVERFLOW) {
            throw new IllegalStateException("overflow during the drain: the kernel queue or the ring was too small");
        }
    }

    @Setup(Level.Invocation)
    public void fill() throws IOException, InterruptedException {
        gate.close();
        long before = seen;
        modify(a);
        while (!gate.holding()) {
            Thread.sleep(0, 100_000);
        }
        int pairs = (events + 1) / 2;
        for (int i = 0; i < pairs; i++) {
            modify(b);
            modify(a);
        }
        waiter = Thread.currentThread();
        want = before + 1 + 2L * pairs;
    }

    private void modify(FileChannel ch) throws IOException {
        one.clear();
        ch.write(one, 0);
    }

    @Benchmark
    public long drain() {
        gate.open();
        while (seen < want) {
            LockSupport.park(this);
        }
        return seen;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        long[] stats = engine.stats();
        engine.close();
        if (disruptor != null) {
            disruptor.halt();
        }
        a.close();
        b.close();
        restoreQueue();
        if (stats[NativeEngine.STAT_KERNEL_OVERFLOWS] + stats[NativeEngine.STAT_SINK_OVERFLOWS] > 0) {
            throw new IllegalStateException("overflows during the run: kernel " + stats[NativeEngine.STAT_KERNEL_OVERFLOWS]
                    + ", ring " + stats[NativeEngine.STAT_SINK_OVERFLOWS]);
        }
    }

    private void raiseQueue(long need) throws IOException {
        long cur;
        // not Files.readString: it sizes its read from st_size (0 in /proc) and gets one byte
        try (java.io.InputStream in = Files.newInputStream(QUEUE_SYSCTL)) {
            cur = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        if (cur >= need) {
            return;
        }
        try {
            Files.writeString(QUEUE_SYSCTL, need + "\n");
            oldQueue = cur;
        } catch (IOException e) {
            throw new IOException("fs.inotify.max_queued_events is " + cur + "; " + need + " are needed to queue "
                    + events + " events: run as root, or sysctl -w fs.inotify.max_queued_events=" + need
                    + ", or pass -p events=N with N < " + (cur - 1024), e);
        }
    }

    private void restoreQueue() throws IOException {
        if (oldQueue >= 0) {
            Files.writeString(QUEUE_SYSCTL, oldQueue + "\n");
            oldQueue = -1;
        }
    }
}
