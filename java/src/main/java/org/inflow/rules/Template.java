package org.inflow.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Text with holes the runner fills from a job: one argv element, a shell command, an environment
 * value or a printed line. A dialect compiles its own placeholder syntax ($@, $#, $file, ...) into
 * these parts, so nothing below the dialect reads that syntax; fill-in values stay bytes.
 */
public final class Template {
    /** What a {@link Field} part stands for. */
    public enum Source {
        /** The full path: directory, '/', name (the root for a job of the whole root). */
        PATH,
        /** The directory the event happened in. */
        DIR,
        /** The entry's name within DIR (empty for an event on the directory itself). */
        NAME,
        /** The rule's root. */
        ROOT,
        /** PATH relative to ROOT (empty for the root itself). */
        RELATIVE_PATH
    }

    /** One piece of a template. */
    public interface Part {
    }

    /** Literal bytes. */
    public static final class Text implements Part {
        private final byte[] bytes;

        Text(byte[] bytes) {
            this.bytes = bytes;
        }

        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return Bytes.show(bytes);
        }
    }

    /** A path taken from the job. */
    public static final class Field implements Part {
        private final Source source;

        Field(Source source) {
            this.source = source;
        }

        public Source source() {
            return source;
        }

        @Override
        public String toString() {
            return "{" + source + "}";
        }
    }

    /** The job's event mask, rendered by the dialect (names like "IN_CREATE,IN_ISDIR", or a number). */
    public static final class Mask implements Part {
        private final IntFunction<String> format;

        Mask(IntFunction<String> format) {
            this.format = format;
        }

        public String render(int mask) {
            return format.apply(mask);
        }

        @Override
        public String toString() {
            return "{mask}";
        }
    }

    private static final Template EMPTY = new Template(Collections.emptyList());

    private final List<Part> parts;

    private Template(List<Part> parts) {
        this.parts = parts;
    }

    public static Template empty() {
        return EMPTY;
    }

    public static Template of(String text) {
        return builder().text(text).build();
    }

    public static Template of(byte[] text) {
        return builder().text(text).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Part> parts() {
        return parts;
    }

    /** True when no part depends on the job: the runner may render it once. */
    public boolean isConstant() {
        for (Part p : parts) {
            if (!(p instanceof Text)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Part p : parts) {
            s.append(p);
        }
        return s.toString();
    }

    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();
        private byte[] pending = new byte[0];

        public Builder text(String text) {
            return text(Bytes.utf8(text));
        }

        /** Adjacent text is merged, so parts alternate between text and fields. */
        public Builder text(byte[] text) {
            int n = pending.length;
            pending = Arrays.copyOf(pending, n + text.length);
            System.arraycopy(text, 0, pending, n, text.length);
            return this;
        }

        public Builder field(Source source) {
            flushText();
            parts.add(new Field(source));
            return this;
        }

        public Builder mask(IntFunction<String> format) {
            flushText();
            parts.add(new Mask(format));
            return this;
        }

        public Template build() {
            flushText();
            return parts.isEmpty() ? EMPTY : new Template(Collections.unmodifiableList(new ArrayList<>(parts)));
        }

        private void flushText() {
            if (pending.length > 0) {
                parts.add(new Text(pending));
                pending = new byte[0];
            }
        }
    }
}
