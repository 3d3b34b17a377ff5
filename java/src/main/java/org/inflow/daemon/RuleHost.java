package org.inflow.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.inflow.act.ActionRunner;
import org.inflow.act.Coalescer;
import org.inflow.act.Job;
import org.inflow.act.NativeSpawner;
import org.inflow.act.RsyncMirror;
import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.EventPipeline;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.RuleReporter;

/**
 * Runs the rules of any number of sources (a table, a configuration file) on one inotify
 * instance: one engine, one pipeline, one spawner. A source's rules are replaced as a whole by
 * {@link #install}; the new rules' watches are set before the old ones go, and the matcher swaps
 * from the old rules to the new in one step, so a reload loses no event and runs none twice.
 * Rules that watch the same way (root, depth, mask, excludes, options) share one engine root, so
 * hundreds of tables naming the same directory cost one crawl.
 */
public final class RuleHost implements AutoCloseable {
    private final LiveRules live = new LiveRules();
    private final NativeSpawner spawner;
    private final ActionRunner runner;
    private final RootEventRelay relay;
    private final EventPipeline pipeline;
    private final Map<String, List<Bound>> sources = new HashMap<>();
    private final Map<RootKey, EngineRoot> roots = new HashMap<>();
    private boolean started;

    /** @param maxRunning most children at once over every rule; 0 = no cap beyond each rule's own */
    public RuleHost(int maxRunning) throws IOException {
        spawner = new NativeSpawner();
        runner = new ActionRunner(spawner, maxRunning, ActionRunner.OnBusy.QUEUE, (byte) '\n', null);
        relay = new RootEventRelay(live);
        pipeline = EventPipeline.builder().tickMillis(10).then(relay).then(new Coalescer(live, runner)).build();
        runner.onRoom(pipeline::wake); // a job refused at a cap goes out when a run ends, not at the next tick
    }

    /** Starts reading events; rules may be installed before and after. */
    public synchronized void start() throws IOException {
        if (!started) {
            pipeline.start();
            started = true;
        }
    }

    /**
     * Replaces every rule of `source` with these. A rule whose root cannot be watched at all (a
     * bad exclude regex) is reported to its reporter as MISSING and left out; the others run.
     */
    public synchronized void install(String source, List<Rule> rules) {
        List<Bound> next = new ArrayList<>(rules.size());
        // Rules that watch one tree share one engine root with the union of their events and
        // the deepest of their depths, whichever source they come from: two roots on one
        // directory would fight over its watch. The matcher still gives each rule only its own
        // events and levels.
        Map<RootKey, int[]> wanted = new HashMap<>();
        for (Rule rule : rules) {
            int[] w = wanted.computeIfAbsent(RootKey.of(rule), k -> new int[] {0, 0});
            w[0] |= rule.mask() & InotifyMask.IN_ALL_EVENTS;
            w[1] = deeper(w[1], rule.maxDepth());
        }
        for (Rule rule : rules) {
            RootKey key = RootKey.of(rule);
            int[] want = wanted.get(key);
            EngineRoot root = roots.get(key);
            if (root == null) {
                int id;
                try {
                    id = pipeline.engine().addRoot(rule.root(), want[0], want[1], rule.watchExclude(), null, key.opts);
                } catch (IllegalArgumentException bad) {
                    rule.reporter().root(rule, RuleReporter.RootState.MISSING, rule.root(), bad.getMessage());
                    continue;
                }
                root = new EngineRoot(id, want[0], want[1]);
                roots.put(key, root);
            } else if ((want[0] & ~root.mask) != 0 || deeper(root.depth, want[1]) != root.depth) {
                root.mask |= want[0];
                root.depth = deeper(root.depth, want[1]);
                pipeline.engine().updateRoot(root.id, root.mask, root.depth);
            }
            root.refs++;
            next.add(new Bound(key, root.id, rule));
        }
        List<Bound> old = sources.put(source, next);
        swap(old, next);
        for (Bound b : next) {
            relay.replayState(b.rootId, b.rule); // a shared root may be ready already
        }
    }

    /** Removes every rule of `source` and the watches only they needed. */
    public synchronized void uninstall(String source) {
        swap(sources.remove(source), List.of());
    }

