package org.inflow.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thing to do when something changes under a root: which events (mask, depth, names,
 * excludes, dot entries), what to run (action, user, environment, directory, stdio, timeout), and
 * how runs are paced (settle window, max delay, max events, serial runs, no-loop, oneshot,
 * concurrency). Dialects build rules; nothing here knows which dialect did. Immutable; equality is
 * identity, so a reloaded rule is a new rule.
 */
public final class Rule {
    /** Recursion depth meaning "every level below the root". */
    public static final int UNLIMITED_DEPTH = -1;

    private static final AtomicLong SERIALS = new AtomicLong();

    private final long id;
    private final String origin;
    private final byte[] root;
    private final int maxDepth;
    private final int mask;
    private final PathFilter names;
    private final List<PathFilter> excludes;
    private final PathFilter[] excludeArray;
    private final DotPolicy dots;
    private final ActionSpec action;
    private final Grouping grouping;
    private final String user;
    private final EnvPolicy env;
    private final CwdPolicy cwd;
    private final StdioPolicy stdio;
    private final boolean closeUnusedStdio;
    private final Duration timeout;
    private final boolean serial;
    private final Object serialGroup;
    private final boolean noLoop;
    private final boolean oneshot;
    private final Duration settle;
    private final Duration maxDelay;
    private final long settleNanos;
    private final long maxDelayNanos;
    private final int maxEvents;
    private final int maxRunning;
    private final boolean waitMissing;
    private final boolean followRoot;
    private final String watchExclude;
    private final boolean overflowRuns;
    private final RuleReporter reporter;

    private Rule(Builder b) {
        id = SERIALS.incrementAndGet();
        origin = b.origin;
        root = Bytes.trimTrailingSlashes(b.root);
        maxDepth = b.maxDepth;
        mask = b.mask;
        names = b.names;
        excludes = Collections.unmodifiableList(new ArrayList<>(b.excludes));
        excludeArray = excludes.toArray(new PathFilter[0]);
        dots = b.dots;
        action = b.action;
        grouping = b.grouping != null ? b.grouping : b.action.defaultGrouping();
        user = b.user;
        env = b.env;
        cwd = b.cwd;
        stdio = b.stdio;
        closeUnusedStdio = b.closeUnusedStdio;
        timeout = b.timeout;
        serial = b.serial;
        serialGroup = b.serialGroup;
        noLoop = b.noLoop;
        oneshot = b.oneshot;
        settle = b.settle;
        maxDelay = b.maxDelay;
        settleNanos = settle.toNanos();
        maxDelayNanos = maxDelay.toNanos();
        maxEvents = b.maxEvents;
        maxRunning = b.maxRunning;
        waitMissing = b.waitMissing;
        followRoot = b.followRoot;
        watchExclude = b.watchExclude;
        overflowRuns = b.overflowRuns;
        reporter = b.reporter;
    }

    public static Builder builder(byte[] root) {
        return new Builder(root);
    }

    public static Builder builder(String root) {
        return new Builder(Bytes.utf8(root));
    }

    /** Unique in this process, increasing in creation order; for logs and hashing. */
    public long id() {
        return id;
    }

    /** Where the rule came from, for messages (e.g. "/etc/incron.d/web:3"), or null. */
    public String origin() {
        return origin;
    }

    /** The watched path without trailing slashes (a copy). */
    public byte[] root() {
        return root.clone();
    }

    byte[] rootBytes() {
        return root;
    }

    /** How many directory levels below the root are watched; 0 = the root only, -1 = all. */
    public int maxDepth() {
        return maxDepth;
    }

    /** inotify event bits the rule wants. */
    public int mask() {
        return mask;
    }

    /** The test an entry's name must pass, or null for every name. */
    public PathFilter names() {
        return names;
    }

    /** Paths relative to the root that the rule ignores, with everything below them. */
    public List<PathFilter> excludes() {
        return excludes;
    }

