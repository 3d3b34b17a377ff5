package org.inflow.dialect.direvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.CwdPolicy;
import org.inflow.rules.EnvPolicy;
import org.inflow.rules.PathFilter;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

/**
 * Makes rules of a direvent configuration: one rule per `path` of each watcher, running the
 * watcher's handler once per event (no coalescing: 5.2 runs a handler for every inotify event), in
 * the event's directory, with the DIREVENT_* environment, one at a time per watcher unless
 * `nowait`. Missing paths are waited for; new sub-directories of a recursive path are followed
 * whatever the event list says, as 5.3 does.
 */
public final class RuleCompiler {
    private final IntSupplier selfTestPid;
    private final Map<String, String> daemonEnv;

    /**
     * @param selfTestPid the self-test program's pid once it runs, or null when there is none
     * @param daemonEnv the environment handlers inherit (the daemon's, in its order; values as
     *                  one char per byte)
     */
    public RuleCompiler(IntSupplier selfTestPid, Map<String, String> daemonEnv) {
        this.selfTestPid = selfTestPid;
        this.daemonEnv = daemonEnv;
    }

    /**
     * @param reporters the reporter of each handler's rule
     * @param diag where a command that cannot be expanded is reported (its watcher is dropped)
     */
    public List<Handler> compile(DirEventConfig config, Function<Handler, RuleReporter> reporters) {
        List<Handler> out = new ArrayList<>();
        for (WatcherSpec w : config.watchers) {
            CommandText.Word joined;
            List<CommandText.Word> words;
            try {
                joined = CommandText.joined(w.command);
                words = w.shell ? null : CommandText.words(w.command);
            } catch (CommandText.BadCommand bad) {
                config.diagnostics.error(w.commandLocus, "wordsplit: " + bad.getMessage());
                continue;
            }
            List<CommandText.Word> environ = new ArrayList<>();
            try {
                for (String e : w.environ) {
                    environ.add(CommandText.joined(e));
                }
            } catch (CommandText.BadCommand bad) {
                config.diagnostics.error(w.locus, "environ: " + bad.getMessage());
                continue;
            }
            for (WatcherSpec.PathSpec p : w.paths) {
                HandlerEvents events = new HandlerEvents(w, p.depth != 0);
                // A watched file's events come without a name; 5.2 runs its handler in the file's
                // directory with $file its name.
                byte[] pathBytes = MacroCompiler.bytes(p.path);
                boolean fileRoot = isFile(Diagnostics.text(p.path));
                MacroCompiler macros = new MacroCompiler(events, selfTestPid, fileRoot ? Handler.basename(pathBytes) : null);
                List<Template> argv;
                if (w.shell) {
                    argv = ShellScript.argv(joined, macros);
                } else {
                    argv = new ArrayList<>();
                    for (CommandText.Word word : words) {
                        Template t = macros.word(word);
                        if (t != null) {
                            argv.add(t);
                        }
                    }
                    if (argv.isEmpty()) {
                        config.diagnostics.error(w.commandLocus, "empty command");
                        break;
                    }
                }
                Handler h = new Handler(w, p, events, argv, environment(w, environ, macros), fileRoot);
                Rule.Builder b = Rule.builder(MacroCompiler.bytes(p.path))
                        .origin(p.locus.file + ":" + p.locus.line1)
                        .maxDepth(p.depth)
                        .mask(w.kernelMask())
                        .action(ActionSpec.argv(argv))
                        .env(h.env)
                        .cwd(fileRoot ? CwdPolicy.fixed(Handler.parent(pathBytes)) : CwdPolicy.eventDir())
                        .stdio(w.stdout ? (w.stderr ? StdioPolicy.LOG_LINES_SPLIT : StdioPolicy.LOG_STDOUT)
                                : w.stderr ? StdioPolicy.LOG_STDERR : StdioPolicy.CLOSED)
                        .closeUnusedStdio(true) // 5.2 closes stdin, and stdout/stderr unless captured
                        .timeout(w.timeoutSeconds == 0 ? Duration.ofMillis(1) : Duration.ofSeconds(w.timeoutSeconds))
                        .serial(!w.nowait)
                        .serialGroup(w) // a watcher's paths share its one handler
                        .maxEvents(1)
                        .waitMissing(true);
                PathFilter names = names(w);
                if (names != null) {
                    b.names(names);
                }
                if (w.user != null) {
                    b.user(w.group != null ? w.user + ":" + w.group : w.user);
                }
                h.rule = b.reporter(reporters.apply(h)).build();
                out.add(h);
            }
        }
        return out;
    }

