package org.inflow.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;

/**
 * One ring slot. Pre-allocated and reused: the directory path and the name are bytes copied
 * into arrays that only grow, so decoding an event allocates nothing once the arrays fit.
 * Strings are made only when a consumer asks ({@link #dirString}, {@link #nameString}).
 */
public final class FsEvent {
    /** One of {@link Abi}'s KIND_* values. */
    public int kind;
    /** {@link Abi}'s F_* bits: synthetic (from listing a new directory), rescan, internal. */
    public int flags;
    /** inotify mask bits ({@link InotifyMask}). */
    public int mask;
    public int cookie;
    /** The id of the root the event belongs to; -1 for an overflow of the whole instance. */
    public int root;
    /** System.nanoTime() when the batch holding the event was handed to Java. */
    public long readNanos;

    private byte[] dir = new byte[64];
    private int dirLen;
    private byte[] name = new byte[32];
    private int nameLen;

    public byte[] dirBytes() {
        return dir;
    }

    /** The directory's path (no trailing slash); for a file root, the file's path. */
    public int dirLength() {
        return dirLen;
    }

    public byte[] nameBytes() {
        return name;
    }

    /** The entry's name within the directory; 0 when the event is about the directory itself. */
    public int nameLength() {
        return nameLen;
    }

    public boolean isDir() {
        return (mask & InotifyMask.IN_ISDIR) != 0;
    }

    public boolean isSynthetic() {
        return (flags & Abi.F_SYNTHETIC) != 0;
    }

    public boolean isRescan() {
        return (flags & Abi.F_RESCAN) != 0;
    }

    public String dirString() {
        return new String(dir, 0, dirLen, StandardCharsets.UTF_8);
    }

    public String nameString() {
        return new String(name, 0, nameLen, StandardCharsets.UTF_8);
    }

    /** Reads one record at {@code offset}; returns the offset of the next. */
    int decode(ByteBuffer buf, int offset, long now) {
        int size = buf.getInt(offset);
        int kindAndFlags = buf.getInt(offset + 4);
        kind = kindAndFlags & 0xffff;
        flags = kindAndFlags >>> 16;
        mask = buf.getInt(offset + 8);
        cookie = buf.getInt(offset + 12);
        root = buf.getInt(offset + 16);
        int dl = buf.getInt(offset + 20);
        int nl = buf.getInt(offset + 24);
        int at = offset + Abi.REC_HEADER;
        if (dir.length < dl) {
            dir = new byte[Integer.highestOneBit(dl) << 1];
        }
        buf.get(at, dir, 0, dl);
        dirLen = dl;
        if (name.length < nl) {
            name = new byte[Integer.highestOneBit(nl) << 1];
        }
        buf.get(at + dl, name, 0, nl);
        nameLen = nl;
        readNanos = now;
        return offset + size;
    }

    /** Makes this slot the report of events lost before it, which the reader could not hand over. */
    void setLost(long now) {
        kind = Abi.KIND_OVERFLOW;
        flags = Abi.F_INTERNAL;
        mask = InotifyMask.IN_Q_OVERFLOW;
        cookie = 0;
        root = -1;
        dirLen = 0;
        nameLen = 0;
        readNanos = now;
    }

    /** For tests and tools that make events by hand. */
    public void set(int kind, int flags, int mask, int cookie, int root, byte[] dirPath, byte[] entry) {
        this.kind = kind;
        this.flags = flags;
        this.mask = mask;
        this.cookie = cookie;
        this.root = root;
        dir = dirPath.clone();
        dirLen = dirPath.length;
        name = entry.clone();
        nameLen = entry.length;
    }
}
