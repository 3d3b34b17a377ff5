package org.inflow.cli.incron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** getpwnam(3) for what incron needs of a user: /etc/passwd first, then `getent passwd` (NSS). */
final class IncronUsers {
    /** One passwd entry. */
    static final class User {
        final String name;
        final int uid;
        final int gid;
        final String home;
        final String shell;

        User(String name, int uid, int gid, String home, String shell) {
            this.name = name;
            this.uid = uid;
            this.gid = gid;
            this.home = home;
            this.shell = shell;
        }
    }

    private IncronUsers() {
    }

    static Optional<User> byName(String name) {
        if (name.isEmpty() || name.contains(":") || name.contains("\n")) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                Optional<User> u = parse(line, name);
                if (u.isPresent()) {
                    return u;
                }
            }
        } catch (IOException unreadable) {
            // fall through to NSS
        }
        try {
            Process p = new ProcessBuilder("getent", "passwd", "--", name).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return parse(out.strip(), name);
            }
        } catch (IOException | InterruptedException e) {
            // no getent: the user does not exist for us
        }
        return Optional.empty();
    }

    static Optional<User> byUid(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[2].equals(Integer.toString(uid))) {
                    return parse(line, f[0]);
                }
            }
        } catch (IOException unreadable) {
            // unknown
        }
        return Optional.empty();
    }

    private static Optional<User> parse(String line, String name) {
        String[] f = line.split(":", -1);
        if (f.length < 7 || !f[0].equals(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
        } catch (NumberFormatException bad) {
            return Optional.empty();
        }
    }

    /** The real uid of this process. */
    static int currentUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return (Integer) uid;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
