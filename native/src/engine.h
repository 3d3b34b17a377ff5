/* The inotify engine: one inotify instance, one thread (the caller of engine_run) that drains
 * the kernel queue, keeps the directory tree in step, crawls new directories, and hands
 * encoded batches to a sink. Everything here runs on that thread except engine_add_root,
 * engine_remove_root, engine_stop and engine_stats, which post to it. */
#ifndef INFLOW_ENGINE_H
#define INFLOW_ENGINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct engine engine;

/* Called with a batch of `count` records in the engine's output buffer. Returns
 * INFLOW_SINK_OK, or INFLOW_SINK_FULL when the consumer could not take them (the engine
 * then counts them lost and reconciles with a rescan). */
typedef int (*engine_sink)(void *ctx, const unsigned char *buf, size_t len, int count);

typedef struct engine_config {
    size_t out_capacity;        /* bytes of the output batch buffer */
    size_t read_capacity;       /* bytes of the read() buffer */
    int move_wait_ms;           /* how long an unpaired MOVED_FROM waits for its MOVED_TO */
    int crawl_slice;            /* directories crawled between two drains of the queue */
} engine_config;

void engine_default_config(engine_config *c);

engine *engine_new(const engine_config *c, engine_sink sink, void *ctx, int *err);
void engine_free(engine *e);

/* Thread-safe. Returns the root id (>= 0), or -1 with msg filled (bad regex, bad path). */
int engine_add_root(engine *e, const char *path, size_t len, uint32_t mask, int max_depth,
                    const char *exclude, const char *include, int opts, char *msg, size_t msg_cap);
int engine_remove_root(engine *e, int id);
/* Widens a root: more events and/or more levels. Rules of several sources on one directory share
 * one root (two roots on one directory would fight over its watch), so a rule that wants more
 * than the root gives grows it. Levels newly in reach are listed without events, as a root's
 * initial crawl is; nothing is narrowed. */
int engine_update_root(engine *e, int id, uint32_t mask, int max_depth);

/* Runs until engine_stop; returns 0, or an errno if polling itself failed. */
int engine_run(engine *e);
void engine_stop(engine *e);

enum engine_stat {
    STAT_WATCHES, STAT_NODES, STAT_KERNEL_OVERFLOWS, STAT_SINK_OVERFLOWS, STAT_RESCANS,
    STAT_UNWATCHED, STAT_EVENTS_READ, STAT_RECORDS_OUT, STAT_BATCHES_OUT, STAT_COUNT
};
void engine_stats(engine *e, int64_t *out, int n);

/* The buffer batches are encoded into (engine_config.out_capacity bytes). */
unsigned char *engine_out_buffer(engine *e);

#endif
