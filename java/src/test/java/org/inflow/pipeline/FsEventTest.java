package org.inflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;

class FsEventTest {
    private static int put(ByteBuffer b, int at, int kind, int flags, int mask, byte[] dir, byte[] name) {
        int size = (Abi.REC_HEADER + dir.length + name.length + 3) & ~3;
        b.putInt(at, size);
        b.putShort(at + 4, (short) kind);
        b.putShort(at + 6, (short) flags);
        b.putInt(at + 8, mask);
        b.putInt(at + 12, 42);
        b.putInt(at + 16, 3);
        b.putInt(at + 20, dir.length);
        b.putInt(at + 24, name.length);
        b.put(at + Abi.REC_HEADER, dir);
        b.put(at + Abi.REC_HEADER + dir.length, name);
        return at + size;
    }

    @Test
    void decodesRecordsAndReusesItsArrays() {
        ByteBuffer b = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        byte[] longDir = new byte[300];
        Arrays.fill(longDir, (byte) 'x');
        int next = put(b, 0, Abi.KIND_EVENT, Abi.F_SYNTHETIC, 0x100, "/w/d".getBytes(), new byte[] {'n', (byte) 0xff});
        int end = put(b, next, Abi.KIND_EVENT, 0, 0x2, longDir, new byte[0]);
        FsEvent e = new FsEvent();
        assertEquals(next, e.decode(b, 0, 5));
        assertEquals(Abi.KIND_EVENT, e.kind);
        assertEquals(Abi.F_SYNTHETIC, e.flags);
        assertEquals(0x100, e.mask);
        assertEquals(42, e.cookie);
        assertEquals(3, e.root);
        assertEquals("/w/d", e.dirString());
        assertArrayEquals(new byte[] {'n', (byte) 0xff}, Arrays.copyOf(e.nameBytes(), e.nameLength()));
        byte[] nameArray = e.nameBytes();
        assertEquals(end, e.decode(b, next, 6));
        assertEquals(300, e.dirLength());
        assertEquals(0, e.nameLength());
        assertSame(nameArray, e.nameBytes());
    }
}
