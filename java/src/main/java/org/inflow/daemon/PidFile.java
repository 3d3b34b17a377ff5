package org.inflow.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.OptionalLong;

/**
 * A daemon's pid file: created exclusively, so two daemons cannot both think they own it; a file
 * left by a dead daemon is removed and claimed; removed at exit only while it still names us.
 */
public final class PidFile {
    private static final FileAttribute<?> MODE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-r--r--"));

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    /** Another live process owns the pid file. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long owner;

        HeldException(Path path, long owner) {
            super(path + " is held by running process " + owner);
            this.owner = owner;
        }

        public long owner() {
            return owner;
        }
    }

    /**
     * Writes this process's pid to `path` (mode 0644), with a newline after it or not (tools
     * differ). @throws HeldException if a live process other than this one owns it
     */
    public static PidFile claim(Path path, boolean newline) throws IOException {
        long self = ProcessHandle.current().pid();
        byte[] text = (self + (newline ? "\n" : "")).getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                // created with its mode in the same call: no moment with other permissions
                try (SeekableByteChannel out = Files.newByteChannel(path,
                        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), MODE)) {
                    out.write(ByteBuffer.wrap(text));
                }
                return new PidFile(path, self);
            } catch (FileAlreadyExistsException exists) {
                OptionalLong owner = read(path);
                if (owner.isPresent() && owner.getAsLong() != self && alive(owner.getAsLong())) {
                    throw new HeldException(path, owner.getAsLong());
                }
                Files.deleteIfExists(path); // stale: its daemon is gone
            }
        }
        throw new IOException("cannot create " + path + ": it keeps reappearing");
    }

    /** The pid in the file, if it holds one. */
    public static OptionalLong read(Path path) {
        try {
            String s = new String(Files.readAllBytes(path), StandardCharsets.US_ASCII).trim();
            return OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    public Path path() {
        return path;
    }

    /** Removes the file if it still names this process. */
    public void remove() {
        OptionalLong owner = read(path);
        if (owner.isPresent() && owner.getAsLong() == pid) {
            try {
                Files.delete(path);
            } catch (NoSuchFileException gone) {
                // removed already
            } catch (IOException e) {
                System.getLogger(PidFile.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot remove " + path + ": " + e.getMessage());
            }
        }
    }
}
