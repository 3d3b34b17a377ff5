package org.inflow.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.inflow.kernel.Abi;

/**
 * Cost of copying one native record into a ring slot (the reader thread's per-event Java work).
 * With -prof gc it shows the hot path allocates nothing: run
 * java -jar bench/target/benchmarks.jar DecodeBenchmark -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {
    private static final int RECORDS = 1024;

    private final ByteBuffer batch = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private final FsEvent[] slots = new FsEvent[64];

    @Setup
    public void fill() {
        int at = 0;
        byte[] dir = "/srv/data/projects/inflow/src/main/java/org".getBytes();
        for (int i = 0; i < RECORDS; i++) {
            byte[] name = ("file-" + i + ".java").getBytes();
            int size = (Abi.REC_HEADER + dir.length + name.length + 3) & ~3;
            batch.putInt(at, size);
            batch.putShort(at + 4, (short) Abi.KIND_EVENT);
            batch.putInt(at + 8, 0x8);
            batch.putInt(at + 20, dir.length);
            batch.putInt(at + 24, name.length);
            batch.put(at + Abi.REC_HEADER, dir);
            batch.put(at + Abi.REC_HEADER + dir.length, name);
            at += size;
        }
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new FsEvent();
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int decode() {
        int off = 0;
        for (int i = 0; i < RECORDS; i++) {
            off = slots[i & 63].decode(batch, off, i);
        }
        return off;
    }
}
