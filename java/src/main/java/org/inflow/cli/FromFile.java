package org.inflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** --fromfile: one path per line, kept as bytes (names need not be UTF-8). */
final class FromFile {
    private FromFile() {
    }

    static List<byte[]> read(String file) throws IOException {
        byte[] all;
        if (file.equals("-")) {
            all = System.in.readAllBytes();
        } else {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                all = in.readAllBytes();
            }
        }
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (byte b : all) {
            if (b == '\n') {
                if (line.size() > 0) {
                    out.add(line.toByteArray());
                }
                line.reset();
            } else {
                line.write(b);
            }
        }
        if (line.size() > 0) {
            out.add(line.toByteArray());
        }
        return out;
    }
}
