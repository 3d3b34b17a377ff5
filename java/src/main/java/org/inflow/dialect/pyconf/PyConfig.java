package org.inflow.dialect.pyconf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a configuration file assigns: each name's last value, where it was assigned. Values are
 * {@link PyStr}, Long, Double, Boolean, {@link #NONE}, List (lists and tuples) and Map (dicts,
 * in the file's order).
 */
public final class PyConfig {
    /** Python's None. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** One NAME = VALUE, with the place of the name. */
    public record Assignment(String name, Object value, int line, int column) {
    }

    private final String file;
    private final Map<String, Assignment> assignments;

    PyConfig(String file, Map<String, Assignment> assignments) {
        this.file = file;
        this.assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    /** The file's name as given, for messages. */
    public String file() {
        return file;
    }

    /** Every name assigned, in the order first assigned. */
    public Map<String, Assignment> assignments() {
        return assignments;
    }

    public boolean has(String name) {
        return assignments.containsKey(name);
    }

    /** The value, or null when the name is not assigned (None is {@link #NONE}). */
    public Object get(String name) {
        Assignment a = assignments.get(name);
        return a == null ? null : a.value();
    }

    public Assignment assignment(String name) {
        return assignments.get(name);
    }

    /** Python's name for a value's type, for messages. */
    public static String typeName(Object v) {
        if (v instanceof PyStr) {
            return "str";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v == NONE) {
            return "NoneType";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return v == null ? "nothing" : v.getClass().getSimpleName();
    }
}
