package org.inflow.dialect.incron;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.CwdPolicy;
import org.inflow.rules.DotPolicy;
import org.inflow.rules.EnvPolicy;
import org.inflow.rules.Grouping;
import org.inflow.rules.PathFilter;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;
import org.inflow.rules.InotifyMask;

/**
 * Turns a table entry into a rule that behaves as incron meant: recursion unless
 * recursive=false, directories starting with '.' below the root left out unless dotdirs=true,
 * one run per event (no folding, runs overlap), `/bin/bash -c` in the daemon's directory, a
 * deleted or not-yet-existing path watched again when it appears, IN_NO_LOOP / loopable=true,
 * IN_ONESHOT and IN_DONT_FOLLOW as flags of the rule.
 */
public final class IncronRules {
    /** Debian's incron runs every command with bash (patch 05). */
    public static final String SHELL = "/bin/bash";
    /** What a user table's command gets as PATH when its owner is not root. */
    public static final String USER_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/X11R6/bin";

    /** Event bits a rule is matched on (the kernel flags are options of the rule instead). */
    private static final int EVENT_BITS = InotifyMask.IN_ALL_EVENTS | InotifyMask.IN_UNMOUNT
            | InotifyMask.IN_Q_OVERFLOW | InotifyMask.IN_IGNORED | InotifyMask.IN_ISDIR;

    private IncronRules() {
    }

    /** Who a table's commands run as. */
    public static final class Owner {
        final String user;
        final EnvPolicy env;

        private Owner(String user, EnvPolicy env) {
            this.user = user;
            this.env = env;
        }

        /** A system table: root, the daemon's environment. */
        public static Owner system() {
            return new Owner(null, EnvPolicy.inherit());
        }

        /**
         * A user's table, run as that user. For root the daemon's environment stays; for anyone
         * else it is only LOGNAME, USER, USERNAME, HOME, SHELL from passwd and incron's PATH.
         * @param switchUser false when the daemon already runs as that user
         */
        public static Owner user(String name, boolean isRoot, String home, String shell, boolean switchUser) {
            String runAs = switchUser ? name : null;
            if (isRoot) {
                return new Owner(runAs, EnvPolicy.inherit());
            }
            EnvPolicy env = EnvPolicy.clear()
                    .set("LOGNAME", Template.of(name))
                    .set("USER", Template.of(name))
                    .set("USERNAME", Template.of(name))
                    .set("HOME", Template.of(home))
                    .set("SHELL", Template.of(shell))
                    .set("PATH", Template.of(USER_PATH));
            return new Owner(runAs, env);
        }
    }

    /**
     * @param root the entry's path made absolute by the caller
     * @param origin FILE:LINE for messages
     * @param cwd where commands run: the daemon's directory (null), or "/" once it is detached as incron is
     */
    public static Rule compile(IncronEntry e, byte[] root, String origin, Owner owner, byte[] cwd,
                               RuleReporter reporter) {
        IncronMask.Parsed m = e.mask();
        int star = indexOf(root, (byte) '*');
        int lastSlash = lastIndexOf(root, (byte) '/');
        boolean glob = star >= 0;
        if (glob && (star < lastSlash || lastSlash < 0)) {
            throw new IllegalArgumentException("a '*' is supported in the last component of a path only");
        }
        IncronCommand.Compiled cmd = IncronCommand.compile(e.command(), m.bits & EVENT_BITS, glob);
        byte[] watched = glob ? java.util.Arrays.copyOf(root, Math.max(1, lastSlash)) : root;
        Rule.Builder b = Rule.builder(watched)
                .origin(origin)
                .mask(m.bits & EVENT_BITS)
                .maxDepth(m.recursive ? Rule.UNLIMITED_DEPTH : 0)
                .dots(DotPolicy.INCLUDE)
                .action(ActionSpec.shell(cmd.template, SHELL))
                .grouping(Grouping.PER_PATH)
                .maxEvents(1) // one run per event, as incron: nothing folds
                .cwd(cwd == null ? CwdPolicy.daemon() : CwdPolicy.fixed(cwd))
                .stdio(StdioPolicy.INHERIT)
                .env(owner.env)
                .user(owner.user)
                .noLoop(m.noLoop)
                .oneshot((m.bits & InotifyMask.IN_ONESHOT) != 0)
                .followRoot((m.bits & InotifyMask.IN_DONT_FOLLOW) == 0)
                .waitMissing(true)
                .overflowRuns((m.bits & InotifyMask.IN_Q_OVERFLOW) != 0)
                .reporter(reporter);
        if (glob) {
            // incron watched the matches found at load; here the directory is watched and names
            // are matched as they come, so later matches count too (dot names only with dotdirs)
            PathFilter names = PathFilter.glob(java.util.Arrays.copyOfRange(root, lastSlash + 1, root.length), false);
            if (!m.dotdirs) {
                names = PathFilter.allOf(names, PathFilter.glob(".*", false).negate());
            }
            b.names(names).maxDepth(0);
        } else if (m.recursive && !m.dotdirs) {
            String dots = dotDirsBelow(root);
            if (dots != null) {
                b.watchExclude(dots);
            }
        }
        return b.build();
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte c) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * An ERE over full paths matching anything inside a directory whose name starts with '.'
     * below the root (not the root's own components, and not dot files themselves, which incron
     * reports as it watches their directory). Null if the root is not valid UTF-8.
     */
    static String dotDirsBelow(byte[] root) {
        String r;
        try {
            r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(root)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        StringBuilder s = new StringBuilder("^");
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (".[]()*+?{}|^$\\".indexOf(c) >= 0) {
                s.append('\\');
            }
            s.append(c);
        }
        if (!r.equals("/")) {
            s.append('/');
        }
        s.append("([^/]*/)*\\.[^/]*/");
        return s.toString();
    }
}
