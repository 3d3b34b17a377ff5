package org.inflow.cli.incron;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.inflow.dialect.incron.IncronConfig;
import org.inflow.dialect.incron.IncronMask;
import org.inflow.dialect.incron.IncronProblem;
import org.inflow.dialect.incron.IncronTable;

/**
 * `inflow incrontab` (also bin/incrontab): incron's table tool with its options, messages and
 * exit codes. Unlike incron it keeps the user's text byte for byte (comments, spacing, mask
 * spelling), refuses a table with problems (each named FILE:LINE, exit 1), writes the table
 * atomically with mode 0600 owned by its user, compares an edit by content, and really ignores
 * -f for users other than root.
 */
public final class IncrontabCommand {
    private static final Map<String, String> LONG = Map.of("list", "l", "remove", "r", "edit", "e",
            "types", "t", "reload", "d", "user", "u", "config", "f", "help", "h", "about", "?", "version", "V");

    private final PrintStream out;
    private final PrintStream err;

    private IncrontabCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args) {
        return new IncrontabCommand(System.out, System.err).main(args);
    }

    private int main(String[] args) {
        IncronArgs a = IncronArgs.parse(args, LONG);
        if (a.has("h")) {
            err.println("usage: incrontab [<options>] <operation>\n"
                    + "       incrontab [<options>] <FILE-TO-IMPORT>\n\n"
                    + "<operation> may be one of the following:\n"
                    + "  -?, --about                  gives short information about program\n"
                    + "  -h, --help                   prints this help text\n"
                    + "  -l, --list                   lists user table\n"
                    + "  -r, --remove                 removes user table\n"
                    + "  -e, --edit                   provides editing user table\n"
                    + "  -t, --types                  list supported event types\n"
                    + "  -d, --reload                 request incrond to reload user table\n"
                    + "  -V, --version                prints program version\n\n"
                    + "These options may be used:\n"
                    + "  -u <USER>, --user=<USER>     overrides current user (requires root privileges)\n"
                    + "  -f <FILE>, --config=<FILE>   overrides default configuration file  (requires root privileges)\n\n"
                    + "For reporting bugs please use https://github.com/ar-/incron/issues (this is inflow's replacement)");
            return 0;
        }
        if (a.has("?")) {
            err.println("incrontab (incron) " + IncrondCommand.VERSION + " - incron table manipulator, as implemented by inflow");
            return 0;
        }
        if (a.has("V")) {
            err.println("incrontab (incron) " + IncrondCommand.VERSION + " (inflow)");
            return 0;
        }
        boolean op = a.has("l") || a.has("r") || a.has("e") || a.has("t") || a.has("d");
        List<String> files = a.positional();
        if (!op && files.isEmpty()) {
            err.println("invalid arguments - specify operation or source file");
            return 1;
        }
        if (op && !files.isEmpty()) {
            err.println("invalid arguments - operation and source file cannot be combined");
            return 1;
        }
        int uid = IncronUsers.currentUid();
        boolean root = uid == 0;
        String configFile = null;
        if (a.has("f")) {
            if (root) {
                configFile = a.value("f");
            } else {
                err.println("insufficient privileges to use custom configuration (will use default)");
            }
        }
        IncronConfig config;
        try {
            config = IncrondCommand.loadConfig(configFile);
        } catch (IOException e) {
            err.println("cannot load configuration file: " + e.getMessage());
            return 1;
        }
        Optional<IncronUsers.User> self = IncronUsers.byUid(uid);
        String user;
        if (a.has("u") && a.value("u") != null) {
            String u = a.value("u");
            if (!root) {
                err.println("cannot override user to '" + u + "': insufficient privileges");
                return 1;
            }
            if (IncronUsers.byName(u).isEmpty()) {
                err.println("user '" + u + "' not found");
                return 1;
            }
            user = u;
        } else if (self.isPresent()) {
            user = self.get().name;
        } else {
            err.println("cannot find user with uid " + uid);
            return 1;
        }
        if (!new IncronAccess(config.allowedUsers(), config.deniedUsers()).allowed(user)) {
            err.println("user '" + user + "' is not allowed to use incron");
            return 1;
        }
        Path table = config.userTableDir().resolve(user);
        try {
            if (a.has("l")) {
                return list(table, user);
            }
            if (a.has("r")) {
                return remove(table, user);
            }
            if (a.has("e")) {
                return edit(table, user, config, root);
            }
            if (a.has("t")) {
                out.println(IncronMask.TYPES);
                return 0;
            }
            if (a.has("d")) {
                return reload(table, user);
            }
            return importFrom(files.get(0), table, user, root);
        } catch (IOException e) {
            err.println("cannot access the table of user '" + user + "' (" + table + "): " + IncrondCommand.reason(e));
            return 1;
        }
    }

    private int list(Path table, String user) throws IOException {
        try {
            out.write(Files.readAllBytes(table));
            out.flush();
        } catch (NoSuchFileException none) {
            err.println("no table for " + user);
        }
        return 0;
    }

    private int remove(Path table, String user) throws IOException {
        err.println("removing table for user '" + user + "'");
        if (Files.deleteIfExists(table)) {
            err.println("table for user '" + user + "' successfully removed");
        } else {
            err.println("table for user '" + user + "' does not exist");
        }
        return 0;
    }

    /** Touches the table: the daemon reloads it (re-arms IN_ONESHOT entries, retries missing paths). */
    private int reload(Path table, String user) throws IOException {
        err.println("requesting table reload for user '" + user + "'...");
        if (!Files.exists(table)) {
            err.println("no table for '" + user + "'");
            return 0;
        }
        Files.setLastModifiedTime(table, FileTime.fromMillis(System.currentTimeMillis()));
        err.println("request done");
        return 0;
    }

    private int importFrom(String file, Path table, String user, boolean root) throws IOException {
        err.println("copying table from file '" + file + "'");
        byte[] text;
        try {
            text = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("cannot load table from file '" + file + "'");
            return 1;
        }
        if (!valid(file.equals("-") ? "(stdin)" : file, text)) {
            return 1;
        }
        install(table, text, user, root);
        return 0;
    }

    private int edit(Path table, String user, IncronConfig config, boolean root) throws IOException {
        byte[] before;
        try {
            before = Files.readAllBytes(table);
        } catch (NoSuchFileException none) {
            before = new byte[0];
        }
        Path tmp = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir", "/tmp")), "incron.table-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, before);
        String editor = editor(config);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", editor + " \"$1\"", "sh", tmp.toString()));
        Optional<IncronUsers.User> target = IncronUsers.byName(user);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (root && target.isPresent() && target.get().uid != 0) {
            // as incron: the editor runs as the table's user, on a file that user owns
            IncronUsers.User u = target.get();
            Files.setOwner(tmp, tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
            List<String> as = new ArrayList<>(List.of("setpriv", "--reuid=" + u.uid, "--regid=" + u.gid,
                    "--init-groups", "--"));
            as.addAll(cmd);
            pb = new ProcessBuilder(as);
            pb.environment().put("HOME", u.home);
            pb.environment().put("USER", user);
            pb.environment().put("LOGNAME", user);
            pb.environment().put("USERNAME", user);
            pb.environment().put("SHELL", u.shell);
        }
        int status;
        try {
            Process p = pb.inheritIO().start();
            status = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        if (status != 0) {
            err.println("editor finished with error: exit status " + status);
            Files.deleteIfExists(tmp);
            return 1;
        }
        byte[] after = Files.readAllBytes(tmp);
        if (Arrays.equals(before, after)) {
            err.println("table unchanged");
            Files.deleteIfExists(tmp);
            return 0;
        }
        if (!valid(table.toString(), after)) {
            err.println("table not updated; your edit is kept in " + tmp);
            return 1;
        }
        install(table, after, user, root);
        Files.deleteIfExists(tmp);
        err.println("table updated");
        return 0;
    }

    /** $EDITOR, $VISUAL, the config's editor, /etc/alternatives/editor, vim: incron's order. */
    private static String editor(IncronConfig config) {
        String e = System.getenv("EDITOR");
        if (e != null) {
            return e;
        }
        e = System.getenv("VISUAL");
        if (e != null) {
            return e;
        }
        if (!config.editor().isEmpty()) {
            return config.editor();
        }
        if (Files.isExecutable(Path.of("/etc/alternatives/editor"))) {
            return "/etc/alternatives/editor";
        }
        return "vim";
    }

    /** Every problem on stderr as FILE:LINE: message; false if the table must be refused. */
    private boolean valid(String name, byte[] text) {
        IncronTable t = IncronTable.parse(name, text);
        for (IncronProblem p : t.problems()) {
            err.println(p);
        }
        if (t.hasErrors()) {
            int n = 0;
            for (IncronProblem p : t.problems()) {
                if (p.severity() != IncronProblem.Severity.NOTICE) {
                    n++;
                }
            }
            err.println("table not installed: " + n + " problem" + (n == 1 ? "" : "s") + " (see above)");
            return false;
        }
        return true;
    }

    /** Written beside the table, mode 0600, owned by the user, then renamed over it. */
    private static void install(Path table, byte[] text, String user, boolean root) throws IOException {
        Path dir = table.getParent();
        Path tmp = Files.createTempFile(dir, "." + table.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, text);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            if (root) {
                UserPrincipalLookupService users = tmp.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(tmp, users.lookupPrincipalByName(user));
            }
            try {
                Files.move(tmp, table, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notHere) {
                Files.move(tmp, table, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
