package org.inflow.cli;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;

/**
 * --json: one object per line. Names are bytes; valid UTF-8 is written as is, and each byte that
 * is not part of a valid UTF-8 sequence is written as the escape \\udcXX (XX = the byte), the
 * "surrogateescape" convention: Python's json.loads followed by os.fsencode gives back the exact
 * bytes, and other readers can map U+DC80..U+DCFF back to 0x80..0xFF the same way.
 */
final class JsonFormat implements EventFormat {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Strftime seconds = new Strftime("%Y-%m-%dT%H:%M:%S");
    private final Strftime zone = new Strftime("%z");
    private final LineBuffer field = new LineBuffer();

    @Override
    public void format(FsEvent e, EventView v, long millis, LineBuffer out) {
        out.append("{\"time\":\"").append(seconds.now(millis)).append(".");
        long ms = Math.floorMod(millis, 1000L);
        out.append((byte) ('0' + ms / 100)).append((byte) ('0' + ms / 10 % 10)).append((byte) ('0' + ms % 10));
        out.append(zone.now(millis)).append("\",\"events\":[");
        boolean[] first = {true};
        EventView.eachName(e, name -> {
            if (!first[0]) {
                out.append((byte) ',');
            }
            first[0] = false;
            out.append((byte) '"').append(name).append((byte) '"');
        });
        out.append("],\"watched\":");
        field.clear();
        v.watched(e, field);
        string(field, out);
        out.append(",\"name\":");
        field.clear();
        v.name(e, field);
        string(field, out);
        out.append(",\"path\":");
        field.clear();
        v.watched(e, field);
        v.name(e, field);
        string(field, out);
        out.append(",\"isdir\":").append(e.isDir() ? "true" : "false");
        out.append(",\"cookie\":").number(Integer.toUnsignedLong(e.cookie));
        out.append(",\"synthetic\":").append(e.isSynthetic() && !e.isRescan() ? "true" : "false");
        out.append(",\"rescan\":").append(e.isRescan() || e.kind == Abi.KIND_RESCAN_BEGIN
                || e.kind == Abi.KIND_RESCAN_END ? "true" : "false");
        out.append((byte) '}');
    }

    private static void string(LineBuffer src, LineBuffer out) {
        byte[] b = src.toByteArray();
        out.append((byte) '"');
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    out.append((byte) '\\').append((byte) c);
                } else if (c < 0x20) {
                    escape(out, c);
                } else {
                    out.append((byte) c);
                }
                i++;
                continue;
            }
            int n = utf8Length(b, i);
            if (n > 0) {
                out.append(b, i, n);
                i += n;
            } else {
                escape(out, 0xdc00 | c);
                i++;
            }
        }
        out.append((byte) '"');
    }

    private static void escape(LineBuffer out, int unit) {
        out.append((byte) '\\').append((byte) 'u');
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.append(HEX[(unit >> shift) & 0xf]);
        }
    }

    /** Length of the valid UTF-8 sequence starting at i (lead byte >= 0x80), or 0 if invalid. */
    static int utf8Length(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > b.length) {
            return 0;
        }
        int cp = c & (0xff >> (n + 1));
        for (int k = 1; k < n; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        return n;
    }
}
