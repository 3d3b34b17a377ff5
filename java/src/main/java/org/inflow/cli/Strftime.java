package org.inflow.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** strftime(3) for --timefmt, as inotifywait passes it to the C library (C locale). */
final class Strftime {
    private final String pattern;
    private final ZoneId zone = ZoneId.systemDefault();
    private long cachedSecond = Long.MIN_VALUE;
    private String cached = "";

    Strftime(String pattern) {
        this.pattern = pattern;
    }

    /** Formats the current second; the result is reused until the second changes. */
    String now(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            cached = format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), zone));
            cachedSecond = second;
        }
        return cached;
    }

    String format(ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'Y': out.append(t.getYear()); break;
                case 'C': pad(out, t.getYear() / 100, 2); break;
                case 'y': pad(out, t.getYear() % 100, 2); break;
                case 'm': pad(out, t.getMonthValue(), 2); break;
                case 'd': pad(out, t.getDayOfMonth(), 2); break;
                case 'e': out.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth()); break;
                case 'j': pad(out, t.getDayOfYear(), 3); break;
                case 'H': pad(out, t.getHour(), 2); break;
                case 'I': pad(out, (t.getHour() + 11) % 12 + 1, 2); break;
                case 'M': pad(out, t.getMinute(), 2); break;
                case 'S': pad(out, t.getSecond(), 2); break;
                case 'p': out.append(t.getHour() < 12 ? "AM" : "PM"); break;
                case 'a': out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT)); break;
                case 'A': out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT)); break;
                case 'b': case 'h': out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT)); break;
                case 'B': out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT)); break;
                case 'u': out.append(t.getDayOfWeek().getValue()); break;
                case 'w': out.append(t.getDayOfWeek().getValue() % 7); break;
                case 's': out.append(t.toEpochSecond()); break;
                case 'Z': out.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT)); break;
                case 'z': {
                    int secs = t.getOffset().getTotalSeconds();
                    out.append(secs < 0 ? '-' : '+');
                    secs = Math.abs(secs);
                    pad(out, secs / 3600, 2);
                    pad(out, secs / 60 % 60, 2);
                    break;
                }
                case 'F': out.append(new Strftime("%Y-%m-%d").format(t)); break;
                case 'T': out.append(new Strftime("%H:%M:%S").format(t)); break;
                case 'R': out.append(new Strftime("%H:%M").format(t)); break;
                case 'D': out.append(new Strftime("%m/%d/%y").format(t)); break;
                case 'c': out.append(new Strftime("%a %b %e %H:%M:%S %Y").format(t)); break;
                case 'n': out.append('\n'); break;
                case 't': out.append('\t'); break;
                case '%': out.append('%'); break;
                default: out.append('%').append(f);
            }
        }
        return out.toString();
    }

    private static void pad(StringBuilder out, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        out.append(s);
    }
}
