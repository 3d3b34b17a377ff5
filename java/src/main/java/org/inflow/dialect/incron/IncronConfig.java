package org.inflow.dialect.incron;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * incron.conf: `key = value` lines, blanks trimmed, `#` lines are comments, the first
 * occurrence of a key wins, unknown keys and lines without '=' are ignored; every key has
 * incron's default.
 */
public final class IncronConfig {
    public static final String DEFAULT_FILE = "/etc/incron.conf";

    private static final Map<String, String> DEFAULTS = Map.of(
            "system_table_dir", "/etc/incron.d",
            "user_table_dir", "/var/spool/incron",
            "allowed_users", "/etc/incron.allow",
            "denied_users", "/etc/incron.deny",
            "lockfile_dir", "/var/run",
            "lockfile_name", "incrond",
            "editor", "");

    private final Map<String, String> values;

    private IncronConfig(Map<String, String> values) {
        this.values = values;
    }

    public static IncronConfig defaults() {
        return new IncronConfig(new HashMap<>());
    }

    public static IncronConfig parse(byte[] text) {
        Map<String, String> v = new HashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = t.substring(0, eq).strip();
            String value = t.substring(eq + 1);
            int i = 0;
            while (i < value.length() && (value.charAt(i) == '=' || Character.isWhitespace(value.charAt(i)))) {
                i++;
            }
            value = value.substring(i).strip();
            v.putIfAbsent(key, value);
        }
        return new IncronConfig(v);
    }

    public String get(String key) {
        String s = values.get(key);
        return s != null ? s : DEFAULTS.get(key);
    }

    public Path systemTableDir() {
        return Path.of(get("system_table_dir"));
    }

    public Path userTableDir() {
        return Path.of(get("user_table_dir"));
    }

    public Path allowedUsers() {
        return Path.of(get("allowed_users"));
    }

    public Path deniedUsers() {
        return Path.of(get("denied_users"));
    }

    /** lockfile_dir/lockfile_name.pid */
    public Path pidFile() {
        return Path.of(get("lockfile_dir"), get("lockfile_name") + ".pid");
    }

    public String editor() {
        return get("editor");
    }
}