    PathFilter[] excludeArray() {
        return excludeArray;
    }

    public DotPolicy dots() {
        return dots;
    }

    public ActionSpec action() {
        return action;
    }

    public Grouping grouping() {
        return grouping;
    }

    /** The user to run as ("NAME", or "NAME:GROUP" for a group other than NAME's own), or null for the daemon's user. */
    public String user() {
        return user;
    }

    public EnvPolicy env() {
        return env;
    }

    public CwdPolicy cwd() {
        return cwd;
    }

    public StdioPolicy stdio() {
        return stdio;
    }

    /** Standard streams the child does not use (not captured, not inherited) are closed rather than /dev/null. */
    public boolean closeUnusedStdio() {
        return closeUnusedStdio;
    }

    /** How long a run may take before it is stopped; zero = no limit. */
    public Duration timeout() {
        return timeout;
    }

    /** Runs of this rule one at a time, in the order of their events ("wait"), rather than at once. */
    public boolean serial() {
        return serial;
    }

    /**
     * Serial rules with the same group (compared by identity) run one at a time among them, in
     * the order of their events, as one rule would (direvent: one watcher, several paths); they
     * share their run state. Null: the rule is its own group.
     */
    public Object serialGroup() {
        return serialGroup;
    }

    /** Events the rule's own child causes, while it runs, are ignored. */
    public boolean noLoop() {
        return noLoop;
    }

    /** The rule is removed after its first run. */
    public boolean oneshot() {
        return oneshot;
    }

    /** Quiet time after the last event of a key before its job is due; zero = at the end of the batch. */
    public Duration settle() {
        return settle;
    }

    public long settleNanos() {
        return settleNanos;
    }

    /** Longest time from the first event of a key to its job, however busy the key; zero = no cap. */
    public Duration maxDelay() {
        return maxDelay;
    }

    public long maxDelayNanos() {
        return maxDelayNanos;
    }

    /** A key's job is due once it holds this many events; zero = no cap. */
    public int maxEvents() {
        return maxEvents;
    }

    /** Most runs of this rule at once; zero = no limit of its own. */
    public int maxRunning() {
        return maxRunning;
    }

    /** A missing root (or one deleted later) is waited for and watched when it appears. */
    public boolean waitMissing() {
        return waitMissing;
    }

    /** A root that is a symlink is followed (false: the link itself is watched). */
    public boolean followRoot() {
        return followRoot;
    }

    /**
     * A POSIX extended regex over full paths: matching directories are not even watched, and no
     * event below them reaches the rule; or null.
     */
    public String watchExclude() {
        return watchExclude;
    }

    /**
     * After lost events (overflow) the rule runs once for its whole root; false: it does not
     * (its reporter still hears OVERFLOW), for dialects whose rules ask for overflows by name.
     */
    public boolean overflowRuns() {
        return overflowRuns;
    }

    /** Who hears what happens to this rule (runs, exits, output, its root). */
    public RuleReporter reporter() {
        return reporter;
    }

    @Override
    public String toString() {
        return origin != null ? origin : "rule#" + id + " " + Bytes.show(root);
    }

    public static final class Builder {
        private String origin;
        private final byte[] root;
        private int maxDepth;
        private int mask = 0xfff;
        private PathFilter names;
        private final List<PathFilter> excludes = new ArrayList<>();
        private DotPolicy dots = DotPolicy.INCLUDE;
        private ActionSpec action;
        private Grouping grouping;
        private String user;
        private EnvPolicy env = EnvPolicy.inherit();
        private CwdPolicy cwd = CwdPolicy.daemon();
        private StdioPolicy stdio = StdioPolicy.DEV_NULL;
        private boolean closeUnusedStdio;
        private Duration timeout = Duration.ZERO;
        private boolean serial;
        private Object serialGroup;
        private boolean noLoop;
        private boolean oneshot;
        private Duration settle = Duration.ZERO;
        private Duration maxDelay = Duration.ZERO;
        private int maxEvents;
        private int maxRunning;
        private boolean waitMissing;
        private boolean followRoot = true;
        private String watchExclude;
        private boolean overflowRuns = true;
        private RuleReporter reporter = RuleReporter.SILENT;

