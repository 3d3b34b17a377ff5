package org.inflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import org.inflow.cli.direvent.DirEventCommand;
import org.inflow.cli.incron.IncrondCommand;
import org.inflow.cli.incron.IncrontabCommand;
import org.inflow.cli.pyconf.InorunCommand;
import org.inflow.cli.pyconf.InosyncCommand;

/** The inflow command: one front door per tool it replaces. */
@Command(name = "inflow", mixinStandardHelpOptions = true, version = "inflow 0.1.0",
        description = "Linux file-event daemon: inotifywait, incron, direvent, inosync and inorun, compatible and faster.")
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    private static final java.util.Map<String, java.util.function.ToIntFunction<String[]>> OWN_SYNTAX = java.util.Map.of(
            "inosync", InosyncCommand::main,
            "inorun", InorunCommand::main,
            "incrond", IncrondCommand::run,
            "incrontab", IncrontabCommand::run,
            "direvent", rest -> DirEventCommand.run("direvent", rest));

    static int run(String[] args) {
        // Front doors that read their options as the tool they replace did (its own syntax and
        // quirks, which picocli would not reproduce).
        if (args.length > 0 && OWN_SYNTAX.containsKey(args[0])) {
            return OWN_SYNTAX.get(args[0]).applyAsInt(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        WatchCommand watch = new WatchCommand();
        // `watch … PATH… -- CMD ARGS…`: what follows the first "--" is the command, whose own
        // options must not be read as ours.
        if (args.length > 0 && args[0].equals("watch")) {
            int dashes = java.util.Arrays.asList(args).indexOf("--");
            if (dashes > 0 && dashes < args.length - 1) {
                watch.command = java.util.List.of(java.util.Arrays.copyOfRange(args, dashes + 1, args.length));
                args = java.util.Arrays.copyOf(args, dashes);
            }
        }
        CommandLine cmd = new CommandLine(new Main());
        cmd.addSubcommand("watch", watch);
        // inotifywait's conventions: the last of a repeated option wins; bad usage exits 1
        cmd.setOverwrittenOptionsAllowed(true);
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            System.err.println(ex.getMessage());
            ex.getCommandLine().usage(System.err);
            return 1;
        });
        return cmd.execute(args);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }
}
