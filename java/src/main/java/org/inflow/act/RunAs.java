package org.inflow.act;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A user to run a command as: uid, primary gid and the supplementary groups, resolved by the
 * caller once (per rule) and applied by the exec helper in the child. Immutable.
 */
public final class RunAs {
    private final String name;
    private final int uid;
    private final int gid;
    private final int[] groups;

    private RunAs(String name, int uid, int gid, int[] groups) {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("negative uid or gid: " + uid + ", " + gid);
        }
        for (int g : groups) {
            if (g < 0) {
                throw new IllegalArgumentException("negative group id " + g);
            }
        }
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.groups = groups.clone();
    }

    /** Exactly these ids; groups are the complete supplementary list (it may be empty). */
    public static RunAs of(int uid, int gid, int... groups) {
        return new RunAs(null, uid, gid, groups);
    }

    /**
     * Resolves a user name like initgroups(3) would: uid and gid from /etc/passwd, supplementary
     * groups = the primary gid plus every /etc/group entry that lists the user. A user that is not
     * in /etc/passwd (LDAP, other NSS sources) is asked of {@code id -u/-g/-G NAME}.
     *
     * @throws IOException no such user, or neither source answers
     */
    public static RunAs lookup(String user) throws IOException {
        if (user.isEmpty() || user.indexOf(':') >= 0 || user.indexOf('\n') >= 0) {
            throw new IOException("not a user name: '" + user + "'");
        }
        RunAs r = fromFiles(user, lines(Path.of("/etc/passwd")), lines(Path.of("/etc/group")));
        return r != null ? r : fromId(user);
    }

    /**
     * As {@link #lookup(String)}, but with `group` (a name in /etc/group, or a number) as the gid
     * and first supplementary group instead of the user's own primary group, as initgroups(user,
     * group) would give.
     *
     * @throws IOException no such user or group
     */
    public static RunAs lookup(String user, String group) throws IOException {
        RunAs r = lookup(user);
        int gid = -1;
        for (String gl : lines(Path.of("/etc/group"))) {
            String[] g = gl.split(":", -1);
            if (g.length >= 3 && g[0].equals(group)) {
                try {
                    gid = Integer.parseInt(g[2]);
                } catch (NumberFormatException broken) {
                    // try it as a number below
                }
                break;
            }
        }
        if (gid < 0) {
            try {
                gid = Integer.parseInt(group);
            } catch (NumberFormatException e) {
                throw new IOException("no such group: " + group);
            }
        }
        Set<Integer> gs = new LinkedHashSet<>();
        gs.add(gid);
        for (int g : r.groups) {
            if (g != r.gid) {
                gs.add(g);
            }
        }
        return new RunAs(user, r.uid, gid, gs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The /etc/passwd + /etc/group resolution on given lines; null when passwd has no such user. */
    static RunAs fromFiles(String user, List<String> passwd, List<String> group) {
        for (String line : passwd) {
            String[] f = line.split(":", -1);
            if (f.length < 4 || !f[0].equals(user)) {
                continue;
            }
            try {
                int uid = Integer.parseInt(f[2]);
                int gid = Integer.parseInt(f[3]);
                Set<Integer> gs = new LinkedHashSet<>();
                gs.add(gid);
                for (String gl : group) {
                    String[] g = gl.split(":", -1);
                    if (g.length >= 4 && !g[3].isEmpty() && Arrays.asList(g[3].split(",")).contains(user)) {
                        try {
                            gs.add(Integer.parseInt(g[2]));
                        } catch (NumberFormatException skip) {
                            // a broken group line grants nothing
                        }
                    }
                }
                return new RunAs(user, uid, gid, gs.stream().mapToInt(Integer::intValue).toArray());
            } catch (NumberFormatException broken) {
                return null; // let id(1) decide
            }
        }
        return null;
    }

    private static RunAs fromId(String user) throws IOException {
        String u = id("-u", user), g = id("-g", user), all = id("-G", user);
        try {
            int[] groups = all.isEmpty() ? new int[0]
                    : Arrays.stream(all.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
            return new RunAs(user, Integer.parseInt(u.trim()), Integer.parseInt(g.trim()), groups);
        } catch (NumberFormatException e) {
            throw new IOException("unexpected output of id for user " + user + ": " + u + " / " + g + " / " + all);
        }
    }

    private static String id(String opt, String user) throws IOException {
        Process p = new ProcessBuilder("id", opt, "--", user).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("id " + opt + " " + user + " did not answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while resolving user " + user, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("no such user: " + user + " (" + out.trim() + ")");
        }
        return out;
    }

    private static List<String> lines(Path p) throws IOException {
        try {
            return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return Collections.emptyList();
        }
    }

    /** The name it was resolved from, or null for {@link #of}. */
    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** The complete supplementary group list the child gets. */
    public int[] groups() {
        return groups.clone();
    }

    int[] groupsShared() {
        return groups;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunAs && ((RunAs) o).uid == uid && ((RunAs) o).gid == gid
                && Arrays.equals(((RunAs) o).groups, groups);
    }

    @Override
    public int hashCode() {
        return (uid * 31 + gid) * 31 + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        List<String> gs = new ArrayList<>();
        for (int g : groups) {
            gs.add(Integer.toString(g));
        }
        return (name != null ? name + " " : "") + "uid=" + uid + " gid=" + gid + " groups=" + String.join(",", gs);
    }
}
