package org.inflow.dialect.inorun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.inflow.dialect.pyconf.EventNames;
import org.inflow.dialect.pyconf.PyConfig;
import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.dialect.pyconf.PyConfigReader;
import org.inflow.dialect.pyconf.PyStr;
import org.inflow.dialect.pyconf.Settings;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

/**
 * An inorun configuration file, checked, and its rules: for each event of emask and each node,
 * run the event's program with exactly three arguments (node, watched path, changed path relative
 * to it), never through a shell. Duplicates of one (event, file) within edelay run once.
 */
public final class InorunConfig {
    public static final String DEFAULT_FILE = "/etc/inorun/default.py";
    static final Set<String> KNOWN = Set.of("wpath", "rnodes", "emask", "edelay", "initevent", "logfile");
    private static final String[] DEFAULT_EVENTS = {"IN_CLOSE_WRITE", "IN_CREATE", "IN_DELETE", "IN_MOVED_FROM",
        "IN_MOVED_TO"};

    /** One emask entry: the event's name, its bits and its program. */
    public record Program(String event, int mask, String path) {
    }

    private final String file;
    private final byte[] wpath;
    private final List<byte[]> rnodes;
    private final List<Program> programs;
    private final double edelay;
    private final Program initevent;
    private final List<String> warnings;

    private InorunConfig(String file, byte[] wpath, List<byte[]> rnodes, List<Program> programs, double edelay,
                         Program initevent, List<String> warnings) {
        this.file = file;
        this.wpath = wpath;
        this.rnodes = rnodes;
        this.programs = programs;
        this.edelay = edelay;
        this.initevent = initevent;
        this.warnings = warnings;
    }

    public static InorunConfig load(Path path) throws IOException, PyConfigError {
        return of(PyConfigReader.read(path));
    }

    public static InorunConfig of(PyConfig config) throws PyConfigError {
        Settings s = new Settings(config);
        byte[] wpath = s.directory("wpath");
        List<PyStr> nodes = s.someStrings("rnodes", "node");
        List<byte[]> rnodes = new ArrayList<>();
        for (PyStr n : nodes) {
            rnodes.add(n.bytes());
        }
        Map<Object, Object> emask = s.dict("emask");
        if (emask == null) {
            emask = new LinkedHashMap<>();
            for (String e : DEFAULT_EVENTS) {
                emask.put(PyStr.of(e), PyStr.of("/bin/true"));
            }
        }
        if (emask.isEmpty()) {
            throw s.error("emask", "emask names no event: nothing would ever run");
        }
        List<Program> programs = new ArrayList<>();
        for (Map.Entry<Object, Object> e : emask.entrySet()) {
            if (!(e.getKey() instanceof PyStr) || !(e.getValue() instanceof PyStr)) {
                throw s.error("emask", "emask must map event names to program paths (strings), not "
                        + PyConfig.typeName(e.getKey()) + " to " + PyConfig.typeName(e.getValue()));
            }
            String event = ((PyStr) e.getKey()).text();
            int bits = EventNames.bits(event);
            if (bits == 0) {
                throw s.error("emask", "emask: unknown event '" + event + "' (known: " + EventNames.known() + ")");
            }
            String program = ((PyStr) e.getValue()).text();
            s.checkProgram("emask", "emask: the program for " + event, program);
            programs.add(new Program(event, bits, program));
        }
        double edelay = s.number("edelay", 1, 0);
        Program init = null;
        PyStr initName = s.string("initevent", null);
        if (initName != null && initName.length() > 0) {
            for (Program p : programs) {
                if (p.event().equals(initName.text())) {
                    init = p;
                }
            }
            if (init == null) {
                throw s.error("initevent", "initevent '" + initName.text() + "' is not an event of emask");
            }
        }
        s.string("logfile", null); // accepted and unused, as by inorun itself
        return new InorunConfig(config.file(), wpath, rnodes, programs, edelay, init, s.unknownNames(KNOWN));
    }

    public String file() {
        return file;
    }

    public byte[] wpath() {
        return wpath.clone();
    }

    public List<byte[]> rnodes() {
        return rnodes;
    }

    public List<Program> programs() {
        return programs;
    }

    public double edelay() {
        return edelay;
    }

    /** The emask entry to run once for the root at start, or null. */
    public Program initevent() {
        return initevent;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** argv of one run: program, node, wpath, relative path. */
    public List<Template> argv(Program p, byte[] node) {
        return List.of(Template.of(p.path()), Template.of(node), Template.of(wpath),
                Template.builder().field(Template.Source.RELATIVE_PATH).build());
    }

    /** @param pretend the rules print what they would run instead of running it */
    public List<Rule> rules(RuleReporter reporter, boolean pretend) {
        List<Rule> out = new ArrayList<>();
        Duration delay = Duration.ofNanos((long) (edelay * 1e9));
        for (Program p : programs) {
            for (byte[] node : rnodes) {
                ActionSpec action;
                if (pretend) {
                    action = ActionSpec.print(Template.builder().text("would execute " + p.path() + " ").text(node)
                            .text(" ").text(wpath).text(" ").field(Template.Source.RELATIVE_PATH).build());
                } else {
                    action = ActionSpec.argv(argv(p, node));
                }
                out.add(Rule.builder(wpath)
                        .origin(file + ": " + p.event() + " " + new String(node, StandardCharsets.UTF_8))
                        .recursive()
                        .mask(p.mask())
                        .action(action)
                        .stdio(StdioPolicy.LOG_LINES)
                        .settle(delay)
                        .maxDelay(delay)
                        .reporter(reporter)
                        .build());
            }
        }
        return out;
    }
}
