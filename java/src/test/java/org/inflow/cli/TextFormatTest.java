package org.inflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.FsEvent;

class TextFormatTest {
    private final EventView view = new EventView(new boolean[] {false, true});

    private static FsEvent event(int mask, String dir, String name, int root) {
        FsEvent e = new FsEvent();
        e.set(Abi.KIND_EVENT, 0, mask, 0x2a, root, dir.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8));
        return e;
    }

    private String render(EventFormat f, FsEvent e) throws IOException {
        LineBuffer line = new LineBuffer();
        f.format(e, view, 0, line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultFormatIsInotifywaits() throws IOException {
        assertEquals("./ CLOSE_WRITE,CLOSE a",
                render(TextFormat.defaultFormat(), event(InotifyMask.IN_CLOSE_WRITE, ".", "a", 0)));
        assertEquals("w/sub/ CREATE,ISDIR d",
                render(TextFormat.defaultFormat(), event(InotifyMask.IN_CREATE | InotifyMask.IN_ISDIR, "w/sub", "d", 0)));
        assertEquals("w/sub/ DELETE_SELF ",
                render(TextFormat.defaultFormat(), event(InotifyMask.IN_DELETE_SELF, "w/sub", "", 0)));
    }

    @Test
    void fileRootHasNoTrailingSlash() throws IOException {
        assertEquals("f.txt MODIFY ", render(TextFormat.defaultFormat(), event(InotifyMask.IN_MODIFY, "f.txt", "", 1)));
    }

    @Test
    void customFormat() throws IOException {
        TextFormat f = TextFormat.compile("%w|%f|%e|%:e|%c|%%|%0", null);
        assertEquals("d/|n|CLOSE_NOWRITE,CLOSE,ISDIR|CLOSE_NOWRITE:CLOSE:ISDIR|2a|%|\0",
                render(f, event(InotifyMask.IN_CLOSE_NOWRITE | InotifyMask.IN_ISDIR, "d", "n", 0)));
    }

    @Test
    void csvQuotesOnlyWhatNeedsIt() throws IOException {
        assertEquals("./,CREATE,plain", render(TextFormat.csv(), event(InotifyMask.IN_CREATE, ".", "plain", 0)));
        assertEquals("./,\"CLOSE_WRITE,CLOSE\",\"a,b \"\"c\"\"\"",
                render(TextFormat.csv(), event(InotifyMask.IN_CLOSE_WRITE, ".", "a,b \"c\"", 0)));
    }

    @Test
    void rescanEntriesAreMarked() throws IOException {
        FsEvent e = event(InotifyMask.IN_CREATE, "r", "x", 0);
        e.flags = Abi.F_SYNTHETIC | Abi.F_RESCAN;
        assertEquals("r/ CREATE,RESCAN x", render(TextFormat.defaultFormat(), e));
    }
}
