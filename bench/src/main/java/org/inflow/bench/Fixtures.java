package org.inflow.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where benchmarks keep what they generate, and the one tree generator (bench/c/gentree) they
 * share with bench/compare. Trees live under bench/target/fixtures (found from the location of
 * benchmarks.jar, so every JMH fork and every run from any directory reuses them) unless
 * -Dinflow.bench.fixtures=DIR says otherwise; gentree's marker file makes a finished tree a no-op.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** bench/ of the source tree this jar was built in (or -Dinflow.bench.home). */
    public static Path benchHome() {
        String home = System.getProperty("inflow.bench.home");
        if (home != null) {
            return Path.of(home).toAbsolutePath();
        }
        try {
            Path jar = Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // bench/target/benchmarks.jar and bench/target/classes both sit in bench/target
            return jar.getParent().getParent().toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path target() throws IOException {
        String dir = System.getProperty("inflow.bench.fixtures");
        Path p = dir != null ? Path.of(dir) : benchHome().resolve("target").resolve("fixtures");
        Files.createDirectories(p);
        return p.toAbsolutePath();
    }

    /**
     * A tree of {@code dirs} directories (the root counts), {@code files} empty files each,
     * fan-out 10, names with spaces and UTF-8 when {@code mixed}; generated on first use.
     */
    public static Path tree(int dirs, int files, boolean mixed) throws IOException, InterruptedException {
        Path root = target().resolve("t" + dirs + "-" + files + (mixed ? "-m" : ""));
        List<String> cmd = new ArrayList<>();
        cmd.add(gentree().toString());
        if (mixed) {
            cmd.add("-m");
        }
        cmd.add(root.toString());
        cmd.add(Integer.toString(dirs));
        cmd.add(Integer.toString(files));
        run(cmd);
        return root;
    }

    /** bench/c/build/gentree, built by bench/compare/build.sh when missing or stale. */
    static Path gentree() throws IOException, InterruptedException {
        Path home = benchHome();
        run(List.of("bash", home.resolve("compare/build.sh").toString()));
        return home.resolve("c/build/gentree");
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + rc);
        }
    }
}
