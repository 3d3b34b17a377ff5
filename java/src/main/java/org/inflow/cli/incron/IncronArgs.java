package org.inflow.cli.incron;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * incron's own option parser, quirks kept so scripts behave the same: a short option takes the
 * next word that is not an option as its value, whether it needs one or not (`-l foo` lists);
 * `-uNAME` works, bundling does not; long options take values only as `--opt=value`; unknown
 * options are ignored; a lone `-` is a positional argument.
 */
final class IncronArgs {
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** @param longToShort long option names and the short letter each stands for */
    static IncronArgs parse(String[] args, Map<String, String> longToShort) {
        IncronArgs a = new IncronArgs();
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            if (s.startsWith("--") && s.length() > 2) {
                int eq = s.indexOf('=');
                String name = eq < 0 ? s.substring(2) : s.substring(2, eq);
                String letter = longToShort.get(name);
                if (letter != null) {
                    a.options.putIfAbsent(letter, eq < 0 ? null : s.substring(eq + 1));
                }
            } else if (s.startsWith("-") && s.length() > 1) {
                String letter = s.substring(1, 2);
                String value = null;
                if (s.length() > 2) {
                    value = s.substring(2);
                } else if (i + 1 < args.length && !(args[i + 1].startsWith("-") && args[i + 1].length() > 1)) {
                    value = args[++i];
                }
                a.options.putIfAbsent(letter, value);
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    boolean has(String letter) {
        return options.containsKey(letter);
    }

    String value(String letter) {
        return options.get(letter);
    }

    List<String> positional() {
        return positional;
    }
}
