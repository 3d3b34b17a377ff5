package org.inflow.act;

import org.inflow.rules.Rule;

/**
 * The open windows of one rule, in two orders: by first event (age) and by last event (quiet,
 * kept lazily: see {@link #due}).
 * A rule's settle window and max delay are the same for all its keys, so the head of each list is
 * the first to come due: finding due keys costs the number of due keys, not of pending ones.
 */
final class CoalescingRule {
    final Rule rule;
    final long settleNanos;
    final long maxDelayNanos;
    final int maxEvents;
    /** This rule's place in the coalescer's list of rules with open windows. */
    int slot = -1;
    int open;

    private CoalescingWindow ageHead;
    private CoalescingWindow ageTail;
    private CoalescingWindow quietHead;
    private CoalescingWindow quietTail;

    CoalescingRule(Rule rule) {
        this.rule = rule;
        this.settleNanos = rule.settleNanos();
        this.maxDelayNanos = rule.maxDelayNanos();
        this.maxEvents = rule.maxEvents();
    }

    void add(CoalescingWindow w) {
        w.agePrev = ageTail;
        if (ageTail == null) {
            ageHead = w;
        } else {
            ageTail.ageNext = w;
        }
        ageTail = w;
        insertQuiet(w, w.lastNanos);
        open++;
    }

    void remove(CoalescingWindow w) {
        if (w.agePrev == null) {
            ageHead = w.ageNext;
        } else {
            w.agePrev.ageNext = w.ageNext;
        }
        if (w.ageNext == null) {
            ageTail = w.agePrev;
        } else {
            w.ageNext.agePrev = w.agePrev;
        }
        w.agePrev = null;
        w.ageNext = null;
        unlinkQuiet(w);
        open--;
    }

    /**
     * The next window due at {@code now}, or null. With no settle window everything open is due,
     * oldest first; else first those past their max delay (oldest first), then those quiet for the
     * settle window (quiet longest first).
     */
    CoalescingWindow due(long now) {
        if (ageHead != null && (settleNanos == 0 || maxDelayNanos > 0 && now - ageHead.firstNanos >= maxDelayNanos)) {
            return ageHead;
        }
        // The quiet list is kept lazily: a new event only moves the window's lastNanos; a head
        // that had events since it was queued goes back to where its last event puts it. Events
        // thus cost no list work; each window moves at most once per look at the head.
        CoalescingWindow h;
        while ((h = quietHead) != null) {
            if (now - h.lastNanos >= settleNanos) {
                return h;
            }
            if (h.lastNanos == h.quietSince) {
                return null; // quiet since it was queued, so is everything behind it
            }
            unlinkQuiet(h);
            insertQuiet(h, h.lastNanos);
        }
        return null;
    }

    /** The oldest open window, for a flush that ignores time. */
    CoalescingWindow oldest() {
        return ageHead;
    }

    /** Queues w as quiet since `since`, keeping the list ordered by that (ties: last). */
    private void insertQuiet(CoalescingWindow w, long since) {
        w.quietSince = since;
        CoalescingWindow p = quietTail;
        while (p != null && p.quietSince - since > 0) {
            p = p.quietPrev;
        }
        w.quietPrev = p;
        w.quietNext = p == null ? quietHead : p.quietNext;
        if (w.quietNext == null) {
            quietTail = w;
        } else {
            w.quietNext.quietPrev = w;
        }
        if (p == null) {
            quietHead = w;
        } else {
            p.quietNext = w;
        }
    }

    private void unlinkQuiet(CoalescingWindow w) {
        if (w.quietPrev == null) {
            quietHead = w.quietNext;
        } else {
            w.quietPrev.quietNext = w.quietNext;
        }
        if (w.quietNext == null) {
            quietTail = w.quietPrev;
        } else {
            w.quietNext.quietPrev = w.quietPrev;
        }
        w.quietPrev = null;
        w.quietNext = null;
    }
}
