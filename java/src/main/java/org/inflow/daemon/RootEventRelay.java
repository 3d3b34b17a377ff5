package org.inflow.daemon;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

import com.lmax.disruptor.EventHandler;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleMatches;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.RuleReporter.RootState;

/**
 * Pipeline stage that tells each rule's reporter what happens to its root (ready, waiting for a
 * missing path, armed, gone, warnings, overflow), and remembers each root's last state so a
 * rule installed later on a shared root, and {@link RuleHost#awaitSettled}, know it too. These
 * records are rare, so allocating here is fine; plain events pass through untouched.
 */
final class RootEventRelay implements EventHandler<FsEvent> {
    private final LiveRules rules;
    private final RuleMatches matches = new RuleMatches();
    private final ConcurrentHashMap<Integer, Last> states = new ConcurrentHashMap<>();
    private final Object changed = new Object();

    private static final class Last {
        final RootState state;
        final byte[] path;
        final String detail;

        Last(RootState state, byte[] path, String detail) {
            this.state = state;
            this.path = path;
            this.detail = detail;
        }
    }

    RootEventRelay(LiveRules rules) {
        this.rules = rules;
    }

    @Override
    public void onEvent(FsEvent e, long sequence, boolean endOfBatch) {
        RootState state = stateOf(e.kind);
        if (state == null) {
            return;
        }
        byte[] path = e.dirBytes() == null ? new byte[0] : java.util.Arrays.copyOf(e.dirBytes(), e.dirLength());
        String detail = state == RootState.MISSING || state == RootState.WARNING ? e.nameString() : null;
        if (e.root >= 0 && state != RootState.WARNING && state != RootState.OVERFLOW) {
            states.put(e.root, new Last(state, path, detail));
            synchronized (changed) {
                changed.notifyAll();
            }
        }
        if (e.root < 0) {
            rules.current().allRules(matches);
        } else {
            rules.current().rulesOn(e.root, matches);
        }
        for (int i = 0; i < matches.size(); i++) {
            Rule r = matches.get(i);
            try {
                r.reporter().root(r, state, path, detail);
            } catch (RuntimeException bug) {
                // a reporter's failure must not stop the pipeline
                System.getLogger(RootEventRelay.class.getName()).log(System.Logger.Level.ERROR, "reporter failed", bug);
            }
        }
    }

    private static RootState stateOf(int kind) {
        switch (kind) {
            case Abi.KIND_READY: return RootState.READY;
            case Abi.KIND_ROOT_WAITING: return RootState.WAITING;
            case Abi.KIND_ROOT_ARMED: return RootState.ARMED;
            case Abi.KIND_ROOT_GONE: return RootState.GONE;
            case Abi.KIND_ROOT_MISSING: return RootState.MISSING;
            case Abi.KIND_WARNING: return RootState.WARNING;
            case Abi.KIND_OVERFLOW: return RootState.OVERFLOW;
            default: return null;
        }
    }

    /** Tells a rule newly bound to a root what that root's state already is. */
    void replayState(int root, Rule rule) {
        Last last = states.get(root);
        if (last != null) {
            rule.reporter().root(rule, last.state, last.path, last.detail);
        }
    }

    void forget(int root) {
        states.remove(root);
    }

    boolean allSettled(Collection<Integer> roots) {
        for (Integer id : roots) {
            Last last = states.get(id);
            if (last == null) {
                return false; // its initial crawl is still running
            }
        }
        return true;
    }

    void awaitChange(long nanos) throws InterruptedException {
        synchronized (changed) {
            changed.wait(Math.max(1, nanos / 1_000_000L));
        }
    }
}
