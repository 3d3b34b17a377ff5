package org.inflow.cli.incron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * incron.allow / incron.deny: if the allow file exists, only the users it lists may use
 * incron; else if the deny file exists, those it lists may not; else everyone may. The first
 * word of each line is a user name. Any other error reading a file refuses. No root exception.
 */
final class IncronAccess {
    private final Path allow;
    private final Path deny;

    IncronAccess(Path allow, Path deny) {
        this.allow = allow;
        this.deny = deny;
    }

    boolean allowed(String user) {
        try {
            return listed(allow, user);
        } catch (NoSuchFileException none) {
            // no allow file: the deny file decides
        } catch (IOException other) {
            return false;
        }
        try {
            return !listed(deny, user);
        } catch (NoSuchFileException none) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private static boolean listed(Path file, String user) throws IOException {
        for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            int sp = 0;
            while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
                sp++;
            }
            if (t.substring(0, sp).equals(user)) {
                return true;
            }
        }
        return false;
    }
}
