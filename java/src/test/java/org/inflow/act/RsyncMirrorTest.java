package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;

class RsyncMirrorTest {
    /** What the mirror started, as "full|inc N: argv". */
    static final class Seen implements RsyncMirror.Observer {
        final LinkedBlockingQueue<String> runs = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> retries = new LinkedBlockingQueue<>();

        @Override
        public void starting(Rule rule, byte[] target, boolean full, int paths, List<byte[]> argv, boolean pretend) {
            List<String> words = new ArrayList<>();
            for (byte[] a : argv) {
                words.add(new String(a, StandardCharsets.UTF_8));
            }
            runs.add((full ? "full" : "inc " + paths) + ": " + String.join(" ", words));
        }

        @Override
        public void retrying(Rule rule, byte[] target, String why, long delayMillis) {
            retries.add(new String(target, StandardCharsets.UTF_8) + " " + delayMillis);
        }

        String next() throws InterruptedException {
            String s = runs.poll(10, TimeUnit.SECONDS);
            return s == null ? "(nothing)" : s;
        }
    }

    private static Rule rule(String program, String source, String... targets) {
        List<byte[]> t = new ArrayList<>();
        for (String x : targets) {
            t.add(x.getBytes(StandardCharsets.UTF_8));
        }
        return Rule.builder(source).recursive().mask(0x100)
                .action(ActionSpec.rsync(program, List.of("-ltrp", "--delete"), source.getBytes(StandardCharsets.UTF_8), t))
                .build();
    }

    private static Job changed(Rule r, String... paths) {
        Job j = Job.forRoot(r, true, false);
        for (String p : paths) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            j.addPath(b, b.length, java.util.Arrays.hashCode(b), 1000);
            j.add(0x100, 0, 0, System.nanoTime());
        }
        return j;
    }

    @Test
    void fullFirstThenOnlyChangedPathsThenFullAfterAnOverflow() throws Exception {
        Seen seen = new Seen();
        try (NativeSpawner spawner = new NativeSpawner(); RsyncMirror m = new RsyncMirror(spawner)) {
            m.pretend(true);
            m.observer(seen);
            Rule r = rule("/usr/bin/rsync", "/src/tree", "host:/dst/");
            m.offer(changed(r, "/src/tree/early"));
            assertNull(seen.runs.poll(200, TimeUnit.MILLISECONDS)); // held until the watches are in place
            m.resync(r);
            assertEquals("full: /usr/bin/rsync -ltrp --delete /src/tree host:/dst/", seen.next());
            m.offer(changed(r, "/src/tree/a b", "/src/tree/d/e", "/src/tree"));
            // no trailing slash: rsync copies the directory itself, so the list names start with "tree/"
            assertEquals("inc 2: /usr/bin/rsync -ltrp --delete --from0 --files-from=- --delete-missing-args /src/ host:/dst/",
                    seen.next());
            Job lost = Job.forRoot(r, true, true);
            lost.add(0x4000, 0, 0, System.nanoTime());
            m.offer(lost);
            assertEquals("full: /usr/bin/rsync -ltrp --delete /src/tree host:/dst/", seen.next());
            assertEquals(3, m.runs("/src/tree".getBytes(StandardCharsets.UTF_8), "host:/dst/".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aFailingDestinationKeepsItsPathsAndIsRetriedWhileAnotherGoesOn() throws Exception {
        Seen seen = new Seen();
        try (NativeSpawner spawner = new NativeSpawner(); RsyncMirror m = new RsyncMirror(spawner)) {
            m.observer(seen);
            // /bin/false fails whatever it is given: every run of it fails
            Rule r = rule("/bin/false", "/src/", "/one/");
            m.resync(r);
            assertTrue(seen.next().startsWith("full: /bin/false"));
            assertEquals("/one/ 1000", seen.retries.poll(10, TimeUnit.SECONDS));
            assertTrue(seen.next().startsWith("full: /bin/false")); // the full run is tried again
            assertEquals("/one/ 2000", seen.retries.poll(10, TimeUnit.SECONDS));
        }
    }
}
