package org.inflow.rules;

import java.util.Arrays;

/**
 * A byte string as a hash key, compared with ASCII letters folded to lower case. Stored keys own
 * their bytes; the probe used for look-ups points into the caller's array and is reused.
 */
final class ByteKey {
    private byte[] bytes;
    private int offset;
    private int length;
    private int hash;

    ByteKey() {
    }

    static ByteKey copyOf(byte[] b) {
        ByteKey k = new ByteKey();
        k.point(Arrays.copyOf(b, b.length), 0, b.length);
        return k;
    }

    ByteKey point(byte[] b, int off, int len) {
        bytes = b;
        offset = off;
        length = len;
        int h = 1;
        for (int i = 0; i < len; i++) {
            h = 31 * h + Bytes.foldAscii(b[off + i] & 0xff);
        }
        hash = h;
        return this;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ByteKey)) {
            return false;
        }
        ByteKey k = (ByteKey) o;
        return k.hash == hash && sameFolded(k.bytes, k.offset, k.length);
    }

    /** Whether b[off, off+len) is this key, ASCII case folded, without hashing it first. */
    boolean sameFolded(byte[] b, int off, int len) {
        if (len != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Bytes.foldAscii(bytes[offset + i] & 0xff) != Bytes.foldAscii(b[off + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
