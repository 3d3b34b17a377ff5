package org.inflow.rules;

import java.nio.charset.StandardCharsets;

/**
 * A byte range seen as chars, one per byte (ISO-8859-1), so java.util.regex matches bytes 1:1 and
 * a name that is not UTF-8 still matches. Repointed for each match instead of making a String.
 */
final class ByteChars implements CharSequence {
    private byte[] bytes = new byte[0];
    private int offset;
    private int length;

    ByteChars wrap(byte[] b, int off, int len) {
        bytes = b;
        offset = off;
        length = len;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (bytes[offset + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(bytes, offset + start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
