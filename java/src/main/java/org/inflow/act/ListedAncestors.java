package org.inflow.act;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells which listed paths lie below something in the source that is no longer a directory (a
 * directory replaced by a file of its name). rsync fails a run on such a path (ENOTDIR), while
 * the replacement, which is listed too, already deletes everything below it on the destination.
 * Looks each ancestor up once per list.
 */
final class ListedAncestors {
    private final String base;
    private final Map<String, Boolean> notDirectory = new HashMap<>();

    ListedAncestors(byte[] base) {
        String b = new String(base, StandardCharsets.ISO_8859_1);
        this.base = b.endsWith("/") ? b : b + "/";
    }

    /** @param listed a listed name, ISO-8859-1 form of its bytes */
    boolean belowNonDirectory(String listed) {
        for (int slash = listed.indexOf('/'); slash > 0; slash = listed.indexOf('/', slash + 1)) {
            String ancestor = listed.substring(0, slash);
            Boolean hit = notDirectory.get(ancestor);
            if (hit == null) {
                hit = existsAsNonDirectory(base + ancestor);
                notDirectory.put(ancestor, hit);
            }
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private static boolean existsAsNonDirectory(String latin1) {
        try {
            Path p = Path.of(new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return !a.isDirectory();
        } catch (Exception missingOrUnspellable) {
            return false; // missing: rsync calls it vanished, which is fine
        }
    }
}
