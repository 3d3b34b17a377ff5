package org.inflow.cli.pyconf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.inflow.act.ChildExit;
import org.inflow.act.RsyncMirror;
import org.inflow.dialect.inosync.InosyncConfig;
import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;

/**
 * `inflow inosync -c FILE`: inosync's configuration and options; the tree is mirrored to every
 * node with a full rsync at start and then only the changed paths (see {@link RsyncMirror}).
 */
public final class InosyncCommand extends PyDaemon {
    private InosyncConfig config;
    private Rule rule;

    public InosyncCommand() {
        super("inosync", InosyncConfig.DEFAULT_FILE, "0.2.3", "do not run rsync, log the command lines that would run");
    }

    public static int main(String[] args) {
        return new InosyncCommand().run(args);
    }

    @Override
    void load(String file) throws IOException, PyConfigError {
        config = InosyncConfig.load(Path.of(file));
    }

    @Override
    List<String> warnings() {
        return config.warnings();
    }

    @Override
    void install(boolean first) throws IOException {
        RsyncMirror mirror = host.mirror();
        if (first) {
            mirror.pretend(options.pretend);
            mirror.observer(new Observer());
        }
        Rule old = rule;
        rule = config.rule(rootReporter());
        host.install(SOURCE, List.of(rule));
        if (first) {
            host.start();
        }
        awaitWatches();
        log.log(LogSink.DEBUG, "starting initial synchronization on " + text(config.wpath()));
        mirror.resync(rule);
        if (old != null) {
            mirror.forget(old);
        }
        log.log(LogSink.INFO, "resuming normal operations on " + text(config.wpath()));
    }

    private final class Observer implements RsyncMirror.Observer {
        @Override
        public void starting(Rule r, byte[] target, boolean full, int paths, List<byte[]> argv, boolean pretend) {
            String what = full ? "" : " (" + paths + " changed path" + (paths == 1 ? "" : "s") + " on stdin)";
            if (pretend) {
                log.log(LogSink.INFO, "would execute `" + shellWords(argv) + "'" + what);
            } else {
                log.log(LogSink.DEBUG, "executing " + shellWords(argv) + what);
            }
        }

        @Override
        public void output(Rule r, byte[] target, byte[] line, int length) {
            log.log(LogSink.DEBUG, "[rsync] " + new String(line, 0, length, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void finished(Rule r, byte[] target, boolean full, int paths, ChildExit exit) {
            if (exit.exitCode() == 0 || exit.exitCode() == 24) {
                log.log(full ? LogSink.INFO : LogSink.DEBUG, (full ? "full synchronization" : "synchronization of "
                        + paths + " path" + (paths == 1 ? "" : "s")) + " to " + text(target) + " done in "
                        + exit.duration().toMillis() + " ms");
            }
        }

        @Override
        public void renamed(Rule r, byte[] target, String from, String to) {
            log.log(LogSink.INFO, "renamed " + from + " to " + to + " (a rename in " + text(config.wpath())
                    + "; rsync checks the result)");
        }

        @Override
        public void retrying(Rule r, byte[] target, String why, long delayMillis) {
            log.log(LogSink.ERR, "rsync to " + text(target) + " failed (" + why + "); its changes are kept and sent"
                    + " again in " + (delayMillis / 1000.0) + " s");
        }
    }
}
