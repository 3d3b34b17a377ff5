package org.inflow.act;

/**
 * The coalescer's open windows by key: open addressing with linear probing over two parallel
 * arrays (hashes, windows). Against a HashMap it saves the entry object between the table and
 * the window, one dependent cache miss per event, which is most of what folding costs once
 * many keys are pending. Deletion shifts later entries back, so there are no tombstones.
 */
final class WindowTable {
    private int[] hashes = new int[64];
    private CoalescingWindow[] slots = new CoalescingWindow[64];
    private int shift = 32 - 6;
    private int size;

    int size() {
        return size;
    }

    CoalescingWindow get(CoalescerKey probe) {
        int h = probe.hashCode();
        int mask = slots.length - 1;
        for (int i = index(h); ; i = (i + 1) & mask) {
            CoalescingWindow w = slots[i];
            if (w == null) {
                return null;
            }
            if (hashes[i] == h && w.key.equals(probe)) {
                return w;
            }
        }
    }

    /** Adds a window whose key is not in the table. */
    void put(CoalescingWindow w) {
        if ((size + 1) * 4 > slots.length * 3) {
            grow();
        }
        place(w, w.key.hashCode());
        size++;
    }

    void remove(CoalescingWindow w) {
        int mask = slots.length - 1;
        int i = index(w.key.hashCode());
        while (slots[i] != w) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Close the gap: an entry further on moves back unless its home lies between the gap
        // and itself (cyclically), where a probe would stop before reaching it.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = index(hashes[j]);
            boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays) {
                slots[i] = slots[j];
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        hashes[i] = 0;
        size--;
    }

    private void place(CoalescingWindow w, int h) {
        int mask = slots.length - 1;
        int i = index(h);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = w;
        hashes[i] = h;
    }

    private void grow() {
        CoalescingWindow[] old = slots;
        int[] oldHashes = hashes;
        slots = new CoalescingWindow[old.length * 2];
        hashes = new int[old.length * 2];
        shift--;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                place(old[i], oldHashes[i]);
            }
        }
    }

    /** Fibonacci hashing: the high bits of h times the golden ratio pick the home slot. */
    private int index(int h) {
        return (h * 0x9E3779B9) >>> shift;
    }
}
