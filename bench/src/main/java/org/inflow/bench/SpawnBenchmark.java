package org.inflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.inflow.act.ChildExit;
import org.inflow.act.NativeSpawner;
import org.inflow.act.SpawnRequest;

/**
 * Spawn /bin/true and wait for its end, one at a time, three ways in the same JVM:
 * <ul>
 * <li>{@code nativeSpawner}: NativeSpawner.spawn (new process group, signals reset, closefrom,
 * stdio on /dev/null, pidfd) and the exit through the inflow-reaper thread;</li>
 * <li>{@code processBuilder}: the JDK's ProcessBuilder (jspawnhelper), stdio DISCARD, waitFor;</li>
 * <li>{@code cLoop}: the baseline, posix_spawn + waitpid in a C loop inside libinflow, stdio on
 * /dev/null too.</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar SpawnBenchmark -f 1 -wi 2 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpawnBenchmark {
    private static final String TRUE = "/bin/true";
    private static final int C_LOOP = 100;

    private NativeSpawner spawner;
    private SpawnRequest request;
    private ProcessBuilder builder;
    private byte[] truePath;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        spawner = new NativeSpawner();
        request = SpawnRequest.command(TRUE).build();
        builder = new ProcessBuilder(TRUE)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        truePath = TRUE.getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        spawner.close();
    }

    @Benchmark
    public int nativeSpawner() throws Exception {
        ChildExit e = spawner.spawn(request).onExit().get();
        return e.exitCode();
    }

    @Benchmark
    public int processBuilder() throws Exception {
        return builder.start().waitFor();
    }

    @Benchmark
    @OperationsPerInvocation(C_LOOP)
    public void cLoop() {
        NativeSpawner.benchCSpawnLoop(truePath, C_LOOP);
    }
}
