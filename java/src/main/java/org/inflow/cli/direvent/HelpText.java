package org.inflow.cli.direvent;

/** The informational outputs: --help, --usage, --version, --config-help. */
final class HelpText {
    private HelpText() {
    }

    static String usage(String prog) {
        String pad = " ".repeat(prog.length() + 8);
        return "Usage: " + prog + " [-HVdfht] [-F NAME] [-I DIR] [-P FILE] [-T PROG] [-l PRIO]\n"
                + pad + "[-u USER] [--config-help] [--debug] [--facility=NAME]\n"
                + pad + "[--foreground] [--help] [--include-directory=DIR] [--lint]\n"
                + pad + "[--pidfile=FILE] [--self-test=PROG] [--usage] [--user=USER]\n"
                + pad + "[--version] [CONFIG]\n";
    }

    static String help(String prog) {
        return "Usage: " + prog + " [OPTION]... [CONFIG]\n"
                + "inflow's GNU direvent 5.2 compatible front door: monitors changes in directories\n\n"
                + "  -F, --facility=NAME         set syslog facility\n"
                + "  -H, --config-help           show configuration file summary\n"
                + "  -I, --include-directory=DIR add include directory\n"
                + "  -P, --pidfile=FILE          set PID file\n"
                + "  -T, --self-test=PROG        self-test mode\n"
                + "  -d, --debug                 increase debug level\n"
                + "  -f, --foreground            remain in foreground\n"
                + "  -l PRIO                     log everything with priority PRIO and higher to\n"
                + "                              the stderr, as well as to the syslog\n"
                + "  -t, --lint                  check configuration file and exit\n"
                + "                              (exit status 1 if it has any error)\n"
                + "  -u, --user=USER             run as this user\n\n"
                + "  Other options\n\n"
                + "  -V, --version               Print program version\n"
                + "  -h, --help                  Give this help list\n"
                + "  --usage                     Give a short usage message\n\n"
                + "Mandatory or optional arguments to long options are also mandatory or optional\n"
                + "for any corresponding short options.\n\n"
                + "The optional CONFIG argument supplies the name of the configuration file\n"
                + "to use instead of /etc/direvent.conf.\n\n"
                + "This direvent uses inotify interface.\n\n"
                + "Include search path:\n"
                + "/usr/share/direvent/5.2\n"
                + "/usr/share/direvent/include\n\n"
                + "SIGHUP reloads the configuration (in self-test mode it stops, as in 5.2).\n";
    }

    static String version(String prog) {
        return prog + " (inflow 0.1.0) 5.2\n"
                + "Runs GNU direvent 5.2 configurations with inflow's engine.\n";
    }

    static String configHelp() {
        return "# Configuration file structure for direvent.\n"
                + "# For more information, use `info direvent configuration'.\n\n"
                + "# Run as this user\nuser <arg: string>;\n\n"
                + "# Run in foreground\nforeground <arg: boolean>;\n\n"
                + "# Set pid file name\npidfile <file: string>;\n\n"
                + "# Configure syslog logging\nsyslog {\n"
                + "  # Set syslog facility. Arg is one of the following: user, daemon, auth,\n"
                + "  # authpriv, mail, cron, local0 through local7.\n"
                + "  facility <name: string>;\n\n"
                + "  # Tag syslog messages with this string\n  tag <string: string>;\n\n"
                + "  # Prefix each message with its priority\n  print-priority <arg: boolean>;\n}\n\n"
                + "# Set debug level\ndebug <level: number>;\n\n"
                + "# Configure event watcher\nwatcher {\n"
                + "  # Pathname to watch\n  path <arg: string>;\n\n"
                + "  # Events to watch for\n  event <arg: list of string>;\n\n"
                + "  # Files to watch for\n  file <regexp: list of string>;\n\n"
                + "  # Command to execute on event\n  command <arg: string>;\n\n"
                + "  # Run command as this user\n  user <name: string>;\n\n"
                + "  # Timeout for the command\n  timeout <seconds: number>;\n\n"
                + "  # List of additional options: wait, nowait, stdout, stderr, shell\n"
                + "  option <arg: list of string>;\n\n"
                + "  # Modify environment: -, --, -NAME, -NAME=VAL, NAME, NAME=VAL, NAME+=VAL, NAME=+VAL\n"
                + "  environ <arg: list of string>;\n}\n";
    }
}
