package org.inflow.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A consumer's view of a watched tree, rebuilt from `inflow watch` events alone: relative path
 * to "is a directory". It does only what any consumer of the stream can do:
 * <ul>
 * <li>CREATE adds the path (synthetic CREATEs of a new or moved-in directory's contents too);
 * <li>DELETE removes the path and, for a directory, everything under it;
 * <li>MOVED_FROM takes the path and its subtree out and keeps it under the event's cookie;
 *     a MOVED_TO with the same cookie puts it back under the new path (a rename inside the
 *     tree); a MOVED_TO with no such MOVED_FROM adds the path alone (moved in: its contents
 *     follow as synthetic CREATEs); a MOVED_FROM nobody claims stays removed (moved out);
 * <li>a MOVED_TO replaces whatever was at its path (rename over a file or an empty directory);
 * <li>Q_OVERFLOW, RESCAN_BEGIN, ...RESCAN entries, RESCAN_END: a fresh view is filled from the
 *     RESCAN entries and replaces the old one at RESCAN_END; ordinary events in between are
 *     applied to both.
 * </ul>
 * Things a correct stream never does (a CREATE of a path already present, a DELETE or
 * MOVED_FROM of a path not present, an entry whose parent is unknown) are counted as
 * anomalies with a few examples each.
 */
final class StormView {
    /** Anomaly name -> count and first examples, shared by the views of one replay. */
    static final class Anomalies {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        final Map<String, List<String>> examples = new LinkedHashMap<>();

        void note(String kind, String example) {
            counts.merge(kind, 1, Integer::sum);
            List<String> ex = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (ex.size() < 8) {
                ex.add(example);
            }
        }

        int total() {
            int n = 0;
            for (int c : counts.values()) {
                n += c;
            }
            return n;
        }

        @Override
        public String toString() {
            if (counts.isEmpty()) {
                return "none";
            }
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue());
                for (String x : examples.get(e.getKey())) {
                    sb.append("\n    e.g. ").append(x);
                }
            }
            return sb.toString();
        }
    }

    final TreeMap<String, Boolean> entries = new TreeMap<>();
    private final Map<String, NavigableMap<String, Boolean>> parked = new HashMap<>();
    private final Anomalies anomalies;

    StormView(Anomalies anomalies) {
        this.anomalies = anomalies;
    }

    /** Everything strictly below path ('/' + 1 == '0': every "path/..." key sorts before "path0"). */
    NavigableMap<String, Boolean> below(String path) {
        return entries.subMap(path + "/", true, path + "0", false);
    }

    private void checkParent(String path, String what) {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            Boolean parent = entries.get(path.substring(0, slash));
            if (parent == null || !parent) {
                anomalies.note("entry in an unknown directory", what + " " + path);
            }
        }
    }

    void create(String path, boolean dir, String what) {
        checkParent(path, what);
        Boolean was = entries.put(path, dir);
        if (was != null) {
            anomalies.note("CREATE of a path already present", what + " " + path);
        }
    }

    void delete(String path, String what) {
        if (entries.remove(path) == null) {
            anomalies.note("DELETE of a path not present", what + " " + path);
        }
        below(path).clear();
    }

    void movedFrom(String cookie, String path, String what) {
        if (!entries.containsKey(path)) {
            anomalies.note("MOVED_FROM of a path not present", what + " " + path);
        }
        TreeMap<String, Boolean> rel = new TreeMap<>();
        Boolean self = entries.remove(path);
        if (self != null) {
            rel.put("", self);
        }
        NavigableMap<String, Boolean> sub = below(path);
        for (Map.Entry<String, Boolean> e : sub.entrySet()) {
            rel.put(e.getKey().substring(path.length()), e.getValue());
        }
        sub.clear();
        parked.put(cookie, rel);
    }

    void movedTo(String cookie, String path, boolean dir, String what) {
        checkParent(path, what);
        // a rename replaces what was there (a file, an empty directory)
        entries.remove(path);
        below(path).clear();
        NavigableMap<String, Boolean> rel = !cookie.isEmpty() && !cookie.equals("0") ? parked.remove(cookie) : null;
        if (rel == null) {
            entries.put(path, dir); // moved in: the contents come as synthetic CREATEs
            return;
        }
        for (Map.Entry<String, Boolean> e : rel.entrySet()) {
            entries.put(path + e.getKey(), e.getValue());
        }
        entries.putIfAbsent(path, dir);
    }

    void touched(String path, String what) {
        if (!entries.containsKey(path)) {
            anomalies.note("CLOSE_WRITE of a path not present", what + " " + path);
        }
    }

    /**
     * Replays events into a view. Paths are made relative to the root; the root's own events and
     * the sync markers are left out.
     */
    static final class Replay {
        final Anomalies anomalies = new Anomalies();
        StormView current = new StormView(anomalies);
        StormView next;
        final String rootPrefix;
        int events;
        int overflows;
        int rescans;
        int synthetic;
        int creates;
        int deletes;
        int movedFrom;
        int movedTo;
        int closeWrites;
        int other;

        Replay(String root, Map<String, Boolean> initial) {
            this.rootPrefix = root.endsWith("/") ? root : root + "/";
            current.entries.putAll(initial);
        }

        void apply(StormWatch.Event e) {
            events++;
            if (e.has("Q_OVERFLOW")) {
                overflows++;
                return;
            }
            if (e.has("RESCAN_BEGIN")) {
                rescans++;
                // the fresh view fills up while events go on: what it lacks then is expected
                next = new StormView(new Anomalies());
                return;
            }
            if (e.has("RESCAN_END")) {
                if (next == null) {
                    anomalies.note("RESCAN_END without RESCAN_BEGIN", e.toString());
                } else {
                    current = next;
                    next = null;
                }
                return;
            }
            if (!e.path.startsWith(rootPrefix)) {
                other++;
                anomalies.note("event outside the root", e.toString());
                return;
            }
            String path = e.path.substring(rootPrefix.length());
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.isEmpty()) {
                other++;
                return;
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (last.startsWith(StormWatch.MARKER_PREFIX)) {
                return;
            }
            boolean dir = e.has("ISDIR");
            String what = e.toString();
            if (e.has("RESCAN")) {
                synthetic++;
                if (e.has("CREATE")) {
                    if (next == null) {
                        anomalies.note("RESCAN entry outside a rescan", what);
                        current.entries.put(path, dir);
                    } else {
                        next.entries.put(path, dir);
                    }
                } else if (e.has("DELETE")) {
                    current.entries.remove(path);
                    current.below(path).clear();
                    if (next != null) {
                        next.entries.remove(path);
                        next.below(path).clear();
                    }
                } else {
                    other++;
                }
                return;
            }
            if (e.has("CREATE")) {
                creates++;
                current.create(path, dir, what);
                if (next != null) {
                    next.entries.put(path, dir);
                }
            } else if (e.has("DELETE")) {
                deletes++;
                current.delete(path, what);
                if (next != null) {
                    next.entries.remove(path);
                    next.below(path).clear();
                }
            } else if (e.has("MOVED_FROM")) {
                movedFrom++;
                if (next != null) {
                    next.movedFrom(e.cookie, path, what);
                }
                current.movedFrom(e.cookie, path, what);
            } else if (e.has("MOVED_TO")) {
                movedTo++;
                if (next != null) {
                    next.movedTo(e.cookie, path, dir, what);
                }
                current.movedTo(e.cookie, path, dir, what);
            } else if (e.has("CLOSE_WRITE")) {
                closeWrites++;
                current.touched(path, what);
            } else {
                other++;
            }
        }
    }
}