    /** A path that exists and is not a directory (what 5.2 watches as a file). */
    public static boolean isFile(String path) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(path);
            return java.nio.file.Files.exists(p) && !java.nio.file.Files.isDirectory(p);
        } catch (RuntimeException e) {
            return false;
        }
    }

    static PathFilter names(WatcherSpec w) {
        if (w.patterns.isEmpty()) {
            return null;
        }
        List<PathFilter> any = new ArrayList<>();
        for (WatcherSpec.Pattern p : w.patterns) {
            String text = Diagnostics.text(p.text);
            PathFilter f;
            switch (p.kind) {
                case ERE:
                    f = PathFilter.extendedRegex(text, p.icase);
                    break;
                case BRE:
                    f = PathFilter.basicRegex(text, p.icase);
                    break;
                case GLOB:
                    f = PathFilter.glob(MacroCompiler.bytes(p.text), false);
                    break;
                default:
                    f = PathFilter.glob(MacroCompiler.bytes(p.text.replace("\\", "\\\\")), false);
            }
            any.add(p.negated ? f.negate() : f);
        }
        return PathFilter.anyOf(any);
    }

    private static final String[] DIREVENT_VARS = {
        "DIREVENT_SYSEV_CODE", "DIREVENT_SYSEV_NAME", "DIREVENT_GENEV_CODE", "DIREVENT_GENEV_NAME", "DIREVENT_FILE"};

    /** The handler's environment after the `environ` directives (spec §3.4). */
    private EnvPolicy environment(WatcherSpec w, List<CommandText.Word> directives, MacroCompiler macros) {
        boolean inherit = true;
        boolean direvent = true;
        Map<String, Template> set = new LinkedHashMap<>();
        List<String> unset = new ArrayList<>();
        List<String> dropVars = new ArrayList<>();
        for (int i = 0; i < directives.size(); i++) {
            CommandText.Word d = directives.get(i);
            String text = literal(d);
            if (i == 0 && "-".equals(text)) {
                inherit = false;
                continue;
            }
            if (i == 0 && "--".equals(text)) {
                inherit = false;
                direvent = false;
                continue;
            }
            if ("-".equals(text) || "--".equals(text) || (text != null && text.startsWith("="))) {
                continue;
            }
            String head = text != null ? text : leadingText(d);
            if (head.startsWith("-")) {
                String spec = text == null ? head.substring(1) : text.substring(1);
                int eq = spec.indexOf('=');
                String name = eq < 0 ? spec : spec.substring(0, eq);
                if (name.isEmpty()) {
                    continue;
                }
                if (eq >= 0) {
                    String want = spec.substring(eq + 1);
                    Template cur = set.get(name);
                    String now = cur != null ? (cur.isConstant() ? constant(cur) : null) : (inherit ? daemonEnv.get(name) : null);
                    if (now == null || !now.equals(want)) {
                        continue;
                    }
                }
                set.remove(name);
                if (name.startsWith("DIREVENT_")) {
                    dropVars.add(name);
                }
                unset.add(name);
                continue;
            }
            int eq = head.indexOf('=');
            if (eq < 0) {
                // NAME: copied from the daemon's environment
                String v = text == null ? null : daemonEnv.get(text);
                if (v != null) {
                    set.put(text, Template.of(MacroCompiler.bytes(v)));
                }
                continue;
            }
            boolean append = eq > 0 && head.charAt(eq - 1) == '+';
            boolean prepend = !append && eq + 1 < head.length() && head.charAt(eq + 1) == '+';
            String name = head.substring(0, append ? eq - 1 : eq);
            if (name.isEmpty()) {
                continue;
            }
            Template value = macros.joined(after(d, eq + 1 + (prepend ? 1 : 0)));
            String orig = daemonEnv.get(name);
            if (append) {
                value = orig != null ? concat(Template.of(MacroCompiler.bytes(orig)), value) : dropFirstPunct(value);
            } else if (prepend) {
                value = orig != null ? concat(value, Template.of(MacroCompiler.bytes(orig))) : dropLastPunct(value);
            }
            set.put(name, value);
        }
        // Built whole, in 5.2's order: the daemon's variables as they came, DIREVENT_*, then what
        // environ added (an assignment to a name already there keeps its place).
        Map<String, Template> all = new LinkedHashMap<>();
        if (inherit) {
            for (Map.Entry<String, String> e : daemonEnv.entrySet()) {
                if (!unset.contains(e.getKey())) {
                    all.put(e.getKey(), Template.of(MacroCompiler.bytes(e.getValue())));
                }
            }
        }
        if (direvent) {
            all.put("DIREVENT_SYSEV_CODE", macros.joined(var("sysev_code")));
            all.put("DIREVENT_SYSEV_NAME", macros.joined(var("sysev_name")));
            all.put("DIREVENT_GENEV_CODE", macros.joined(var("genev_code")));
            all.put("DIREVENT_GENEV_NAME", macros.joined(var("genev_name")));
            all.put("DIREVENT_FILE", macros.joined(var("file")));
            for (String n : dropVars) {
                all.remove(n);
            }
        }
        for (Map.Entry<String, Template> e : set.entrySet()) {
            all.put(e.getKey(), e.getValue());
        }
        if (selfTestPid != null) {
            all.put("DIREVENT_SELF_TEST_PID", macros.joined(var("self_test_pid")));
        }
        EnvPolicy env = EnvPolicy.clear();
        for (Map.Entry<String, Template> e : all.entrySet()) {
            env = env.set(e.getKey(), e.getValue());
        }
        return env;
    }

    private static CommandText.Word var(String name) {
        CommandText.Word w = new CommandText.Word();
        w.quoted = true;
        w.pieces.add(new CommandText.Var(name, "", List.of()));
        return w;
    }

    /** The directive's text if it holds no macro, else null. */
    private static String literal(CommandText.Word d) {
        StringBuilder s = new StringBuilder();
        for (CommandText.Piece p : d.pieces) {
            if (!(p instanceof CommandText.Lit)) {
                return null;
            }
            s.append(((CommandText.Lit) p).text);
        }
        return s.toString();
    }

    /** The literal text before the first macro (where NAME= must be). */
    private static String leadingText(CommandText.Word d) {
        if (!d.pieces.isEmpty() && d.pieces.get(0) instanceof CommandText.Lit) {
            return ((CommandText.Lit) d.pieces.get(0)).text;
        }
        return "";
    }

    /** The directive from character `from` of its leading text on. */
    private static CommandText.Word after(CommandText.Word d, int from) {
        CommandText.Word w = new CommandText.Word();
        w.quoted = true;
        boolean first = true;
        for (CommandText.Piece p : d.pieces) {
            if (first && p instanceof CommandText.Lit) {
                String t = ((CommandText.Lit) p).text;
                if (from < t.length()) {
                    w.pieces.add(new CommandText.Lit(t.substring(from)));
                }
            } else {
                w.pieces.add(p);
            }
            first = false;
        }
        return w;
    }

    private static String constant(Template t) {
        StringBuilder s = new StringBuilder();
        for (Template.Part p : t.parts()) {
            s.append(new String(((Template.Text) p).bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return s.toString();
    }

    private static Template concat(Template a, Template b) {
        Template.Builder out = Template.builder();
        copy(out, a.parts());
        copy(out, b.parts());
        return out.build();
    }

    private static void copy(Template.Builder out, List<Template.Part> parts) {
        for (Template.Part p : parts) {
            if (p instanceof Template.Text) {
                out.text(((Template.Text) p).bytes());
            } else if (p instanceof Template.Field) {
                out.field(((Template.Field) p).source());
            } else {
                Template.Mask m = (Template.Mask) p;
                out.mask(m::render);
            }
        }
    }

    private static boolean punct(byte b) {
        return b > 32 && b < 127 && !Character.isLetterOrDigit(b);
    }

    private static Template dropFirstPunct(Template t) {
        List<Template.Part> parts = t.parts();
        if (!parts.isEmpty() && parts.get(0) instanceof Template.Text) {
            byte[] b = ((Template.Text) parts.get(0)).bytes();
            if (b.length > 0 && punct(b[0])) {
                Template.Builder out = Template.builder().text(java.util.Arrays.copyOfRange(b, 1, b.length));
                copy(out, parts.subList(1, parts.size()));
                return out.build();
            }
        }
        return t;
    }

    private static Template dropLastPunct(Template t) {
        List<Template.Part> parts = t.parts();
        int n = parts.size();
        if (n > 0 && parts.get(n - 1) instanceof Template.Text) {
            byte[] b = ((Template.Text) parts.get(n - 1)).bytes();
            if (b.length > 0 && punct(b[b.length - 1])) {
                Template.Builder out = Template.builder();
                copy(out, parts.subList(0, n - 1));
                out.text(java.util.Arrays.copyOf(b, b.length - 1));
                return out.build();
            }
        }
        return t;
    }
}
