package org.inflow.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.inflow.rules.InotifyMask;

/** The JNI binding in-process: loading, one upcall per batch, roots, stats. */
class NativeEngineTest {
    @TempDir
    Path dir;

    @Test
    void reportsEventsThroughBatches() throws Exception {
        List<String> seen = new ArrayList<>();
        try (NativeEngine engine = new NativeEngine()) {
            ByteBuffer buf = engine.batchBuffer();
            engine.start((length, count) -> {
                int off = 0;
                synchronized (seen) {
                    for (int i = 0; i < count; i++) {
                        int size = buf.getInt(off);
                        int kind = buf.getShort(off + 4);
                        int dl = buf.getInt(off + 20);
                        int nl = buf.getInt(off + 24);
                        byte[] name = new byte[nl];
                        buf.get(off + Abi.REC_HEADER + dl, name);
                        seen.add(kind + ":" + new String(name, StandardCharsets.UTF_8));
                        off += size;
                    }
                    seen.notifyAll();
                }
                return Abi.SINK_OK;
            });
            engine.addRoot(dir.toString().getBytes(StandardCharsets.UTF_8), InotifyMask.IN_CREATE, -1, null, null, 0);
            await(seen, Abi.KIND_READY + ":");
            Files.writeString(dir.resolve("hello"), "x");
            await(seen, Abi.KIND_EVENT + ":hello");
            assertEquals(1, engine.stats()[NativeEngine.STAT_WATCHES]);
            assertThrows(IllegalArgumentException.class,
                () -> engine.addRoot(dir.toString().getBytes(StandardCharsets.UTF_8), 1, -1, "(", null, 0));
        }
    }

    private static void await(List<String> seen, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (seen) {
            while (!seen.contains(what)) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "no " + what + " in " + seen);
                seen.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }
}
