package org.inflow.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads libinflow once per JVM: from -Dinflow.native.path if set (distribution packages), else
 * from the jar, copied into a private 0700 directory under -Dinflow.native.workdir (default
 * java.io.tmpdir) and unlinked right after loading. Fails with a message that says what to do.
 * <p>
 * Also finds the exec helper {@code inflow-exec} (runs a command as another user): next to the
 * library given by -Dinflow.native.path, else extracted from the jar on first use into a private
 * 0700 directory of its own, where it stays (it is exec'd for every such command) until the JVM
 * exits.
 */
public final class NativeLoader {
    public static final String PATH_PROPERTY = "inflow.native.path";
    public static final String WORKDIR_PROPERTY = "inflow.native.workdir";
    public static final String EXEC_HELPER = "inflow-exec";

    private static volatile boolean loaded;
    private static Path execHelper;

    private NativeLoader() {
    }

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isEmpty()) {
            loadFrom(Paths.get(explicit), "-D" + PATH_PROPERTY);
        } else {
            loadFromJar();
        }
        int abi = NativeEngine.abiVersion();
        if (abi != Abi.VERSION) {
            throw new UnsatisfiedLinkError("inflow: the native library speaks ABI version " + abi
                    + " but this jar needs version " + Abi.VERSION
                    + ": rebuild both from the same sources (mvn -q package)");
        }
        loaded = true;
    }

    static String resourceName() {
        return resourceName("libinflow.so");
    }

    static String resourceName(String file) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86-64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return "META-INF/native/linux-" + arch + "/" + file;
    }

    /**
     * The exec helper's absolute path: {@code inflow-exec} next to -Dinflow.native.path's library,
     * else extracted from the jar once per JVM (mode 0700 in a new 0700 directory under
     * -Dinflow.native.workdir, both deleted at JVM exit).
     *
     * @throws UnsatisfiedLinkError when it is missing or cannot be extracted, saying what to do
     */
    public static synchronized Path execHelper() {
        if (execHelper != null) {
            return execHelper;
        }
        String explicit = System.getProperty(PATH_PROPERTY);
        Path helper;
        if (explicit != null && !explicit.isEmpty()) {
            helper = Paths.get(explicit).toAbsolutePath().resolveSibling(EXEC_HELPER);
            if (!Files.isRegularFile(helper) || !Files.isExecutable(helper)) {
                throw new UnsatisfiedLinkError("inflow: no executable " + helper + " next to the library given by -D"
                        + PATH_PROPERTY + ": install " + EXEC_HELPER + " (built with libinflow.so) there");
            }
        } else {
            helper = extractHelper();
        }
        execHelper = helper;
        return helper;
    }

    private static Path extractHelper() {
        String resource = resourceName(EXEC_HELPER);
        String workdir = System.getProperty(WORKDIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        try (InputStream in = NativeLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("inflow: " + resource + " is not in the class path: "
                        + "the jar was built without its native part, or set -D" + PATH_PROPERTY
                        + " to a libinflow.so that has " + EXEC_HELPER + " next to it");
            }
            Path dir = privateDirectory(Paths.get(workdir).toAbsolutePath());
            Path helper = dir.resolve(EXEC_HELPER);
            // deleteOnExit runs in reverse order of registration: the file, then its directory
            dir.toFile().deleteOnExit();
            helper.toFile().deleteOnExit();
            Files.copy(in, helper);
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
            return helper;
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("inflow: cannot extract " + EXEC_HELPER + " into " + workdir + ": " + e
                    + "; set -D" + WORKDIR_PROPERTY + "=DIR to a writable directory that allows execution");
        }
    }

    private static void loadFromJar() {
        String resource = resourceName();
        String workdir = System.getProperty(WORKDIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path dir = null;
        Path lib = null;
        try (InputStream in = NativeLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("inflow: " + resource + " is not in the class path: "
                        + "this platform is not supported, or the jar was built without its native part");
            }
            dir = privateDirectory(Paths.get(workdir));
            lib = dir.resolve("libinflow.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            loadFrom(lib, "the jar (extracted to " + dir + ")");
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("inflow: cannot extract the native library into " + workdir
                    + ": " + e + "; set -D" + WORKDIR_PROPERTY + "=DIR to a writable directory");
        } finally {
            // The mapping outlives the file: nothing is left behind in the work directory.
            deleteQuietly(lib);
            deleteQuietly(dir);
        }
    }

    /**
     * A new 0700 directory. Not Files.createTempDirectory: its random names come from
     * SecureRandom, whose start-up (providers, entropy) costs more than the whole library load.
     * createDirectory fails on an existing name, so a guessed name cannot be taken over.
     */
    private static Path privateDirectory(Path workdir) throws IOException {
        long seed = ProcessHandle.current().pid() * 1_000_003L ^ System.nanoTime();
        for (int attempt = 0;; attempt++) {
            Path dir = workdir.resolve("inflow-" + Long.toUnsignedString(seed + attempt * 0x9e3779b97f4a7c15L, 36));
            try {
                return Files.createDirectory(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    private static void loadFrom(Path lib, String from) {
        try {
            System.load(lib.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("inflow: cannot load the native library from " + from + ": "
                    + e.getMessage() + ". If that directory is on a noexec mount, set -D" + WORKDIR_PROPERTY
                    + "=DIR (or INFLOW_NATIVE_WORKDIR for bin/inflow) to a directory that allows execution,"
                    + " or -D" + PATH_PROPERTY + "=/path/to/libinflow.so");
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover 0700 temp directory is harmless; failing the load for it would not be
        }
    }
}
