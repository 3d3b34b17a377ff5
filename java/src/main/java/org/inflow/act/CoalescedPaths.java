package org.inflow.act;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The distinct paths a root-wide job collects, in the order they first changed. An open-addressed
 * set over the path bytes: looking up a path already there allocates nothing.
 */
final class CoalescedPaths {
    private byte[][] paths = new byte[4][];
    private int[] hashes = new int[4];
    private int size;
    /** Index + 1 into paths; 0 is free. Kept at most half full. */
    private int[] slots = new int[8];

    /** @return true when the path is new */
    boolean add(byte[] path, int length, int hash) {
        int mask = slots.length - 1;
        for (int s = spread(hash) & mask; ; s = (s + 1) & mask) {
            int at = slots[s] - 1;
            if (at < 0) {
                insert(s, Arrays.copyOf(path, length), hash);
                return true;
            }
            if (hashes[at] == hash && Arrays.equals(paths[at], 0, paths[at].length, path, 0, length)) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    /** Forgets every path (after an overflow the job stands for the whole root). */
    void clear() {
        paths = new byte[4][];
        hashes = new int[4];
        slots = new int[8];
        size = 0;
    }

    List<byte[]> asList() {
        return new AbstractList<>() {
            @Override
            public byte[] get(int i) {
                if (i >= size) {
                    throw new IndexOutOfBoundsException(i);
                }
                return paths[i];
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private void insert(int slot, byte[] path, int hash) {
        if (size == paths.length) {
            paths = Arrays.copyOf(paths, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        paths[size] = path;
        hashes[size] = hash;
        size++;
        slots[slot] = size;
        if (size * 2 > slots.length) {
            rehash();
        }
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < size; i++) {
            int s = spread(hashes[i]) & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = i + 1;
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
