package org.inflow.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a rule does when a job of it is due. */
public abstract class ActionSpec {
    private ActionSpec() {
    }

    /** How jobs of this action are keyed unless the rule says otherwise. */
    public abstract Grouping defaultGrouping();

    public static Argv argv(List<Template> args) {
        return new Argv(args);
    }

    public static Shell shell(Template command, String shell) {
        return new Shell(command, shell);
    }

    public static RsyncBatch rsync(String program, List<String> options, byte[] source, List<byte[]> targets) {
        return new RsyncBatch(program, options, source, targets);
    }

    public static Print print(Template line) {
        return new Print(line);
    }

    public static Call call(Call.Callback callback) {
        return new Call(callback);
    }

    /** Executes args[0] with the rendered arguments; no shell is involved. */
    public static final class Argv extends ActionSpec {
        private final List<Template> args;

        private Argv(List<Template> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("a command needs a program");
            }
            this.args = Collections.unmodifiableList(new ArrayList<>(args));
        }

        public List<Template> args() {
            return args;
        }

        @Override
        public Grouping defaultGrouping() {
            return Grouping.PER_PATH;
        }

        @Override
        public String toString() {
            return "argv " + args;
        }
    }

    /**
     * Runs a command through a shell, for dialects whose original did. The runner must pass each
     * field as a positional parameter the script refers to, never paste it into the script text.
     */
    public static final class Shell extends ActionSpec {
        private final Template command;
        private final String shell;

        private Shell(Template command, String shell) {
            if (shell == null || shell.isEmpty()) {
                throw new IllegalArgumentException("a shell command needs a shell");
            }
            this.command = command;
            this.shell = shell;
        }

        public Template command() {
            return command;
        }

        /** Path of the shell, e.g. /bin/sh; it is run as {@code shell -c script}. */
        public String shell() {
            return shell;
        }

        @Override
        public Grouping defaultGrouping() {
            return Grouping.PER_PATH;
        }

        @Override
        public String toString() {
            return shell + " -c " + command;
        }
    }

    /** Copies the changed paths of the root (all of it after an overflow) to each target with rsync. */
    public static final class RsyncBatch extends ActionSpec {
        private final String program;
        private final List<String> options;
        private final byte[] source;
        private final List<byte[]> targets;

        private RsyncBatch(String program, List<String> options, byte[] source, List<byte[]> targets) {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("rsync needs at least one target");
            }
            this.program = program == null ? "rsync" : program;
            this.options = Collections.unmodifiableList(new ArrayList<>(options));
            this.source = source.clone();
            List<byte[]> copies = new ArrayList<>();
            for (byte[] t : targets) {
                copies.add(t.clone());
            }
            this.targets = Collections.unmodifiableList(copies);
        }

        public String program() {
            return program;
        }

        public List<String> options() {
            return options;
        }

        public byte[] source() {
            return source.clone();
        }

        /** Each target as rsync names it (host:path, module, or a local path). Do not modify. */
        public List<byte[]> targets() {
            return targets;
        }

        @Override
        public Grouping defaultGrouping() {
            return Grouping.PER_ROOT;
        }

        @Override
        public String toString() {
            return program + " " + String.join(" ", options) + " " + Bytes.show(source) + " -> " + targets.size() + " target(s)";
        }
    }

    /** Writes one rendered line per job to the daemon's output. */
    public static final class Print extends ActionSpec {
        private final Template line;

        private Print(Template line) {
            this.line = line;
        }

        public Template line() {
            return line;
        }

        @Override
        public Grouping defaultGrouping() {
            return Grouping.PER_PATH;
        }

        @Override
        public String toString() {
            return "print " + line;
        }
    }

    /**
     * Hands each due job to code in the daemon itself rather than to a child: for the daemon's
     * own housekeeping watches (its table directories), which then share the one inotify
     * instance and the coalescer's settle windows with every other rule.
     */
    public static final class Call extends ActionSpec {
        /** Called on one of the runner's threads, never on the pipeline's; must be thread-safe. */
        @FunctionalInterface
        public interface Callback {
            /** @param path the job's path (the root after an overflow), a copy */
            void due(Rule rule, byte[] path, int mask, boolean overflow);
        }

        private final Callback callback;

        private Call(Callback callback) {
            if (callback == null) {
                throw new IllegalArgumentException("a call needs a callback");
            }
            this.callback = callback;
        }

        public Callback callback() {
            return callback;
        }

        @Override
        public Grouping defaultGrouping() {
            return Grouping.PER_PATH;
        }

        @Override
        public String toString() {
            return "call " + callback;
        }
    }
}
