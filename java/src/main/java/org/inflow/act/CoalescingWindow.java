package org.inflow.act;

/**
 * The pending state of one key: its job being filled, when its first and last events came, and
 * its links in its rule's two time-ordered lists (and, once due, in the ready queue).
 */
final class CoalescingWindow {
    final CoalescerKey key;
    final CoalescingRule owner;
    final Job job;
    long firstNanos;
    long lastNanos;
    /** lastNanos when the window took its place in the quiet list (it may have had events since). */
    long quietSince;
    /** Due and waiting for the sink; events still fold into the job, timing no longer matters. */
    boolean ready;

    CoalescingWindow agePrev;
    CoalescingWindow ageNext;
    CoalescingWindow quietPrev;
    CoalescingWindow quietNext;
    CoalescingWindow readyNext;

    CoalescingWindow(CoalescerKey key, CoalescingRule owner, Job job, long now) {
        this.key = key;
        this.owner = owner;
        this.job = job;
        this.firstNanos = now;
        this.lastNanos = now;
    }
}
