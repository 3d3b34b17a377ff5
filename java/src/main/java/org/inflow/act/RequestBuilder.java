package org.inflow.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.EnvPolicy;
import org.inflow.rules.Grouping;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

/**
 * What a rule says a job's child looks like: argv, environment, cwd, stdio, user, timeout.
 * A shell command never gets a file name pasted into its text: each field becomes a positional
 * parameter ("$1", "$2", ...) referred to as its quoting context needs (see ShellQuoteContext),
 * and the value travels as its own argv element.
 */
final class RequestBuilder {
    private final TemplateRenderer renderer = new TemplateRenderer();
    private final Map<Rule, RunAs> users = new IdentityHashMap<>();
    /** Weak: rules dropped by a reload take their scripts with them (Template has identity equality). */
    private final Map<Template, byte[]> scripts = new WeakHashMap<>();

    TemplateRenderer renderer() {
        return renderer;
    }

    SpawnRequest build(Rule rule, Job job) throws IOException {
        SpawnRequest.Builder b;
        if (job.isPrepared()) {
            b = SpawnRequest.command(job.preparedArgv()).env(job.preparedEnv()).cwd(job.preparedCwd());
        } else {
            b = command(rule, job);
            byte[][] env = environment(rule.env(), job);
            if (env != null) {
                b.env(env);
            }
            cwd(b, rule, job);
        }
        b.stdio(stdio(rule));
        if (rule.closeUnusedStdio()) {
            b.closeUnused(true);
        }
        if (rule.stdio() != StdioPolicy.CLOSED && rule.stdio() != StdioPolicy.INHERIT && rule.stdio() != StdioPolicy.DEV_NULL
                && rule.reporter() != RuleReporter.SILENT) {
            RuleReporter reporter = rule.reporter();
            b.outputSink(new OutputSink() {
                @Override
                public void line(int pid, byte[] line, int n) {
                    reporter.output(rule, pid, false, line, n);
                }

                @Override
                public void errorLine(int pid, byte[] line, int n) {
                    reporter.output(rule, pid, true, line, n);
                }
            });
        }
        if (rule.user() != null) {
            b.user(user(rule));
        }
        if (!rule.timeout().isZero()) {
            b.timeout(rule.timeout());
        }
        return b.build();
    }

    private static void cwd(SpawnRequest.Builder b, Rule rule, Job job) {
        switch (rule.cwd().kind()) {
            case EVENT_DIR:
                b.cwd(job.overflow() ? rule.root() : job.dir());
                break;
            case FIXED:
                b.cwd(rule.cwd().path());
                break;
            default:
                break;
        }
    }

    private SpawnRequest.Builder command(Rule rule, Job job) {
        ActionSpec action = rule.action();
        if (action instanceof ActionSpec.Argv) {
            List<Template> args = ((ActionSpec.Argv) action).args();
            byte[][] argv = new byte[args.size()][];
            for (int i = 0; i < argv.length; i++) {
                argv[i] = renderer.render(args.get(i), job);
            }
            return SpawnRequest.command(argv);
        }
        if (action instanceof ActionSpec.Shell) {
            ActionSpec.Shell sh = (ActionSpec.Shell) action;
            List<Template.Part> parts = sh.command().parts();
            List<byte[]> values = new ArrayList<>();
            for (Template.Part part : parts) {
                if (part instanceof Template.Field) {
                    values.add(TemplateRenderer.field(((Template.Field) part).source(), job));
                } else if (part instanceof Template.Mask) {
                    values.add(((Template.Mask) part).render(job.mask()).getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] script = scripts.computeIfAbsent(sh.command(), RequestBuilder::script);
            return SpawnRequest.shell(sh.shell(), script, values.toArray(new byte[0][]));
        }
        throw new IllegalArgumentException("not an action this runner starts: " + action);
    }

    /** The script text depends on the template only: the values travel as $1, $2, ... */
    static byte[] script(Template command) {
        ShellQuoteContext script = new ShellQuoteContext();
        int n = 0;
        for (Template.Part part : command.parts()) {
            if (part instanceof Template.Text) {
                script.text(((Template.Text) part).bytes());
            } else {
                script.field(++n);
            }
        }
        return script.script();
    }

    private byte[][] environment(EnvPolicy policy, Job job) {
        if (policy.inheritsAll() && policy.assigned().isEmpty() && policy.removed().isEmpty()) {
            return null;
        }
        // in order: the daemon's own, then the rule's in the order given (a tool's users may rely on it)
        Map<String, byte[]> env = new LinkedHashMap<>();
        if (policy.inheritsAll()) {
            System.getenv().forEach((k, v) -> env.put(k, v.getBytes(StandardCharsets.UTF_8)));
        } else {
            for (String k : policy.kept()) {
                String v = System.getenv(k);
                if (v != null) {
                    env.put(k, v.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        policy.removed().forEach(env::remove);
        policy.assigned().forEach((k, t) -> env.put(k, renderer.render(t, job)));
        byte[][] out = new byte[env.size()][];
        int i = 0;
        for (Map.Entry<String, byte[]> e : env.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] kv = new byte[k.length + 1 + e.getValue().length];
            System.arraycopy(k, 0, kv, 0, k.length);
            kv[k.length] = '=';
            System.arraycopy(e.getValue(), 0, kv, k.length + 1, e.getValue().length);
            out[i++] = kv;
        }
        return out;
    }

    private static SpawnRequest.Stdio stdio(Rule rule) {
        if (rule.grouping() == Grouping.PER_ROOT) {
            return SpawnRequest.Stdio.STDIN_PIPE;
        }
        StdioPolicy p = rule.stdio();
        switch (p) {
            case INHERIT:
                return SpawnRequest.Stdio.INHERIT;
            case LOG_LINES:
                return SpawnRequest.Stdio.CAPTURE;
            case LOG_LINES_SPLIT:
                return SpawnRequest.Stdio.CAPTURE_SPLIT;
            case LOG_STDOUT:
                return SpawnRequest.Stdio.CAPTURE_STDOUT;
            case LOG_STDERR:
                return SpawnRequest.Stdio.CAPTURE_STDERR;
            default:
                return SpawnRequest.Stdio.CLOSED;
        }
    }

    private RunAs user(Rule rule) {
        return users.computeIfAbsent(rule, r -> {
            try {
                String spec = r.user();
                int colon = spec.indexOf(':');
                return colon < 0 ? RunAs.lookup(spec) : RunAs.lookup(spec.substring(0, colon), spec.substring(colon + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
