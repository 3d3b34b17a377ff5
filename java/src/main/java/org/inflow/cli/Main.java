package org.inflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The inflow command: one front door per tool it replaces. */
@Command(name = "inflow", mixinStandardHelpOptions = true, version = "inflow 0.1.0",
        description = "Linux file-event daemon: inotifywait, incron, direvent, inosync and inorun, compatible and faster.",
        subcommands = {WatchCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cmd = new CommandLine(new Main());
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
