package org.inflow.act;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * rsync has no rename: a renamed directory would be deleted on the destination and sent again
 * whole. When the destination is a local directory, the rename can be done there first: a listed
 * path that is gone from the source but present on the destination, and a listed path that is
 * new on the destination but present in the source, are one rename when they look alike (a
 * directory with the same names in it, or a file with the same size and time). The rsync run that
 * follows makes the result exact whatever the guess was, so a wrong pairing costs a transfer,
 * never a difference.
 */
final class LocalRenames {
    /** Past this many listed paths the look-up costs more than it may save. */
    static final int MAX_LISTED = 10_000;

    private LocalRenames() {
    }

    /** rsync's own rule: "host:path" and "rsync://" are remote; a ':' after a '/' is part of a path. */
    static boolean isLocal(byte[] target) {
        for (byte b : target) {
            if (b == '/') {
                return true;
            }
            if (b == ':') {
                return false;
            }
        }
        return true;
    }

    /**
     * Does the renames it can find. @param base the source directory the names are relative to
     * @param listed the changed paths (ISO-8859-1 form of their bytes)
     * @return each rename done, as {from, to} destination paths
     */
    static List<String[]> apply(byte[] base, byte[] target, Collection<String> listed) {
        List<String[]> done = new ArrayList<>();
        if (listed.size() > MAX_LISTED || listed.size() < 2) {
            return done;
        }
        Path src = path(base);
        Path dst = path(target);
        if (src == null || dst == null || !Files.isDirectory(dst)) {
            return done;
        }
        Map<String, List<Path>> gone = new HashMap<>();
        List<Path[]> arrived = new ArrayList<>();
        for (String l : listed) {
            String name = utf8(l);
            if (name == null || name.isEmpty()) {
                continue; // a name Java cannot spell as a path: left to rsync
            }
            Path s;
            Path d;
            try {
                s = src.resolve(name);
                d = dst.resolve(name);
            } catch (RuntimeException notAPath) {
                continue; // e.g. the JVM's locale cannot encode it
            }
            boolean inSource = Files.exists(s, LinkOption.NOFOLLOW_LINKS);
            boolean inDest = Files.exists(d, LinkOption.NOFOLLOW_LINKS);
            if (!inSource && inDest) {
                String sig = signature(d);
                if (sig != null) {
                    gone.computeIfAbsent(sig, k -> new ArrayList<>()).add(d);
                }
            } else if (inSource && !inDest) {
                arrived.add(new Path[] {s, d});
            }
        }
        if (gone.isEmpty()) {
            return done;
        }
        for (Path[] a : arrived) {
            String sig = signature(a[0]);
            List<Path> candidates = sig == null ? null : gone.get(sig);
            if (candidates == null || candidates.size() != 1) {
                continue; // nothing alike, or no telling which
            }
            Path from = candidates.remove(0);
            try {
                Files.move(from, a[1], StandardCopyOption.ATOMIC_MOVE);
                done.add(new String[] {from.toString(), a[1].toString()});
            } catch (IOException | RuntimeException e) {
                // e.g. its new parent is not there yet: rsync sends it instead
            }
        }
        return done;
    }

    /** What a renamed entry keeps: a directory's names, a file's size and time; null for others. */
    private static String signature(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile()) {
                return "f " + a.size() + " " + a.lastModifiedTime().toMillis();
            }
            if (!a.isDirectory()) {
                return null;
            }
            TreeSet<String> names = new TreeSet<>();
            try (Stream<Path> s = Files.list(p)) {
                s.limit(10_000).forEach(x -> names.add(x.getFileName().toString()));
            }
            return names.isEmpty() ? null : "d " + String.join("/", names);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path path(byte[] b) {
        String s = utf8(new String(b, StandardCharsets.ISO_8859_1));
        try {
            return s == null || s.isEmpty() ? null : Path.of(s);
        } catch (RuntimeException notAPath) {
            return null;
        }
    }

    /** The name's bytes as UTF-8 text, or null when they are not UTF-8. */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
