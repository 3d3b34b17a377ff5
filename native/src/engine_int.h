/* What the engine's files share: its state, its roots and crawl work, and the functions one
 * file calls in another. Not an interface for anything outside native/src/engine*.c. */
#ifndef INFLOW_ENGINE_INT_H
#define INFLOW_ENGINE_INT_H

#include "engine.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "abi.h"
#include "dedup.h"
#include "dirents.h"
#include "moves.h"
#include "tree.h"

/* What the engine itself needs to keep a recursive tree in step, whatever the user asked. */
#define TREE_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
#define SELF_MASK (IN_DELETE_SELF | IN_MOVE_SELF)
#define ANCHOR_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_MASK_ADD)
#define DIR_FLAGS (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
/* Past this many open directories the initial crawl opens by path instead of by parent fd. */
#define MAX_OPEN_FRAMES 256
#define DROPPED_KEEP 64
/* Held events past this are given up for a rescan (see hold_event). */
#define HELD_MAX (1 << 20)
/* Directories listed in line with the events of one drain (see drain). */
#define INLINE_CRAWL_BUDGET 4096

#define BACKOFF_FIRST_MS 20
#define BACKOFF_MAX_MS 10000
#define BACKOFF_RESET_MS 60000

enum crawl_mode { CRAWL_INITIAL = 0, CRAWL_SYNTH = 1, CRAWL_RESCAN = 2, CRAWL_MODES = 3 };

typedef struct root {
    int id;
    int active;               /* 0 once removed */
    char *path;               /* as given, trailing slashes stripped */
    size_t path_len;
    uint32_t emit_mask;       /* events the user asked for */
    uint32_t kernel_mask;     /* emit_mask plus what recursion needs */
    int max_depth;            /* -1: unlimited */
    int opts;
    int is_file;              /* the root is not a directory: one watch, no tree */
    regex_t exclude, include;
    int has_exclude, has_include;
    node *top;                /* NULL while waiting for the path to exist */
    int anchor_wd;            /* while waiting: watch on the nearest existing ancestor */
    int ready_sent;
    int outstanding[CRAWL_MODES];
    long unwatched;           /* directories that could not be watched, this crawl */
    int unwatched_errno;
    char *first_unwatched;
} root;

typedef struct crawl_item {
    node *n;
    int depth;
    int mode;
} crawl_item;

typedef struct command {
    struct command *next;
    int remove;
    int update;
    root *r;                  /* add */
    int id;                   /* remove, update */
    uint32_t mask;            /* update */
    int max_depth;            /* update */
} command;

struct engine {
    engine_config cfg;
    int ifd, efd;
    tree t;
    moves mv;
    dedup dd;
    engine_sink sink;
    void *sink_ctx;

    root **roots;
    int nroots;
    int waiting_roots;
    unsigned char *held;      /* events from inside a parked directory, replayed once it is settled */
    size_t held_len, held_cap;
    int replaying;
    int dropped[DROPPED_KEEP];
    unsigned dropped_next;

    crawl_item *queue;
    size_t q_head, q_len, q_cap;

    struct frame *frames;     /* the initial crawl's depth-first stack */
    size_t f_len, f_cap;
    int open_frames;

    /* The parallel half of an initial crawl (see split_root). */
    struct engine *helper;
    pthread_t helper_thread;
    int helper_done;          /* set by the helper thread, read with __atomic */
    int helper_abort;         /* set by the engine when it is being freed */
    int helper_joinable;
    int owns_ifd;
    unsigned char *fwd;       /* a helper's records, handed to the engine at the merge */
    size_t fwd_len, fwd_cap;
    int fwd_count;

    unsigned char *rbuf;
    unsigned char *out;
    size_t out_len;
    int out_count;

    char *path;               /* scratch: a directory path, then "/name" for regex checks */
    size_t path_cap;
    const node *cached_node;  /* the node whose path is in `path` */
    uint64_t cached_gen;
    long cached_len;

    uint32_t drain;           /* complete drains of the queue, for dedup expiry */
    uint32_t epoch;           /* reconciliation generation */

    int64_t rescan_due_ms;    /* 0: none scheduled */
    int overflow_streak;
    int64_t last_overflow_ms;

    pthread_mutex_t lock;
    command *commands;
    int next_root_id;
    volatile int stopping;

    int64_t stat[STAT_COUNT];
};



enum watch_result { WATCH_OK, WATCH_GONE, WATCH_FAILED };

/* A directory of the initial crawl: listed, then (its subtree done) watched. */
typedef struct frame {
    node *n;
    int fd;                   /* open from its listing until its own watch is added */
    int parent;               /* index of the parent's frame, -1 for the root */
    int depth;
    int listed;
    struct timespec listed_at; /* CLOCK_REALTIME_COARSE just before the listing */
} frame;

/* engine.c */
int64_t now_ms(void);
void stat_add(engine *e, int which, int64_t v);

/* records.c */
void flush(engine *e);
void record(engine *e, int kind, int flags, uint32_t mask, uint32_t cookie, int root_id,
                   const char *dir, size_t dir_len, const char *name, size_t name_len);
void message(engine *e, int kind, int root_id, const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
long node_path(engine *e, const node *n);
void forget_cached(engine *e, const node *n);
int excluded_dir(engine *e, root *r, long dir_len, const char *name, size_t name_len);
void emit(engine *e, root *r, const node *dir, uint32_t mask, uint32_t cookie, int flags,
                 const char *name, size_t name_len);

/* watches.c */
void release_node(engine *e, node *n);
void detach_subtree(engine *e, node *n, int remove_watches);
void report_unwatched(engine *e, root *r);
int watch_node(engine *e, root *r, node *n, const char *path);
void drop_vanished(engine *e, root *r, node *n);
int take_watch_from_below(engine *e, root *r, node *n);

/* crawl.c */
int enqueue(engine *e, node *n, int depth, int mode);
int descend_ok(root *r, int depth);
void finish_item(engine *e, root *r, int mode);
void crawl_queued(engine *e);
void crawl_slice(engine *e);

/* crawl_initial.c */
int push_frame(engine *e, node *n, int parent, int depth);
void pop_frame(engine *e);
int initial_step(engine *e);

/* crawl_split.c */
void split_root(engine *e, root *r);
int merge_helper(engine *e);

/* roots.c */
void strip_slashes(const char *path, size_t *len);
int recently_dropped(const engine *e, int wd);
void root_gone(engine *e, root *r, int remove_watches);
void anchor_event(engine *e, root *r, const struct inotify_event *ev);
void free_root(root *r);
void install_root(engine *e, root *r);
void uninstall_root(engine *e, int id);
void update_root(engine *e, int id, uint32_t mask, int max_depth);
uint32_t watch_mask(const root *r, const node *n);

/* rescan.c */
void engine_schedule_rescan(engine *e);
void start_rescans(engine *e);
void kernel_overflow(engine *e);

/* events.c */
node *unpark(node *n);
void replay_held(engine *e);
void drain(engine *e);
void expire_moves(engine *e);

#endif
