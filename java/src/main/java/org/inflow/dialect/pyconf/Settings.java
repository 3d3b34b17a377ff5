package org.inflow.dialect.pyconf;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a {@link PyConfig}'s values for a dialect: each wrong type, missing required
 * setting or bad value is an error at the line of its assignment; unknown names are warnings.
 */
public final class Settings {
    private final PyConfig config;

    public Settings(PyConfig config) {
        this.config = config;
    }

    public PyConfig config() {
        return config;
    }

    /** "FILE:LINE: unknown setting 'x' is ignored" for each name not in `known`. */
    public List<String> unknownNames(Set<String> known) {
        List<String> out = new ArrayList<>();
        for (PyConfig.Assignment a : config.assignments().values()) {
            if (!known.contains(a.name()) && !a.name().startsWith("_")) {
                out.add(config.file() + ":" + a.line() + ": unknown setting '" + a.name() + "' is ignored");
            }
        }
        return out;
    }

    public PyConfigError error(String name, String why) {
        PyConfig.Assignment a = config.assignment(name);
        if (a == null) {
            return new PyConfigError(config.file(), 1, 1, why);
        }
        return new PyConfigError(config.file(), a.line(), a.column(), why);
    }

    public boolean isSet(String name) {
        Object v = config.get(name);
        return v != null && v != PyConfig.NONE;
    }

    public PyStr string(String name, PyStr fallback) throws PyConfigError {
        Object v = config.get(name);
        if (v == null || v == PyConfig.NONE) {
            return fallback;
        }
        if (!(v instanceof PyStr)) {
            throw error(name, name + " must be a string, not " + PyConfig.typeName(v));
        }
        return (PyStr) v;
    }

    public PyStr requiredString(String name) throws PyConfigError {
        PyStr s = string(name, null);
        if (s == null || s.length() == 0) {
            throw error(name, name + " is required" + (config.has(name) ? " (it is empty)" : " but not set"));
        }
        return s;
    }

    /**
     * A required existing directory's path as written, trailing slash kept, made absolute: the
     * daemon may be started anywhere, and a relative path means the directory it was started in.
     */
    public byte[] directory(String name) throws PyConfigError {
        byte[] path = requiredString(name).bytes();
        File dir = new File(new String(path, StandardCharsets.UTF_8));
        if (!dir.isDirectory()) {
            throw error(name, name + " '" + dir + "' " + (dir.exists() ? "is not a directory" : "does not exist"));
        }
        if (!dir.isAbsolute()) {
            String abs = dir.getAbsolutePath() + (path[path.length - 1] == '/' ? "/" : "");
            path = abs.getBytes(StandardCharsets.UTF_8);
        }
        return path;
    }

    /** {@link #strings} with at least one string, else "NAME must name at least one `what`". */
    public List<PyStr> someStrings(String name, String what) throws PyConfigError {
        List<PyStr> out = strings(name, List.of());
        if (out.isEmpty()) {
            throw error(name, name + " must name at least one " + what);
        }
        return out;
    }

    /** A list or tuple of strings; a single string counts as a list of one. */
    public List<PyStr> strings(String name, List<PyStr> fallback) throws PyConfigError {
        Object v = config.get(name);
        if (v == null || v == PyConfig.NONE) {
            return fallback;
        }
        if (v instanceof PyStr) {
            return List.of((PyStr) v);
        }
        if (!(v instanceof List)) {
            throw error(name, name + " must be a list of strings, not " + PyConfig.typeName(v));
        }
        List<PyStr> out = new ArrayList<>();
        for (Object item : (List<?>) v) {
            if (!(item instanceof PyStr)) {
                throw error(name, name + " must hold only strings, not " + PyConfig.typeName(item) + " " + item);
            }
            out.add((PyStr) item);
        }
        return out;
    }

    public double number(String name, double fallback, double min) throws PyConfigError {
        Object v = config.get(name);
        if (v == null || v == PyConfig.NONE) {
            return fallback;
        }
        if (!(v instanceof Long) && !(v instanceof Double)) {
            throw error(name, name + " must be a number, not " + PyConfig.typeName(v));
        }
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || d < min) {
            throw error(name, name + " must be " + (min == 0 ? "zero or more" : "at least " + min) + ", not " + v);
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    public Map<Object, Object> dict(String name) throws PyConfigError {
        Object v = config.get(name);
        if (v == null || v == PyConfig.NONE) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw error(name, name + " must be a dict, not " + PyConfig.typeName(v));
        }
        return (Map<Object, Object>) v;
    }

    /** The bits of a list of event names. */
    public int eventMask(String name, List<PyStr> names) throws PyConfigError {
        int mask = 0;
        for (PyStr n : names) {
            int bits = EventNames.bits(n.text());
            if (bits == 0) {
                throw error(name, name + ": unknown event " + n + " (known: " + EventNames.known() + ")");
            }
            mask |= bits;
        }
        return mask;
    }

    /** An absolute path to an executable file, else an error naming the setting. */
    public void checkProgram(String name, String what, String path) throws PyConfigError {
        File f = new File(path);
        if (!path.startsWith("/")) {
            throw error(name, what + " '" + path + "' is not an absolute path");
        }
        if (!f.exists()) {
            throw error(name, what + " '" + path + "' does not exist");
        }
        if (f.isDirectory() || !f.canExecute()) {
            throw error(name, what + " '" + path + "' is not an executable file");
        }
    }
}
