package org.inflow.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one engine root, split so that an event only meets the rules that could want it:
 * rules whose name filter names its exact names or extensions are found by the event's name;
 * the rest are always asked. Every array is in index order.
 */
final class RootRules {
    static final BoundRule[] NONE = new BoundRule[0];

    final BoundRule[] all;
    final BoundRule[] unindexed;
    private final Map<ByteKey, BoundRule[]> byName;
    private final Map<ByteKey, BoundRule[]> byExtension;
    /** The same as byExtension when it is this small: compared in turn, as hashing costs more. */
    private final ByteKey[] fewExtensions;
    private final BoundRule[][] fewExtensionRules;
    private static final int FEW = 4;

    RootRules(List<BoundRule> rules) {
        all = rules.toArray(NONE);
        List<BoundRule> rest = new ArrayList<>();
        Map<ByteKey, List<BoundRule>> names = new HashMap<>();
        Map<ByteKey, List<BoundRule>> extensions = new HashMap<>();
        for (BoundRule b : rules) {
            IndexKeys keys = b.rule.names() == null ? null : b.rule.names().indexKeys();
            if (keys == null) {
                rest.add(b);
                continue;
            }
            for (byte[] n : keys.names) {
                addOnce(names, n, b);
            }
            for (byte[] e : keys.extensions) {
                addOnce(extensions, e, b);
            }
        }
        unindexed = rest.toArray(NONE);
        byName = freeze(names);
        byExtension = freeze(extensions);
        if (byExtension.size() <= FEW) {
            fewExtensions = byExtension.keySet().toArray(new ByteKey[0]);
            fewExtensionRules = new BoundRule[fewExtensions.length][];
            for (int i = 0; i < fewExtensions.length; i++) {
                fewExtensionRules[i] = byExtension.get(fewExtensions[i]);
            }
        } else {
            fewExtensions = null;
            fewExtensionRules = null;
        }
    }

    /** Rules that may want an entry of exactly this name. */
    BoundRule[] named(byte[] b, int off, int len, ByteKey probe) {
        if (byName.isEmpty()) {
            return NONE;
        }
        BoundRule[] hit = byName.get(probe.point(b, off, len));
        return hit == null ? NONE : hit;
    }

    /** Rules that may want an entry with this name's extension (after its last '.'). */
    BoundRule[] withExtension(byte[] b, int off, int len, ByteKey probe) {
        if (byExtension.isEmpty()) {
            return NONE;
        }
        int dot = -1;
        for (int i = off + len - 1; i >= off; i--) {
            if (b[i] == '.') {
                dot = i;
                break;
            }
        }
        if (dot < 0) {
            return NONE;
        }
        int extLen = off + len - dot - 1;
        if (fewExtensions != null) {
            for (int i = 0; i < fewExtensions.length; i++) {
                if (fewExtensions[i].sameFolded(b, dot + 1, extLen)) {
                    return fewExtensionRules[i];
                }
            }
            return NONE;
        }
        BoundRule[] hit = byExtension.get(probe.point(b, dot + 1, extLen));
        return hit == null ? NONE : hit;
    }

    private static void addOnce(Map<ByteKey, List<BoundRule>> map, byte[] key, BoundRule b) {
        List<BoundRule> list = map.computeIfAbsent(ByteKey.copyOf(key), k -> new ArrayList<>());
        if (list.isEmpty() || list.get(list.size() - 1) != b) {
            list.add(b);
        }
    }

    private static Map<ByteKey, BoundRule[]> freeze(Map<ByteKey, List<BoundRule>> map) {
        Map<ByteKey, BoundRule[]> out = new HashMap<>();
        for (Map.Entry<ByteKey, List<BoundRule>> e : map.entrySet()) {
            out.put(e.getKey(), e.getValue().toArray(NONE));
        }
        return out;
    }
}
