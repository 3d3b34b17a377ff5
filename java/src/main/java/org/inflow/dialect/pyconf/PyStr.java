package org.inflow.dialect.pyconf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A string of the configuration: bytes, as a Python 2 str is (the files are Python 2 modules), so
 * a path written with \xff escapes or in any encoding reaches the file system unchanged.
 */
public final class PyStr {
    private final byte[] bytes;

    PyStr(byte[] bytes) {
        this.bytes = bytes;
    }

    public static PyStr of(String text) {
        return new PyStr(text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** For messages and for values that are text by nature (event names, options). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    PyStr concat(PyStr other) {
        byte[] b = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, b, bytes.length, other.bytes.length);
        return new PyStr(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyStr && Arrays.equals(bytes, ((PyStr) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** As Python's repr would show it, roughly: quoted, for messages. */
    @Override
    public String toString() {
        return "\"" + text().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
