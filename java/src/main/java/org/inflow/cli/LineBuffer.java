package org.inflow.cli;

import java.io.IOException;
import java.io.OutputStream;

/** A reusable byte line: output is assembled as bytes so file names reach the terminal unchanged. */
final class LineBuffer {
    private byte[] buf = new byte[4096];
    private int len;

    LineBuffer append(byte b) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = b;
        return this;
    }

    LineBuffer append(byte[] src, int off, int n) {
        if (len + n > buf.length) {
            grow(n);
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
        return this;
    }

    /** Appends chars below 0x80 as bytes; others as UTF-8. */
    LineBuffer append(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                append((byte) c);
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                append(b, 0, b.length);
            }
        }
        return this;
    }

    LineBuffer number(long v) {
        return append(Long.toString(v));
    }

    int length() {
        return len;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
        len = 0;
    }

    byte[] toByteArray() {
        return java.util.Arrays.copyOf(buf, len);
    }

    void clear() {
        len = 0;
    }

    private void grow(int need) {
        byte[] bigger = new byte[Math.max(buf.length * 2, len + need)];
        System.arraycopy(buf, 0, bigger, 0, len);
        buf = bigger;
    }
}