    /** The rules `source` has now (empty if none). */
    public synchronized List<Rule> rules(String source) {
        List<Rule> out = new ArrayList<>();
        for (Bound b : sources.getOrDefault(source, List.of())) {
            out.add(b.rule);
        }
        return out;
    }

    public synchronized List<String> sources() {
        return new ArrayList<>(sources.keySet());
    }

    /**
     * Waits until every installed root has finished its initial crawl (or is waiting for a
     * missing path, or cannot be watched). @return false if that took longer than `millis`, or
     * the host is not started yet
     */
    public boolean awaitSettled(long millis) throws InterruptedException {
        synchronized (this) {
            if (!started) {
                return false; // nothing is crawled before start(): waiting would only time out
            }
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            List<Integer> ids;
            synchronized (this) {
                ids = new ArrayList<>();
                for (EngineRoot r : roots.values()) {
                    ids.add(r.id);
                }
            }
            if (relay.allSettled(ids)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            relay.awaitChange(Math.min(left, 100_000_000L));
        }
    }

    /** The rsync rules' destinations: their first full run ({@code resync}) and pretend mode. */
    public RsyncMirror mirror() {
        return runner.mirror();
    }

    /**
     * Runs a command the daemon made for one of its rules, as that rule's next job (see
     * {@link Job#prepared}). Call it from the pipeline's threads (a {@code RuleReporter}'s root
     * report) to have it ordered before the rule's later events. False only when the rule already
     * has a full backlog of runs waiting: nothing was run then.
     */
    public boolean run(Rule rule, byte[][] argv, byte[][] env, byte[] cwd) {
        return runner.offer(Job.prepared(rule, argv, env, cwd));
    }

    /** Children now running. */
    public int running() {
        return runner.running();
    }

    /** Stops reading, runs what is pending (flush), then ends every child. */
    @Override
    public synchronized void close() {
        pipeline.close();
        runner.close();
        spawner.close();
    }

    private void swap(List<Bound> old, List<Bound> next) {
        List<Bound> gone = old == null ? List.of() : old;
        live.update(index -> {
            RuleIndex.Builder b = index.toBuilder();
            for (Bound x : gone) {
                b.remove(x.rule);
            }
            for (Bound x : next) {
                b.add(x.rootId, x.rule);
            }
            return b.build();
        });
        for (Bound x : gone) {
            EngineRoot root = roots.get(x.key);
            if (root != null && --root.refs == 0) {
                roots.remove(x.key);
                pipeline.engine().removeRoot(root.id);
                relay.forget(root.id);
            }
        }
    }

    private static final class Bound {
        final RootKey key;
        final int rootId;
        final Rule rule;

        Bound(RootKey key, int rootId, Rule rule) {
            this.key = key;
            this.rootId = rootId;
            this.rule = rule;
        }
    }

    /** The larger of two depths, -1 (unlimited) being the largest. */
    private static int deeper(int a, int b) {
        return a < 0 || b < 0 ? -1 : Math.max(a, b);
    }

    private static final class EngineRoot {
        final int id;
        int mask;
        int depth;
        int refs;

        EngineRoot(int id, int mask, int depth) {
            this.id = id;
            this.mask = mask;
            this.depth = depth;
        }
    }

    /** What makes two rules watch the same tree: where, which subtrees are left out, how the root is found. */
    private static final class RootKey {
        final byte[] path;
        final String exclude;
        final int opts;

        private RootKey(byte[] path, String exclude, int opts) {
            this.path = path;
            this.exclude = exclude;
            this.opts = opts;
        }

        static RootKey of(Rule r) {
            int opts = (r.waitMissing() ? Abi.ROOT_WAIT_MISSING : 0) | (r.followRoot() ? 0 : Abi.ROOT_NOFOLLOW);
            return new RootKey(r.root(), r.watchExclude(), opts);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RootKey)) {
                return false;
            }
            RootKey k = (RootKey) o;
            return opts == k.opts && Arrays.equals(path, k.path) && Objects.equals(exclude, k.exclude);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + Objects.hash(exclude, opts);
        }
    }
}
