package org.inflow.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child's environment, applied in this order: start from the daemon's environment (inherit) or
 * from nothing but the kept names (clear); remove the unset names; then assign the set values,
 * which are templates so a dialect can pass the event's path in a variable. Immutable.
 */
public final class EnvPolicy {
    private static final EnvPolicy INHERIT = new EnvPolicy(true, List.of(), Map.of(), List.of());
    private static final EnvPolicy CLEAR = new EnvPolicy(false, List.of(), Map.of(), List.of());

    private final boolean inherit;
    private final List<String> keep;
    private final Map<String, Template> set;
    private final List<String> unset;

    private EnvPolicy(boolean inherit, List<String> keep, Map<String, Template> set, List<String> unset) {
        this.inherit = inherit;
        this.keep = keep;
        this.set = set;
        this.unset = unset;
    }

    public static EnvPolicy inherit() {
        return INHERIT;
    }

    public static EnvPolicy clear() {
        return CLEAR;
    }

    /** Names carried over from the daemon's environment when the base is cleared. */
    public EnvPolicy keep(String... names) {
        return new EnvPolicy(inherit, plus(keep, names), set, unset);
    }

    public EnvPolicy unset(String... names) {
        return new EnvPolicy(inherit, keep, set, plus(unset, names));
    }

    public EnvPolicy set(String name, Template value) {
        checkName(name);
        Map<String, Template> next = new LinkedHashMap<>(set);
        next.put(name, value);
        return new EnvPolicy(inherit, keep, Collections.unmodifiableMap(next), unset);
    }

    public boolean inheritsAll() {
        return inherit;
    }

    public List<String> kept() {
        return keep;
    }

    /** In the order they were given. */
    public Map<String, Template> assigned() {
        return set;
    }

    public List<String> removed() {
        return unset;
    }

    private static List<String> plus(List<String> list, String... names) {
        List<String> next = new ArrayList<>(list);
        for (String n : names) {
            checkName(n);
            next.add(n);
        }
        return Collections.unmodifiableList(next);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return (inherit ? "inherit" : "clear") + (keep.isEmpty() ? "" : " keep " + keep)
                + (unset.isEmpty() ? "" : " unset " + unset) + (set.isEmpty() ? "" : " set " + set);
    }
}
