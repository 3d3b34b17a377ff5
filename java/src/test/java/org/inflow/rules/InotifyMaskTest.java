package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InotifyMaskTest {
    @Test
    void parsesInotifywaitNames() {
        assertEquals(InotifyMask.IN_CLOSE, InotifyMask.parse("close"));
        assertEquals(InotifyMask.IN_MOVE, InotifyMask.parse("MOVE"));
        assertEquals(InotifyMask.IN_DELETE_SELF, InotifyMask.parse("delete_self"));
        assertEquals(-1, InotifyMask.parse("bogus"));
    }

    @Test
    void namesComeInInotifywaitOrder() {
        StringBuilder s = new StringBuilder();
        int mask = InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_ISDIR;
        for (int i = 0; i < InotifyMask.nameCount(); i++) {
            String n = InotifyMask.name(mask, i);
            if (n != null) {
                s.append(n).append(' ');
            }
        }
        assertEquals("CLOSE_WRITE CLOSE ISDIR ", s.toString());
    }
}
