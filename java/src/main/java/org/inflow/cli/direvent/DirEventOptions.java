package org.inflow.cli.direvent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * direvent 5.2's command line, read as getopt_long reads it (bundled short options, attached or
 * separate arguments, unambiguous prefixes of long options), so mistakes get the same messages and
 * exit status 1.
 */
final class DirEventOptions {
    int debug;
    String facility;
    boolean foreground;
    final List<Path> includeDirs = new ArrayList<>();
    String priority;
    String pidfile;
    String selfTest;
    boolean lint;
    String user;
    boolean configHelp;
    boolean help;
    boolean usage;
    boolean version;
    final List<String> positional = new ArrayList<>();

    /** Why the command line is wrong (the message to print), or null. */
    String error;

    private static final String[][] LONG = {
        {"debug", "d"}, {"facility", "F"}, {"foreground", "f"}, {"include-directory", "I"}, {"pidfile", "P"},
        {"self-test", "T"}, {"lint", "t"}, {"user", "u"}, {"config-help", "H"}, {"help", "h"}, {"usage", "U"},
        {"version", "V"}};
    private static final String WITH_ARG = "FIlPTu";
    private static final String SHORT = "dFfIlPTtuHhV";

    static DirEventOptions parse(String prog, String[] args) {
        DirEventOptions o = new DirEventOptions();
        int i = 0;
        while (i < args.length) {
            String a = args[i++];
            if (a.equals("--")) {
                while (i < args.length) {
                    o.positional.add(args[i++]);
                }
                break;
            }
            if (a.startsWith("--")) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                String opt = null;
                String full = null;
                int matches = 0;
                for (String[] l : LONG) {
                    if (l[0].equals(name)) {
                        opt = l[1];
                        full = l[0];
                        matches = 1;
                        break;
                    }
                    if (l[0].startsWith(name)) {
                        opt = l[1];
                        full = l[0];
                        matches++;
                    }
                }
                if (matches == 0) {
                    o.error = prog + ": unrecognized option '" + a + "'";
                    return o;
                }
                if (matches > 1) {
                    o.error = prog + ": option '" + a + "' is ambiguous";
                    return o;
                }
                String arg = null;
                if (WITH_ARG.contains(opt)) {
                    if (eq >= 0) {
                        arg = body.substring(eq + 1);
                    } else if (i < args.length) {
                        arg = args[i++];
                    } else {
                        o.error = prog + ": option '--" + full + "' requires an argument";
                        return o;
                    }
                } else if (eq >= 0) {
                    o.error = prog + ": option '--" + full + "' doesn't allow an argument";
                    return o;
                }
                o.apply(opt.charAt(0), arg);
                continue;
            }
            if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (SHORT.indexOf(c) < 0) {
                        o.error = prog + ": invalid option -- '" + c + "'";
                        return o;
                    }
                    if (WITH_ARG.indexOf(c) >= 0) {
                        String arg;
                        if (k + 1 < a.length()) {
                            arg = a.substring(k + 1);
                        } else if (i < args.length) {
                            arg = args[i++];
                        } else {
                            o.error = prog + ": option requires an argument -- '" + c + "'";
                            return o;
                        }
                        o.apply(c, arg);
                        break;
                    }
                    o.apply(c, null);
                }
                continue;
            }
            o.positional.add(a);
        }
        return o;
    }

    private void apply(char c, String arg) {
        switch (c) {
            case 'd': debug++; break;
            case 'F': facility = arg; break;
            case 'f': foreground = true; break;
            case 'I': includeDirs.add(Path.of(arg)); break;
            case 'l': priority = arg; break;
            case 'P': pidfile = arg; break;
            case 'T': selfTest = arg; break;
            case 't': lint = true; break;
            case 'u': user = arg; break;
            case 'H': configHelp = true; break;
            case 'h': help = true; break;
            case 'U': usage = true; break;
            default: version = true; break;
        }
    }
}
