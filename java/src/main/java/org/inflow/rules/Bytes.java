package org.inflow.rules;

import java.nio.charset.StandardCharsets;

/** Byte helpers shared by the rule model: paths stay bytes and are shown, never decoded, for humans. */
final class Bytes {
    private Bytes() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The text a pattern compiler works on: one char per byte of the pattern's UTF-8 form, so that
     * a pattern and a name (viewed the same way) compare byte for byte.
     */
    static String latin1View(String pattern) {
        return new String(utf8(pattern), StandardCharsets.ISO_8859_1);
    }

    /** For messages: UTF-8 where it is valid, with replacement characters where it is not. */
    static String show(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static int foldAscii(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** Removes trailing slashes, as the engine does with root paths ("/" stays "/"). */
    static byte[] trimTrailingSlashes(byte[] path) {
        int n = path.length;
        while (n > 1 && path[n - 1] == '/') {
            n--;
        }
        return java.util.Arrays.copyOf(path, n);
    }
}
