package org.inflow.cli;

import java.util.ArrayList;
import java.util.List;

import org.inflow.pipeline.FsEvent;

/**
 * inotifywait's --format: %w %f %e %Xe %T %c %0 %%, compiled once into a list of steps.
 * Without --format the line is "%w %e %f"; --csv quotes each of those fields.
 */
final class TextFormat implements EventFormat {
    private interface Step {
        void emit(FsEvent e, EventView v, long millis, LineBuffer out);
    }

    private final List<Step> steps;

    private TextFormat(List<Step> steps) {
        this.steps = steps;
    }

    static TextFormat defaultFormat() {
        return compile("%w %e %f", null);
    }

    static TextFormat csv() {
        List<Step> steps = new ArrayList<>();
        LineBuffer field = new LineBuffer();
        steps.add((e, v, m, out) -> csvField(out, field, f -> v.watched(e, f)));
        steps.add((e, v, m, out) -> out.append((byte) ','));
        steps.add((e, v, m, out) -> csvField(out, field, f -> v.events(e, ',', f)));
        steps.add((e, v, m, out) -> out.append((byte) ','));
        steps.add((e, v, m, out) -> csvField(out, field, f -> v.name(e, f)));
        return new TextFormat(steps);
    }

    static TextFormat compile(String fmt, Strftime time) {
        List<Step> steps = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                literal.append(c);
                continue;
            }
            char f = fmt.charAt(++i);
            Step step = null;
            switch (f) {
                case 'w': step = (e, v, m, out) -> v.watched(e, out); break;
                case 'f': step = (e, v, m, out) -> v.name(e, out); break;
                case 'e': step = (e, v, m, out) -> v.events(e, ',', out); break;
                case 'c': step = (e, v, m, out) -> out.append(Integer.toHexString(e.cookie)); break; // hex, as inotifywait
                case '0': literal.append('\0'); break;
                case '%': literal.append('%'); break;
                case 'T':
                    if (time != null) {
                        step = (e, v, m, out) -> out.append(time.now(m));
                    }
                    break;
                default:
                    if (i + 1 < fmt.length() && fmt.charAt(i + 1) == 'e') {
                        char sep = f;
                        i++;
                        step = (e, v, m, out) -> v.events(e, sep, out);
                    } else {
                        literal.append('%').append(f);
                    }
            }
            if (step != null) {
                flushLiteral(literal, steps);
                steps.add(step);
            }
        }
        flushLiteral(literal, steps);
        return new TextFormat(steps);
    }

    private static void flushLiteral(StringBuilder literal, List<Step> steps) {
        if (literal.length() == 0) {
            return;
        }
        byte[] bytes = literal.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        steps.add((e, v, m, out) -> out.append(bytes, 0, bytes.length));
        literal.setLength(0);
    }

    /** RFC 4180 quoting, applied only when the field needs it, as inotifywait's --csv does. */
    private static void csvField(LineBuffer out, LineBuffer field, java.util.function.Consumer<LineBuffer> fill) {
        field.clear();
        fill.accept(field);
        byte[] tmp = field.toByteArray();
        boolean quote = false;
        for (byte b : tmp) {
            if (b == ',' || b == '"' || b == '\n' || b == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            out.append(tmp, 0, tmp.length);
            return;
        }
        out.append((byte) '"');
        for (byte b : tmp) {
            if (b == '"') {
                out.append((byte) '"');
            }
            out.append(b);
        }
        out.append((byte) '"');
    }

    @Override
    public void format(FsEvent event, EventView view, long epochMillis, LineBuffer out) {
        for (Step s : steps) {
            s.emit(event, view, epochMillis, out);
        }
    }
}
