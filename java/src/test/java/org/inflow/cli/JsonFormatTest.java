package org.inflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.FsEvent;

class JsonFormatTest {
    private static String render(byte[] name) throws IOException {
        FsEvent e = new FsEvent();
        e.set(Abi.KIND_EVENT, Abi.F_SYNTHETIC, InotifyMask.IN_CREATE, 0, 0, "d".getBytes(StandardCharsets.UTF_8), name);
        LineBuffer line = new LineBuffer();
        new JsonFormat().format(e, new EventView(new boolean[1]), 1_700_000_000_123L, line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void objectHasEveryField() throws IOException {
        String json = render("f".getBytes(StandardCharsets.UTF_8));
        assertTrue(json.contains("\"events\":[\"CREATE\"]"), json);
        assertTrue(json.contains("\"watched\":\"d/\",\"name\":\"f\",\"path\":\"d/f\""), json);
        assertTrue(json.contains("\"isdir\":false,\"cookie\":0,\"synthetic\":true,\"rescan\":false}"), json);
        assertTrue(json.matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123[+-]\\d{4}\".*"), json);
    }

    @Test
    void invalidUtf8IsSurrogateEscaped() throws IOException {
        byte[] name = {'a', (byte) 0xff, 'b', (byte) 0xc3, (byte) 0xa9, (byte) 0xe2, (byte) 0x82};
        String json = render(name);
        assertTrue(json.contains("\"name\":\"a\\udcffb\u00e9\\udce2\\udc82\""), json);
    }

    @Test
    void controlCharactersAndQuotesAreEscaped() throws IOException {
        String json = render("q\"\\\n\t".getBytes(StandardCharsets.UTF_8));
        assertTrue(json.contains("\"name\":\"q\\\"\\\\\\u000a\\u0009\""), json);
    }

    @Test
    void utf8Lengths() {
        assertEquals(2, JsonFormat.utf8Length(new byte[] {(byte) 0xc3, (byte) 0xa9}, 0));
        assertEquals(0, JsonFormat.utf8Length(new byte[] {(byte) 0xc0, (byte) 0x80}, 0)); // overlong
        assertEquals(0, JsonFormat.utf8Length(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0)); // surrogate
        assertEquals(4, JsonFormat.utf8Length(new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, 0));
    }
}
