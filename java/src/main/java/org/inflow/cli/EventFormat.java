package org.inflow.cli;

import org.inflow.pipeline.FsEvent;

/** Turns one event into one output line (without the line terminator) in a LineBuffer. */
interface EventFormat {
    void format(FsEvent event, EventView view, long epochMillis, LineBuffer out);
}