        private Builder(byte[] root) {
            if (root == null || root.length == 0) {
                throw new IllegalArgumentException("a rule needs a root path");
            }
            this.root = root.clone();
        }

        public Builder origin(String where) {
            origin = where;
            return this;
        }

        public Builder maxDepth(int levels) {
            if (levels < UNLIMITED_DEPTH) {
                throw new IllegalArgumentException("depth must be -1 (unlimited) or more: " + levels);
            }
            maxDepth = levels;
            return this;
        }

        public Builder recursive() {
            return maxDepth(UNLIMITED_DEPTH);
        }

        public Builder mask(int bits) {
            mask = bits;
            return this;
        }

        public Builder names(PathFilter filter) {
            names = filter;
            return this;
        }

        public Builder exclude(PathFilter filter) {
            excludes.add(filter);
            return this;
        }

        public Builder dots(DotPolicy policy) {
            dots = policy;
            return this;
        }

        public Builder action(ActionSpec spec) {
            action = spec;
            return this;
        }

        /** Overrides the action's default grouping. */
        public Builder grouping(Grouping g) {
            grouping = g;
            return this;
        }

        public Builder user(String name) {
            user = name;
            return this;
        }

        public Builder env(EnvPolicy policy) {
            env = policy;
            return this;
        }

        public Builder cwd(CwdPolicy policy) {
            cwd = policy;
            return this;
        }

        public Builder stdio(StdioPolicy policy) {
            stdio = policy;
            return this;
        }

        /** For a tool whose children had their unused standard streams closed (direvent). */
        public Builder closeUnusedStdio(boolean close) {
            closeUnusedStdio = close;
            return this;
        }

        public Builder timeout(Duration d) {
            timeout = nonNegative("timeout", d);
            return this;
        }

        public Builder serial(boolean oneAtATime) {
            serial = oneAtATime;
            return this;
        }

        public Builder serialGroup(Object group) {
            serialGroup = group;
            return this;
        }

        public Builder noLoop(boolean ignoreOwnEvents) {
            noLoop = ignoreOwnEvents;
            return this;
        }

        public Builder oneshot(boolean once) {
            oneshot = once;
            return this;
        }

        public Builder settle(Duration d) {
            settle = nonNegative("settle", d);
            return this;
        }

        public Builder maxDelay(Duration d) {
            maxDelay = nonNegative("max delay", d);
            return this;
        }

        public Builder maxEvents(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max events must be 0 (no cap) or more: " + n);
            }
            maxEvents = n;
            return this;
        }

        public Builder maxRunning(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max running must be 0 (no cap) or more: " + n);
            }
            maxRunning = n;
            return this;
        }

        public Builder waitMissing(boolean wait) {
            waitMissing = wait;
            return this;
        }

        public Builder followRoot(boolean follow) {
            followRoot = follow;
            return this;
        }

        public Builder watchExclude(String ere) {
            watchExclude = ere;
            return this;
        }

        public Builder overflowRuns(boolean run) {
            overflowRuns = run;
            return this;
        }

        public Builder reporter(RuleReporter r) {
            reporter = r == null ? RuleReporter.SILENT : r;
            return this;
        }

        public Rule build() {
            if (action == null) {
                throw new IllegalStateException("a rule needs an action");
            }
            if ((mask & ~InotifyMask.IN_ISDIR) == 0) {
                throw new IllegalStateException("a rule needs at least one event in its mask");
            }
            return new Rule(this);
        }

        private static Duration nonNegative(String what, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be zero or more: " + d);
            }
            return d;
        }
    }
}
