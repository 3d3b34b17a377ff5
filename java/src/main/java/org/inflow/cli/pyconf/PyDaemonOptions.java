package org.inflow.cli.pyconf;

/**
 * The command line inosync and inorun share, read as their optparse did: -c FILE (also -cFILE,
 * --config FILE, --config=FILE), -d, -p, -v (short flags may be joined: -dv), --version, -h. A bad
 * option prints the usage and "PROG: error: ..." and exits 2, as optparse does.
 */
final class PyDaemonOptions {
    final String prog;
    String config;
    boolean daemonize;
    boolean pretend;
    boolean verbose;
    boolean version;
    boolean help;

    /** Thrown for usage errors; the message is optparse's. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    private PyDaemonOptions(String prog, String defaultConfig) {
        this.prog = prog;
        this.config = defaultConfig;
    }

    static PyDaemonOptions parse(String prog, String defaultConfig, String[] args) throws UsageError {
        PyDaemonOptions o = new PyDaemonOptions(prog, defaultConfig);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                if (i + 1 < args.length) {
                    throw new UsageError("unexpected argument: " + args[i + 1]);
                }
                break;
            }
            if (a.startsWith("--")) {
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                String full = longName(name);
                if (full == null) {
                    throw new UsageError("no such option: " + name);
                }
                if (full.equals("--config")) {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageError("--config option requires an argument");
                        }
                        value = args[++i];
                    }
                    o.config = value;
                } else if (value != null) {
                    throw new UsageError(full + " option does not take a value");
                } else {
                    o.flag(full.charAt(2) == 'v' && full.equals("--version") ? 'V' : full.charAt(2));
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (c == 'c') {
                        String value = a.substring(k + 1);
                        if (value.isEmpty()) {
                            if (i + 1 >= args.length) {
                                throw new UsageError("-c option requires an argument");
                            }
                            value = args[++i];
                        }
                        o.config = value;
                        break;
                    }
                    if ("dpvh".indexOf(c) < 0) {
                        throw new UsageError("no such option: -" + c);
                    }
                    o.flag(c);
                }
            } else {
                // optparse accepts positional arguments and the tools ignore them; so do we
                continue;
            }
        }
        return o;
    }

    /** optparse accepts any unambiguous prefix of a long option. */
    private static String longName(String given) {
        String[] all = {"--config", "--daemonize", "--pretend", "--verbose", "--version", "--help"};
        String found = null;
        for (String n : all) {
            if (n.equals(given)) {
                return n;
            }
            if (n.startsWith(given) && given.length() > 2) {
                if (found != null) {
                    return null;
                }
                found = n;
            }
        }
        return found;
    }

    private void flag(char c) {
        switch (c) {
            case 'd':
                daemonize = true;
                break;
            case 'p':
                pretend = true;
                break;
            case 'v':
                verbose = true;
                break;
            case 'V':
                version = true;
                break;
            default:
                help = true;
                break;
        }
    }

    String usage() {
        return "Usage: " + prog + " [options]\n";
    }

    String help(String defaultConfig, String pretendText) {
        return usage() + "\n"
                + "Options:\n"
                + "  --version             show program's version number and exit\n"
                + "  -h, --help            show this help message and exit\n"
                + "  -c FILE, --config=FILE\n"
                + "                        load configuration from FILE (default: " + defaultConfig + ")\n"
                + "  -d, --daemonize       daemonize " + prog + "\n"
                + "  -p, --pretend         " + pretendText + "\n"
                + "  -v, --verbose         print debugging information\n";
    }
}
