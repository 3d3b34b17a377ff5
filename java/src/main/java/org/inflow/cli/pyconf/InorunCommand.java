package org.inflow.cli.pyconf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.inflow.act.ChildHandle;
import org.inflow.act.NativeSpawner;
import org.inflow.act.SpawnRequest;
import org.inflow.dialect.inorun.InorunConfig;
import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.rules.LogSink;

/**
 * `inflow inorun -c FILE`: inorun's configuration and options; each event of emask runs its
 * program once per node with three arguments (node, watched path, relative path), no shell.
 */
public final class InorunCommand extends PyDaemon {
    private InorunConfig config;

    public InorunCommand() {
        super("inorun", InorunConfig.DEFAULT_FILE, "0.1.0",
                "do not run the programs, log the command lines that would run");
    }

    public static int main(String[] args) {
        return new InorunCommand().run(args);
    }

    @Override
    void load(String file) throws IOException, PyConfigError {
        config = InorunConfig.load(Path.of(file));
    }

    @Override
    List<String> warnings() {
        return config.warnings();
    }

    @Override
    void install(boolean first) throws IOException {
        if (first && options.pretend) {
            // pretend rules print their would-be command lines; those lines belong in the log
            System.setOut(new PrintStream(new LineLogger(), true, StandardCharsets.UTF_8));
        }
        host.install(SOURCE, config.rules(rootReporter(), options.pretend));
        if (first) {
            host.start();
        }
        awaitWatches();
        if (first && config.initevent() != null) {
            runInitEvent();
        }
        log.log(LogSink.INFO, "watching " + text(config.wpath()));
    }

    /** The initevent's program, once per node, for the watched root itself (relative path ""). */
    private void runInitEvent() {
        InorunConfig.Program p = config.initevent();
        NativeSpawner spawner = null;
        for (byte[] node : config.rnodes()) {
            List<byte[]> argv = new ArrayList<>();
            argv.add(p.path().getBytes(StandardCharsets.UTF_8));
            argv.add(node);
            argv.add(config.wpath());
            argv.add(new byte[0]);
            if (options.pretend) {
                log.log(LogSink.INFO, "would execute " + shellWords(argv) + " (initevent " + p.event() + ")");
                continue;
            }
            try {
                if (spawner == null) {
                    spawner = new NativeSpawner();
                }
                ChildHandle child = spawner.spawn(SpawnRequest.command(argv).stdio(SpawnRequest.Stdio.CAPTURE)
                        .outputSink((pid, line, len) -> log.log(LogSink.INFO, "[" + pid + "] "
                                + new String(line, 0, len, StandardCharsets.UTF_8))).build());
                log.log(LogSink.DEBUG, "executing " + shellWords(argv) + " [" + child.pid() + "] (initevent "
                        + p.event() + ")");
                var exit = child.waitFor();
                if (exit.exitCode() != 0) {
                    log.log(LogSink.WARNING, "[" + child.pid() + "] " + exit.describe());
                }
            } catch (IOException e) {
                log.log(LogSink.ERR, "initevent " + p.event() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (spawner != null) {
            spawner.close();
        }
    }

    /** Turns printed lines into log lines. */
    private final class LineLogger extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                log.log(LogSink.INFO, line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
