package org.inflow.cli.incron;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.inflow.dialect.incron.IncronCommand;
import org.inflow.dialect.incron.IncronMask;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.Template;
import org.inflow.rules.InotifyMask;

/**
 * What happens to one table's entries, logged in incron's words where incron has words
 * (`(system::NAME) CMD (...)`, `cannot exec process: ...`) and with FILE:LINE and the path
 * where incron said nothing or only an errno.
 */
final class IncronRunReporter implements RuleReporter {
    private final LogSink log;
    /** "system::NAME" or the user's name, as incron tags CMD lines. */
    private final String tag;
    /** "system table NAME" or "user NAME", as incron names a table in watch errors. */
    private final String table;

    IncronRunReporter(LogSink log, String tag, String table) {
        this.log = log;
        this.tag = tag;
        this.table = table;
    }

    /** Each rule's last root state, so a repeated report (a replay for a shared root) is said once. */
    private final java.util.Map<Rule, RootState> last = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void root(Rule rule, RootState state, byte[] path, String detail) {
        if (state != RootState.WARNING && state != RootState.OVERFLOW && last.put(rule, state) == state) {
            return;
        }
        String p = IncronCommand.show(path);
        switch (state) {
            case WAITING:
                log.log(LogSink.WARNING, rule.origin() + ": " + IncronCommand.show(rule.root())
                        + " does not exist: watching for it to appear (waiting at " + p + ")");
                break;
            case GONE:
                log.log(LogSink.NOTICE, rule.origin() + ": " + p + " was deleted or moved away: watching for it to come back");
                break;
            case ARMED:
                log.log(LogSink.NOTICE, rule.origin() + ": " + p + " appeared: watching it");
                break;
            case MISSING:
                log.log(LogSink.ERR, "cannot create watch for " + table + ": " + rule.origin() + ": " + p + ": " + detail);
                break;
            case WARNING:
                log.log(LogSink.WARNING, rule.origin() + ": " + detail);
                break;
            case OVERFLOW:
                log.log(LogSink.WARNING, rule.origin() + ": events lost under " + IncronCommand.show(rule.root())
                        + " (event queue overflow)"
                        + ((rule.mask() & 0x4000) != 0 ? "; running the IN_Q_OVERFLOW command" : ""));
                break;
            default:
                break;
        }
    }

    @Override
    public void started(Rule rule, int pid, List<byte[]> argv) {
        log.log(LogSink.INFO, "(" + tag + ") CMD (" + expanded(rule, argv) + ")");
    }

    /** incron's two lines per run: the event, then the command. */
    @Override
    public void started(Rule rule, int pid, List<byte[]> argv, byte[] dir, byte[] name, int mask) {
        int shown = rule.mask() | InotifyMask.IN_ISDIR | InotifyMask.IN_Q_OVERFLOW;
        String event = "PATH (" + IncronCommand.escape(dir) + ") FILE (" + IncronCommand.escape(name)
                + ") EVENT (" + IncronMask.format(mask & shown) + ")";
        String command = "(" + tag + ") CMD (" + expanded(rule, argv) + ")";
        synchronized (log) { // runs start on two threads: keep each pair together
            log.log(LogSink.INFO, event);
            log.log(LogSink.INFO, command);
        }
    }

    @Override
    public void failed(Rule rule, String why) {
        log.log(LogSink.ERR, "cannot exec process: " + rule.origin() + ": " + why);
    }

    /** The command as incron would have expanded it (names escaped its way), for the log only. */
    private static String expanded(Rule rule, List<byte[]> argv) {
        if (!(rule.action() instanceof ActionSpec.Shell)) {
            return String.valueOf(rule.action());
        }
        StringBuilder s = new StringBuilder();
        int k = 4; // bash -c SCRIPT NAME, then the values
        for (Template.Part part : ((ActionSpec.Shell) rule.action()).command().parts()) {
            if (part instanceof Template.Text) {
                s.append(new String(((Template.Text) part).bytes(), StandardCharsets.UTF_8));
            } else if (k < argv.size()) {
                byte[] v = argv.get(k++);
                s.append(part instanceof Template.Field ? IncronCommand.escape(v) : new String(v, StandardCharsets.UTF_8));
            }
        }
        return s.toString();
    }
}
