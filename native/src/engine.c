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
    root *r;                  /* add */
    int id;                   /* remove */
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

static void engine_schedule_rescan(engine *e);
static node *unpark(node *n);
static void replay_held(engine *e);
static void split_root(engine *e, struct root *r);

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stat_add(engine *e, int which, int64_t v)
{
    __atomic_fetch_add(&e->stat[which], v, __ATOMIC_RELAXED);
}

void engine_default_config(engine_config *c)
{
    c->out_capacity = 1 << 20;
    c->read_capacity = 1 << 20;
    c->move_wait_ms = 5;
    c->crawl_slice = 512;
}

/* ---------------------------------------------------------------- output records */

static void flush(engine *e)
{
    if (e->out_count == 0)
        return;
    int rc = e->sink(e->sink_ctx, e->out, e->out_len, e->out_count);
    stat_add(e, STAT_BATCHES_OUT, 1);
    stat_add(e, STAT_RECORDS_OUT, e->out_count);
    e->out_len = 0;
    e->out_count = 0;
    if (rc == INFLOW_SINK_FULL) {
        /* The consumer fell behind: what it could not take is lost, so reconcile later
         * exactly as after a kernel overflow. The Java side reports the overflow itself. */
        stat_add(e, STAT_SINK_OVERFLOWS, 1);
        engine_schedule_rescan(e);
    }
}

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }

static void record(engine *e, int kind, int flags, uint32_t mask, uint32_t cookie, int root_id,
                   const char *dir, size_t dir_len, const char *name, size_t name_len)
{
    size_t size = (INFLOW_REC_HEADER + dir_len + name_len + 3) & ~(size_t)3;
    if (size > e->cfg.out_capacity)
        return; /* cannot happen with PATH_MAX-bounded paths and a 1 MiB buffer */
    if (e->out_len + size > e->cfg.out_capacity)
        flush(e);
    unsigned char *p = e->out + e->out_len;
    put32(p, (uint32_t)size);
    put16(p + 4, (uint16_t)kind);
    put16(p + 6, (uint16_t)flags);
    put32(p + 8, mask);
    put32(p + 12, cookie);
    put32(p + 16, (uint32_t)root_id);
    put32(p + 20, (uint32_t)dir_len);
    put32(p + 24, (uint32_t)name_len);
    memcpy(p + INFLOW_REC_HEADER, dir, dir_len);
    memcpy(p + INFLOW_REC_HEADER + dir_len, name, name_len);
    memset(p + INFLOW_REC_HEADER + dir_len + name_len, 0, size - INFLOW_REC_HEADER - dir_len - name_len);
    e->out_len += size;
    e->out_count++;
}

static void message(engine *e, int kind, int root_id, const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void message(engine *e, int kind, int root_id, const char *dir, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof text)
        n = sizeof text - 1;
    record(e, kind, 0, 0, 0, root_id, dir, strlen(dir), text, (size_t)n);
}

/* The path of n in e->path (cached across consecutive events in the same directory). */
static long node_path(engine *e, const node *n)
{
    if (e->cached_node == n && e->cached_gen == e->t.rename_gen)
        return e->cached_len;
    long len = tree_path(n, e->path, e->path_cap - NAME_MAX - 2);
    e->cached_node = len >= 0 ? n : NULL;
    e->cached_gen = e->t.rename_gen;
    e->cached_len = len;
    return len;
}

static void forget_cached(engine *e, const node *n)
{
    if (e->cached_node == n)
        e->cached_node = NULL;
}

/* Does "dir/name" pass the root's --exclude/--include? Uses e->path past the cached dir. */
static int passes_filters(engine *e, root *r, long dir_len, const char *name, size_t name_len)
{
    if (!r->has_exclude && !r->has_include)
        return 1;
    char *p = e->path;
    size_t len = (size_t)dir_len;
    if (name_len) {
        p[len++] = '/';
        memcpy(p + len, name, name_len);
        len += name_len;
    }
    p[len] = 0;
    int ok = 1;
    if (r->has_exclude && regexec(&r->exclude, p, 0, NULL, 0) == 0)
        ok = 0;
    if (ok && r->has_include && regexec(&r->include, p, 0, NULL, 0) != 0)
        ok = 0;
    p[dir_len] = 0;
    return ok;
}

/* --exclude prunes directories; --include selects events only, never what is descended into. */
static int excluded_dir(engine *e, root *r, long dir_len, const char *name, size_t name_len)
{
    if (!r->has_exclude)
        return 0;
    char *p = e->path;
    size_t len = (size_t)dir_len;
    p[len++] = '/';
    memcpy(p + len, name, name_len);
    p[len + name_len] = 0;
    int hit = regexec(&r->exclude, p, 0, NULL, 0) == 0;
    p[dir_len] = 0;
    return hit;
}

static void emit(engine *e, root *r, const node *dir, uint32_t mask, uint32_t cookie, int flags,
                 const char *name, size_t name_len)
{
    uint32_t shown = mask & (r->emit_mask | IN_ISDIR | IN_Q_OVERFLOW);
    if ((shown & ~IN_ISDIR) == 0)
        return;
    long len = node_path(e, dir);
    if (len < 0)
        return;
    if (!passes_filters(e, r, len, name, name_len))
        return;
    record(e, INFLOW_EVENT, flags, shown, cookie, r->id, e->path, (size_t)len, name, name_len);
}

/* ---------------------------------------------------------------- node lifetime */

static void release_node(engine *e, node *n)
{
    moves_forget(&e->mv, n);
    if (!dedup_empty(&e->dd))
        dedup_forget_dir(&e->dd, n);
    forget_cached(e, n);
    if (n->bits & NODE_QUEUED) {
        n->bits |= NODE_DEAD;   /* the crawler frees it when it reaches it */
        return;
    }
    node_free(&e->t, n);
}

typedef struct detach_args {
    int remove_watches;
} detach_args;

static void detach_one(tree *t, node *n, void *arg)
{
    engine *e = (engine *)((char *)t - offsetof(engine, t));
    detach_args *a = arg;
    tree_unlink(t, n);
    n->first_child = NULL;
    if (n->wd >= 0) {
        if (!a->remove_watches)
            return; /* the kernel removes it (deleted) and IN_IGNORED frees the tombstone */
        if (inotify_rm_watch(e->ifd, n->wd) == 0)
            return; /* tombstone until IN_IGNORED */
        tree_drop_wd(t, n);
    }
    release_node(e, n);
}

/* Takes n and everything below it out of the tree. remove_watches: the subtree left the tree
 * (moved out, vanished in a rescan); otherwise it was deleted and the kernel drops the watches. */
static void detach_subtree(engine *e, node *n, int remove_watches)
{
    detach_args a = { remove_watches };
    tree_visit_postorder(&e->t, n, detach_one, &a);
}

/* ---------------------------------------------------------------- crawl queue */

static int enqueue(engine *e, node *n, int depth, int mode)
{
    if (n->bits & NODE_QUEUED)
        return 0;
    if (e->q_len == e->q_cap) {
        size_t cap = e->q_cap ? e->q_cap * 2 : 1024;
        crawl_item *q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (size_t i = 0; i < e->q_len; i++)
            q[i] = e->queue[(e->q_head + i) % e->q_cap];
        free(e->queue);
        e->queue = q;
        e->q_cap = cap;
        e->q_head = 0;
    }
    e->queue[(e->q_head + e->q_len) % e->q_cap] = (crawl_item){ n, depth, mode };
    e->q_len++;
    n->bits |= NODE_QUEUED;
    e->roots[n->root]->outstanding[mode]++;
    return 0;
}

static int descend_ok(root *r, int depth)
{
    return r->max_depth < 0 || depth <= r->max_depth;
}

static void note_unwatched(engine *e, root *r, const char *path, int err)
{
    if (r->unwatched++ == 0) {
        free(r->first_unwatched);
        r->first_unwatched = strdup(path);
        r->unwatched_errno = err;
    }
    stat_add(e, STAT_UNWATCHED, 1);
    if (err != ENOSPC)
        message(e, INFLOW_WARNING, r->id, path, "cannot watch %s: %s", path, strerror(err));
}

static long read_sysctl(const char *file)
{
    FILE *f = fopen(file, "r");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static void report_unwatched(engine *e, root *r)
{
    if (r->unwatched == 0 || r->unwatched_errno != ENOSPC) {
        r->unwatched = 0;
        return;
    }
    long limit = read_sysctl("/proc/sys/fs/inotify/max_user_watches");
    /* Inside a user namespace the limit in force is that namespace's own. */
    long ns_limit = read_sysctl("/proc/sys/user/max_inotify_watches");
    const char *knob = "fs.inotify.max_user_watches";
    if (ns_limit > 0 && (limit <= 0 || ns_limit < limit)) {
        limit = ns_limit;
        knob = "user.max_inotify_watches";
    }
    long want = (long)e->t.wd_count + r->unwatched;
    message(e, INFLOW_WARNING, r->id, r->path,
            "cannot watch %ld director%s under %s (first: %s): the inotify watch limit is reached "
            "(%s = %ld, %zu held by this process). Everything else stays watched, directories "
            "nearer the root first. Raise the limit with: sysctl %s=%ld",
            r->unwatched, r->unwatched == 1 ? "y" : "ies", r->path,
            r->first_unwatched ? r->first_unwatched : "?", knob, limit, e->t.wd_count, knob,
            limit > 0 ? (want > limit ? want : limit) * 2 : 1048576L);
    r->unwatched = 0;
}

static void finish_item(engine *e, root *r, int mode)
{
    if (--r->outstanding[mode] > 0)
        return;
    if (mode == CRAWL_INITIAL && !r->ready_sent) {
        report_unwatched(e, r);
        r->ready_sent = 1;
        record(e, INFLOW_READY, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
    } else if (mode == CRAWL_RESCAN) {
        report_unwatched(e, r);
        record(e, INFLOW_RESCAN_END, INFLOW_F_RESCAN, 0, 0, r->id, r->path, r->path_len, "", 0);
    } else {
        report_unwatched(e, r);
    }
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void sweep_vanished(engine *e, root *r, node *dir);
static void root_gone(engine *e, root *r, int remove_watches);

enum watch_result { WATCH_OK, WATCH_GONE, WATCH_FAILED };

static int is_ancestor(const node *a, const node *n)
{
    for (const node *p = n->parent; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}

/* Watches n (whose path is in `path`). WATCH_GONE: it vanished or was replaced (its parent's
 * events say so); WATCH_FAILED: reported as unwatched, errno says why. */
static int watch_node(engine *e, root *r, node *n, const char *path)
{
    /* The root itself may be a symlink to a directory, as with inotifywait; nothing below it
     * is ever followed. */
    uint32_t follow = n == r->top ? 0 : IN_DONT_FOLLOW;
    uint32_t mask = r->kernel_mask | (DIR_FLAGS & ~IN_DONT_FOLLOW) | follow;
    int wd = inotify_add_watch(e->ifd, path, mask);
    node *stale = wd >= 0 ? tree_by_wd(&e->t, wd) : NULL;
    if (stale && stale != n && stale->state == NODE_LIVE && n != r->top && !is_ancestor(stale, n)) {
        /* The directory we just found here is one the tree still has at another place: it was
         * moved and we have not read (or will never get) the MOVED_FROM/MOVED_TO pair, e.g.
         * mv a /elsewhere && mv /elsewhere/a b, or a move while we were behind. A directory is
         * in one place only, and our listing just saw where: the old node gives up its watches
         * and this one is watched afresh; the listing that follows reports all it holds. */
        moves_forget(&e->mv, stale);
        unpark(stale);
        detach_subtree(e, stale, 1);
        wd = inotify_add_watch(e->ifd, path, mask);
    }
    if (wd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR || err == ELOOP)
            return WATCH_GONE;
        note_unwatched(e, r, path, err);
        errno = err;
        return WATCH_FAILED;
    }
    node *other = tree_by_wd(&e->t, wd);
    if (other && other != n) {
        if (other->state != NODE_TOMBSTONE) {
            /* The same inode under a second path (a bind mount, a rename we have not read yet,
             * or a root inside another root's tree): one node per watch. */
            return n == r->top ? WATCH_OK : WATCH_GONE;
        }
        tree_drop_wd(&e->t, other);
        release_node(e, other);
    }
    tree_set_wd(&e->t, n, wd);
    return WATCH_OK;
}

/* n could not be watched because it is gone: forget it (a root waits to come back). */
static void drop_vanished(engine *e, root *r, node *n)
{
    if (n == r->top) {
        root_gone(e, r, 1);
    } else {
        tree_unlink(&e->t, n);
        release_node(e, n);
    }
}

/* Watch first, then list: an entry created after the listing is reported by the kernel, one
 * created before it is in the listing. */
static void crawl_one(engine *e, crawl_item it)
{
    node *n = it.n;
    n->bits &= (uint8_t)~NODE_QUEUED;
    root *r = e->roots[n->root];
    if (n->bits & NODE_DEAD) {
        node_free(&e->t, n);
        finish_item(e, r, it.mode);
        return;
    }
    long len = node_path(e, n);
    if (len < 0) {
        finish_item(e, r, it.mode);
        return;
    }
    e->path[len] = 0;
    int is_top = n == r->top;
    if (n->wd < 0) {
        int w = watch_node(e, r, n, e->path);
        if (w == WATCH_GONE) {
            finish_item(e, r, it.mode);
            drop_vanished(e, r, n);
            return;
        }
        if (w == WATCH_FAILED && errno != ENOSPC) {
            finish_item(e, r, it.mode);
            return;
        }
        /* ENOSPC: keep walking to count what stays unwatched */
    }
    int fd = open(e->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_top ? 0 : O_NOFOLLOW));
    if (fd < 0) {
        if (errno == EACCES && n->wd >= 0)
            message(e, INFLOW_WARNING, r->id, e->path, "cannot list %s: %s", e->path, strerror(errno));
        finish_item(e, r, it.mode);
        return;
    }
    int child_depth = it.depth + 1;
    int flags = it.mode == CRAWL_SYNTH ? INFLOW_F_SYNTHETIC : it.mode == CRAWL_RESCAN ? INFLOW_F_SYNTHETIC | INFLOW_F_RESCAN : 0;
    if (it.mode == CRAWL_RESCAN)
        e->epoch++;
    uint32_t epoch = e->epoch;
    char buf[32768] __attribute__((aligned(8)));
    for (;;) {
        long nread = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (nread <= 0)
            break;
        for (long off = 0; off < nread;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))
                continue;
            size_t name_len = strlen(name);
            int type = d->d_type;
            if (type == DT_UNKNOWN) {
                struct stat st;
                if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
            }
            int isdir = type == DT_DIR;
            if (flags) {
                uint32_t mask = IN_CREATE | (isdir ? IN_ISDIR : 0);
                if (type == DT_REG)
                    mask |= IN_CLOSE_WRITE; /* it may have been written before we watched */
                if (it.mode == CRAWL_SYNTH)
                    dedup_add(&e->dd, n, name, name_len, e->drain);
                emit(e, r, n, mask, 0, flags, name, name_len);
                len = node_path(e, n); /* emit may have flushed; the path cache stays valid */
            }
            if (!isdir || !descend_ok(r, child_depth))
                continue;
            if (excluded_dir(e, r, len, name, name_len))
                continue;
            node *c = tree_child(&e->t, n, name, name_len);
            if (!c) {
                c = tree_add(&e->t, n, name, name_len, r->id);
                if (!c)
                    continue;
            } else if (it.mode != CRAWL_RESCAN && c->wd >= 0) {
                continue; /* already watched and listed (its CREATE beat this listing) */
            }
            c->epoch = epoch;
            enqueue(e, c, child_depth, it.mode);
        }
    }
    close(fd);
    if (it.mode == CRAWL_RESCAN)
        sweep_vanished(e, r, n);
    finish_item(e, r, it.mode);
}

static void sweep_vanished(engine *e, root *r, node *dir)
{
    uint32_t epoch = e->epoch;
    node *c = dir->first_child;
    while (c) {
        node *next = c->next_sibling;
        if (c->epoch != epoch && !(c->bits & NODE_QUEUED)) {
            emit(e, r, dir, IN_DELETE | IN_ISDIR, 0, INFLOW_F_SYNTHETIC | INFLOW_F_RESCAN, c->name, c->name_len);
            detach_subtree(e, c, 1);
        }
        c = next;
    }
}

/* ---------------------------------------------------------------- initial crawl
 *
 * Depth first and post-order: a directory is listed through openat() on its parent's still
 * open fd while nothing around it is watched yet, and watched only once everything below it
 * is, so listing causes no events at all (no OPEN/ACCESS/CLOSE_NOWRITE of our own to hide, and
 * no second inotify_add_watch per directory to add them later). Whatever changes in a directory
 * between its listing and its watch gives it a ctime at or after the coarse real-time clock
 * read before the listing (inode timestamps come from that same clock): such a directory is
 * listed again, now under its watch. Reading the clock is a vDSO call, not a syscall. */

typedef struct frame {
    node *n;
    int fd;                   /* open from its listing until its own watch is added */
    int parent;               /* index of the parent's frame, -1 for the root */
    int depth;
    int listed;
    struct timespec listed_at; /* CLOCK_REALTIME_COARSE just before the listing */
} frame;

static int push_frame(engine *e, node *n, int parent, int depth)
{
    if (e->f_len == e->f_cap) {
        size_t cap = e->f_cap ? e->f_cap * 2 : 256;
        frame *f = realloc(e->frames, cap * sizeof *f);
        if (!f)
            return -1;
        e->frames = f;
        e->f_cap = cap;
    }
    e->frames[e->f_len++] = (frame){ .n = n, .fd = -1, .parent = parent, .depth = depth };
    n->bits |= NODE_QUEUED;
    e->roots[n->root]->outstanding[CRAWL_INITIAL]++;
    return 0;
}

static void pop_frame(engine *e)
{
    frame *f = &e->frames[--e->f_len];
    if (f->fd >= 0) {
        close(f->fd);
        e->open_frames--;
    }
    f->n->bits &= (uint8_t)~NODE_QUEUED;
}

static int parent_fd(engine *e, const frame *f)
{
    return f->parent >= 0 ? e->frames[f->parent].fd : -1;
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Did the directory change at or after `since`? */
static int changed_since(const struct stat *st, const struct timespec *since)
{
    return !ts_before(&st->st_ctim, since) || !ts_before(&st->st_mtim, since);
}

/* Opens and lists the directory of frame i, pushing a frame for each subdirectory. */
static void list_frame(engine *e, size_t i)
{
    frame f = e->frames[i];
    node *n = f.n;
    root *r = e->roots[n->root];
    int pfd = parent_fd(e, &f);
    int fd;
    long len = -1;
    struct timespec listed_at;
    clock_gettime(CLOCK_REALTIME_COARSE, &listed_at);
    if (pfd >= 0) {
        fd = openat(pfd, n->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } else {
        len = node_path(e, n);
        if (len < 0) {
            e->frames[i].listed = 1;
            return;
        }
        e->path[len] = 0;
        fd = open(e->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (n == r->top ? 0 : O_NOFOLLOW));
    }
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR || err == ELOOP) {
            pop_frame(e);
            finish_item(e, r, CRAWL_INITIAL);
            drop_vanished(e, r, n);
            return;
        }
        len = node_path(e, n);
        if (len >= 0)
            message(e, INFLOW_WARNING, r->id, e->path, "cannot list %.*s: %s", (int)len, e->path, strerror(err));
        e->frames[i].listed = 1; /* still watch it: what is created in it later is seen */
        return;
    }
    /* A second listing (the directory changed before its watch) also drops what went away:
     * a subdirectory renamed meanwhile must not stay known under its old name. */
    int relist = n->first_child != NULL;
    uint32_t epoch = relist ? ++e->epoch : 0;
    char buf[32768] __attribute__((aligned(8)));
    int child_depth = f.depth + 1;
    int descend = descend_ok(r, child_depth);
    for (;;) {
        long nread = descend ? syscall(SYS_getdents64, fd, buf, sizeof buf) : 0;
        if (nread <= 0)
            break;
        for (long off = 0; off < nread;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))
                continue;
            int type = d->d_type;
            if (type == DT_UNKNOWN) {
                struct stat st;
                if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
            }
            if (type != DT_DIR)
                continue;
            size_t name_len = strlen(name);
            if (r->has_exclude) {
                long plen = node_path(e, n);
                if (plen < 0 || excluded_dir(e, r, plen, name, name_len))
                    continue;
            }
            node *c = n->first_child ? tree_child(&e->t, n, name, name_len) : NULL;
            if (c) {
                c->epoch = epoch;
                if (c->wd >= 0 || (c->bits & NODE_QUEUED))
                    continue; /* known already: its CREATE event (or an earlier listing) got it */
            } else {
                c = tree_add(&e->t, n, name, name_len, r->id);
                if (!c)
                    continue;
                c->epoch = epoch;
            }
            if (push_frame(e, c, (int)i, child_depth) != 0) {
                tree_unlink(&e->t, c);
                node_free(&e->t, c);
            }
        }
    }
    if (relist) {
        node *c = n->first_child;
        while (c) {
            node *next = c->next_sibling;
            if (c->epoch != epoch)
                detach_subtree(e, c, 1);
            c = next;
        }
    }
    frame *self = &e->frames[i];
    self->listed = 1;
    self->listed_at = listed_at;
    if (e->open_frames < MAX_OPEN_FRAMES) {
        self->fd = fd;   /* children open relative to it; closed before our own watch */
        e->open_frames++;
    } else {
        close(fd);
    }
    if (i == 0 && n == r->top && !relist && e->owns_ifd)
        split_root(e, r);
}

/* The deepest watched directory below n, found within a bounded walk, or NULL. */
static node *deepest_watched_below(node *n)
{
    int budget = 4096;
    node *c = n;
    while (c->first_child)
        c = c->first_child;
    while (c != n && budget-- > 0) {
        if (c->wd >= 0)
            return c;
        if (c->next_sibling) {
            c = c->next_sibling;
            while (c->first_child)
                c = c->first_child;
        } else {
            c = c->parent;
        }
    }
    return NULL;
}

/* Out of watches while watching n, bottom up: the levels nearer the root matter more (a
 * directory that is not watched hides everything created in it), so n takes the watch of the
 * deepest watched directory below it. */
static int take_watch_from_below(engine *e, root *r, node *n)
{
    node *victim = deepest_watched_below(n);
    if (!victim || inotify_rm_watch(e->ifd, victim->wd) != 0)
        return 0;
    tree_drop_wd(&e->t, victim); /* its IN_IGNORED then names an unknown wd, which is ignored */
    r->unwatched++;
    stat_add(e, STAT_UNWATCHED, 1);
    return 1;
}

/* Frame i's subtree is done: watch the directory, then make sure it did not change unseen. */
static void watch_frame(engine *e, size_t i)
{
    frame *f = &e->frames[i];
    node *n = f->n;
    root *r = e->roots[n->root];
    if (f->fd >= 0) {
        close(f->fd); /* before the watch: closing is an event once watched */
        f->fd = -1;
        e->open_frames--;
    }
    long len = node_path(e, n);
    if (len < 0) {
        pop_frame(e);
        finish_item(e, r, CRAWL_INITIAL);
        return;
    }
    e->path[len] = 0;
    int w = n->wd >= 0 ? WATCH_OK : watch_node(e, r, n, e->path);
    if (w == WATCH_FAILED && errno == ENOSPC && take_watch_from_below(e, r, n)) {
        r->unwatched--; /* counted again for the one given up below */
        stat_add(e, STAT_UNWATCHED, -1);
        w = watch_node(e, r, n, e->path);
    }
    if (w != WATCH_OK) {
        pop_frame(e);
        finish_item(e, r, CRAWL_INITIAL);
        if (w == WATCH_GONE)
            drop_vanished(e, r, n);
        return;
    }
    struct stat after;
    int pfd = parent_fd(e, f);
    int rc = pfd >= 0 ? fstatat(pfd, n->name, &after, AT_SYMLINK_NOFOLLOW) : stat(e->path, &after);
    if (rc == 0 && f->listed_at.tv_sec != 0 && changed_since(&after, &f->listed_at)) {
        f->listed = 0; /* changed between listing and watch: list it again */
        return;
    }
    pop_frame(e);
    finish_item(e, r, CRAWL_INITIAL);
}

static int merge_helper(engine *e);

/* Returns 0 when it cannot go on before the helper has finished its half. */
static int initial_step(engine *e)
{
    size_t i = e->f_len - 1;
    frame *f = &e->frames[i];
    if (e->helper && i == 0 && f->listed && !merge_helper(e))
        return 0;
    if (f->n->bits & NODE_DEAD) {
        node *n = f->n;
        root *r = e->roots[n->root];
        pop_frame(e);
        node_free(&e->t, n);
        finish_item(e, r, CRAWL_INITIAL);
        return 1;
    }
    if (!f->listed)
        list_frame(e, i);
    else
        watch_frame(e, i);
    return 1;
}

/* ---------------------------------------------------------------- parallel initial crawl
 *
 * Listing and watching a big tree is syscall-bound and the second core idles meanwhile, so the
 * root's subdirectories are split: every other one goes to a helper crawler, which runs the same
 * post-order crawl on its own thread with a private tree (and the shared inotify instance). The
 * engine crawls its half, then grafts the helper's nodes into its tree and watches the root
 * last, as always. Events for watches the helper made before the merge are held (their wd is
 * not in the engine's map yet) and replayed after it. */

static int forward_sink(void *ctx, const unsigned char *buf, size_t len, int count)
{
    engine *h = ctx;
    if (h->fwd_len + len > h->fwd_cap) {
        size_t cap = h->fwd_cap ? h->fwd_cap * 2 : 65536;
        while (cap < h->fwd_len + len)
            cap *= 2;
        unsigned char *p = realloc(h->fwd, cap);
        if (!p)
            return INFLOW_SINK_OK; /* only warnings travel this way; losing one is not fatal */
        h->fwd = p;
        h->fwd_cap = cap;
    }
    memcpy(h->fwd + h->fwd_len, buf, len);
    h->fwd_len += len;
    h->fwd_count += count;
    return INFLOW_SINK_OK;
}

static void *helper_main(void *arg)
{
    engine *h = arg;
    while (h->f_len > 1 && !__atomic_load_n(&h->helper_abort, __ATOMIC_ACQUIRE))
        initial_step(h);
    __atomic_store_n(&h->helper_done, 1, __ATOMIC_RELEASE);
    uint64_t one = 1;
    ssize_t w = write(h->efd, &one, sizeof one); /* the engine's eventfd: wake it */
    (void)w;
    return NULL;
}

/* Gives every other subdirectory frame above the root frame (index 0) to a helper. */
static void split_root(engine *e, root *r)
{
    if (e->helper || e->f_len < 3 || !e->frames[0].listed || e->frames[0].fd < 0)
        return;
    engine *h = calloc(1, sizeof *h);
    root *hr = calloc(1, sizeof *hr);
    root **hroots = calloc((size_t)e->nroots, sizeof *hroots);
    if (!h || !hr || !hroots || tree_init(&h->t) != 0 || dedup_init(&h->dd) != 0 ||
        !(h->out = malloc(e->cfg.out_capacity)) || !(h->path = malloc(e->path_cap))) {
        free(hr);
        free(hroots);
        if (h) {
            tree_free(&h->t);
            dedup_free(&h->dd);
            free(h->out);
            free(h);
        }
        return;
    }
    h->cfg = e->cfg;
    h->ifd = e->ifd;
    h->efd = e->efd;
    h->path_cap = e->path_cap;
    h->sink = forward_sink;
    h->sink_ctx = h;
    memset(h->dropped, 0xff, sizeof h->dropped);
    *hr = *r;                 /* same masks, limits and (read-only) compiled filters */
    hr->ready_sent = 1;       /* the engine reports READY, after the merge */
    memset(hr->outstanding, 0, sizeof hr->outstanding);
    hr->unwatched = 0;
    hr->first_unwatched = NULL;
    hroots[r->id] = hr;
    h->roots = hroots;
    h->nroots = e->nroots;
    hr->top = tree_add(&h->t, NULL, r->path, r->path_len, r->id);
    if (!hr->top || push_frame(h, hr->top, -1, 0) != 0) {
        e->helper = h; /* freed by merge_helper's path below */
        h->helper_done = 1;
        return;
    }
    h->frames[0].listed = 1;
    h->frames[0].fd = e->frames[0].fd; /* shared for openat; the engine closes it */

    size_t keep = 1;
    for (size_t i = 1; i < e->f_len; i++) {
        frame f = e->frames[i];
        if (i % 2 == 0 || f.parent != 0 || f.listed) {
            e->frames[keep++] = f;
            continue;
        }
        node *c = tree_add(&h->t, hr->top, f.n->name, f.n->name_len, r->id);
        if (!c || push_frame(h, c, 0, 1) != 0) {
            e->frames[keep++] = f;
            continue;
        }
        f.n->bits &= (uint8_t)~NODE_QUEUED;
        tree_unlink(&e->t, f.n);
        release_node(e, f.n);
        r->outstanding[CRAWL_INITIAL]--;
    }
    e->f_len = keep;
    e->helper = h;
    if (pthread_create(&e->helper_thread, NULL, helper_main, h) != 0) {
        /* no thread: crawl the helper's half here, now */
        while (h->f_len > 1)
            initial_step(h);
        h->helper_done = 1;
    } else {
        e->helper_joinable = 1;
    }
}

/* Grafts a finished helper's tree into the engine's. Returns 0 if it has not finished. */
static int merge_helper(engine *e)
{
    engine *h = e->helper;
    if (!__atomic_load_n(&h->helper_done, __ATOMIC_ACQUIRE))
        return 0;
    if (e->helper_joinable)
        pthread_join(e->helper_thread, NULL);
    e->helper_joinable = 0;
    e->helper = NULL;
    while (h->f_len > 1) /* left behind by an abort */
        pop_frame(h);
    root *hr = NULL;
    for (int i = 0; i < h->nroots; i++)
        if (h->roots[i])
            hr = h->roots[i];
    root *r = hr ? e->roots[hr->id] : NULL;
    if (hr && hr->top) {
        node *c = hr->top->first_child;
        while (c) {
            node *next = c->next_sibling;
            if (r && r->top && r->active)
                tree_graft(&e->t, &h->t, c, r->top);
            else
                detach_subtree(h, c, 1); /* the root went away meanwhile */
            c = next;
        }
        stat_add(e, STAT_UNWATCHED, h->stat[STAT_UNWATCHED]);
        if (hr->unwatched) {
            if (r->unwatched == 0) {
                free(r->first_unwatched);
                r->first_unwatched = hr->first_unwatched;
                hr->first_unwatched = NULL;
                r->unwatched_errno = hr->unwatched_errno;
            }
            r->unwatched += hr->unwatched;
        }
    }
    tree_absorb(&e->t, &h->t);
    /* its warnings, in the order it made them */
    flush(h);
    for (size_t off = 0; off < h->fwd_len;) {
        uint32_t size;
        memcpy(&size, h->fwd + off, 4);
        if (e->out_len + size > e->cfg.out_capacity)
            flush(e);
        memcpy(e->out + e->out_len, h->fwd + off, size);
        e->out_len += size;
        e->out_count++;
        off += size;
    }
    if (h->f_len > 0)
        h->frames[0].fd = -1; /* the engine's root fd */
    h->f_len = 0;
    if (hr) {
        free(hr->first_unwatched);
        free(hr); /* a shallow copy: the filters belong to the engine's root */
    }
    free(h->roots);
    free(h->frames);
    free(h->fwd);
    free(h->out);
    free(h->path);
    free(h->queue);
    dedup_free(&h->dd);
    tree_free(&h->t);
    free(h);
    replay_held(e);
    return 1;
}

/* Depth first (newest item first): the pending work stays as small as the tree is deep times
 * its fan-out instead of a whole level of it, paths share their dentries with the previous
 * directory, and a directory created while a long crawl runs is listed next. */
static void crawl_queued(engine *e)
{
    e->q_len--;
    crawl_one(e, e->queue[(e->q_head + e->q_len) % e->q_cap]);
}

static void crawl_slice(engine *e)
{
    for (int i = 0; i < e->cfg.crawl_slice && e->f_len > 0; i++)
        if (!initial_step(e))
            break;
    for (int i = 0; i < e->cfg.crawl_slice && e->q_len > 0; i++)
        crawl_queued(e);
}

/* ---------------------------------------------------------------- roots */

static void strip_slashes(const char *path, size_t *len)
{
    while (*len > 1 && path[*len - 1] == '/')
        (*len)--;
}

static int arm_root(engine *e, root *r, int mode);

/* Finds the nearest existing ancestor of r's path and watches it for the path to appear. */
static void wait_for_root(engine *e, root *r)
{
    char *p = strndup(r->path, r->path_len);
    if (!p)
        return;
    size_t len = r->path_len;
    int wd = -1;
    while (len > 0) {
        char *slash = memrchr(p, '/', len);
        if (!slash)
            len = 0;
        else
            len = slash == p ? 1 : (size_t)(slash - p);
        char saved = p[len];
        p[len] = 0;
        const char *dir = len ? p : ".";
        wd = inotify_add_watch(e->ifd, dir, ANCHOR_MASK);
        if (wd >= 0) {
            r->anchor_wd = wd;
            e->waiting_roots++;
            record(e, INFLOW_ROOT_WAITING, 0, 0, 0, r->id, dir, strlen(dir), "", 0);
            break;
        }
        p[len] = saved;
        if (len <= 1)
            break;
    }
    if (wd < 0)
        message(e, INFLOW_WARNING, r->id, r->path, "cannot watch for %s to appear: no ancestor can be watched", r->path);
    free(p);
}

/* Anchor watches we removed: their queued events may still arrive and are not a lost wd. */
static void note_dropped(engine *e, int wd)
{
    e->dropped[e->dropped_next++ % DROPPED_KEEP] = wd;
}

static int recently_dropped(const engine *e, int wd)
{
    for (int i = 0; i < DROPPED_KEEP; i++)
        if (e->dropped[i] == wd)
            return 1;
    return 0;
}

static void stop_waiting(engine *e, root *r)
{
    if (r->anchor_wd < 0)
        return;
    if (!tree_by_wd(&e->t, r->anchor_wd)) {
        int shared = 0;
        for (int i = 0; i < e->nroots; i++)
            if (e->roots[i] && e->roots[i] != r && e->roots[i]->anchor_wd == r->anchor_wd)
                shared = 1;
        if (!shared) {
            inotify_rm_watch(e->ifd, r->anchor_wd);
            note_dropped(e, r->anchor_wd);
        }
    }
    r->anchor_wd = -1;
    e->waiting_roots--;
}

/* Watches r's path if it exists now. Returns 1 if armed. */
static int arm_root(engine *e, root *r, int mode)
{
    struct stat st;
    char *p = strndup(r->path, r->path_len);
    if (!p)
        return 0;
    int ok = stat(p, &st) == 0;
    if (ok && !S_ISDIR(st.st_mode)) {
        /* a single file: one watch, no tree */
        int wd = inotify_add_watch(e->ifd, p, r->emit_mask | SELF_MASK);
        free(p);
        if (wd < 0) {
            const char *why = strerror(errno);
            record(e, INFLOW_ROOT_MISSING, 0, 0, 0, r->id, r->path, r->path_len, why, strlen(why));
            return 0;
        }
        r->is_file = 1;
        r->top = tree_add(&e->t, NULL, r->path, r->path_len, r->id);
        tree_set_wd(&e->t, r->top, wd);
        if (!r->ready_sent) {
            r->ready_sent = 1;
            record(e, INFLOW_READY, INFLOW_F_FILE, 0, 0, r->id, r->path, r->path_len, "", 0);
        }
        return 1;
    }
    free(p);
    if (!ok)
        return 0;
    r->is_file = 0;
    r->top = tree_add(&e->t, NULL, r->path, r->path_len, r->id);
    if (!r->top)
        return 0;
    if (mode == CRAWL_INITIAL)
        push_frame(e, r->top, -1, 0);
    else
        enqueue(e, r->top, 0, mode);
    return 1;
}

static void start_root(engine *e, root *r)
{
    if (arm_root(e, r, CRAWL_INITIAL))
        return;
    if (r->opts & INFLOW_ROOT_WAIT_MISSING) {
        wait_for_root(e, r);
    } else {
        const char *why = strerror(ENOENT);
        record(e, INFLOW_ROOT_MISSING, 0, 0, 0, r->id, r->path, r->path_len, why, strlen(why));
    }
    if (!r->ready_sent) {
        r->ready_sent = 1;
        record(e, INFLOW_READY, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
    }
}

/* The root's directory is gone (deleted, moved away, unmounted). */
static void root_gone(engine *e, root *r, int remove_watches)
{
    if (!r->top)
        return;
    node *top = r->top;
    r->top = NULL;
    record(e, INFLOW_ROOT_GONE, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
    detach_subtree(e, top, remove_watches);
    if (r->active && (r->opts & INFLOW_ROOT_WAIT_MISSING))
        wait_for_root(e, r);
}

static void anchor_event(engine *e, root *r, const struct inotify_event *ev)
{
    if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        if (ev->mask & IN_IGNORED)
            r->anchor_wd = -1; /* already gone: do not rm it */
        stop_waiting(e, r);
        if (!arm_root(e, r, CRAWL_SYNTH))
            wait_for_root(e, r);
        else
            record(e, INFLOW_ROOT_ARMED, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
        return;
    }
    if (!(ev->mask & (IN_CREATE | IN_MOVED_TO)))
        return;
    int old = r->anchor_wd;
    stop_waiting(e, r);
    if (arm_root(e, r, CRAWL_SYNTH)) {
        record(e, INFLOW_ROOT_ARMED, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
    } else {
        wait_for_root(e, r); /* deeper ancestor, or the same one again */
        (void)old;
    }
}

static void free_root(root *r)
{
    if (r->has_exclude)
        regfree(&r->exclude);
    if (r->has_include)
        regfree(&r->include);
    free(r->path);
    free(r->first_unwatched);
    free(r);
}

static void install_root(engine *e, root *r)
{
    if (r->id >= e->nroots) {
        int n = r->id + 16;
        root **rs = realloc(e->roots, (size_t)n * sizeof *rs);
        if (!rs) {
            free_root(r);
            return;
        }
        for (int i = e->nroots; i < n; i++)
            rs[i] = NULL;
        e->roots = rs;
        e->nroots = n;
    }
    e->roots[r->id] = r;
    start_root(e, r);
}

static void uninstall_root(engine *e, int id)
{
    while (e->helper && !merge_helper(e))
        usleep(1000);
    if (id < 0 || id >= e->nroots || !e->roots[id])
        return;
    root *r = e->roots[id];
    r->active = 0;
    if (r->anchor_wd >= 0)
        stop_waiting(e, r);
    if (r->top) {
        node *top = r->top;
        r->top = NULL;
        detach_subtree(e, top, 1);
    }
    /* The root record stays (queued nodes and tombstones still name it); it is inert. */
}

/* ---------------------------------------------------------------- overflow and rescans */

static void engine_schedule_rescan(engine *e)
{
    int64_t now = now_ms();
    if (now - e->last_overflow_ms > BACKOFF_RESET_MS)
        e->overflow_streak = 0;
    e->last_overflow_ms = now;
    if (e->rescan_due_ms)
        return; /* one is coming; it will see this loss too */
    int64_t delay = BACKOFF_FIRST_MS;
    for (int i = 0; i < e->overflow_streak && delay < BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > BACKOFF_MAX_MS)
        delay = BACKOFF_MAX_MS;
    e->overflow_streak++;
    e->rescan_due_ms = now + delay;
}

static void start_rescans(engine *e)
{
    e->rescan_due_ms = 0;
    stat_add(e, STAT_RESCANS, 1);
    /* Pending moves can no longer be trusted to pair: settle them now. */
    node *n;
    while ((n = unpark(moves_expire(&e->mv, INT64_MAX))) != NULL)
        detach_subtree(e, n, 1);
    replay_held(e);
    for (int i = 0; i < e->nroots; i++) {
        root *r = e->roots[i];
        if (!r || !r->active || !r->top || r->is_file)
            continue;
        record(e, INFLOW_RESCAN_BEGIN, INFLOW_F_RESCAN, 0, 0, r->id, r->path, r->path_len, "", 0);
        r->top->epoch = e->epoch;
        enqueue(e, r->top, 0, CRAWL_RESCAN);
    }
}

static void kernel_overflow(engine *e)
{
    stat_add(e, STAT_KERNEL_OVERFLOWS, 1);
    record(e, INFLOW_OVERFLOW, 0, IN_Q_OVERFLOW, 0, -1, "", 0, "", 0);
    engine_schedule_rescan(e);
}

/* ---------------------------------------------------------------- events */

static void moved_out(engine *e, node *dir)
{
    /* no MOVED_TO came: the directory left the tree; its watches must not follow it */
    detach_subtree(e, dir, 1);
}

static void new_dir(engine *e, root *r, node *parent, const char *name, size_t len)
{
    int depth = tree_depth(parent) + 1;
    if (!descend_ok(r, depth))
        return;
    if (tree_child(&e->t, parent, name, len))
        return; /* already known: listed by a crawl that raced with this event */
    if (r->has_exclude) {
        long plen = node_path(e, parent);
        if (plen < 0 || excluded_dir(e, r, plen, name, len))
            return;
    }
    node *c = tree_add(&e->t, parent, name, len, r->id);
    if (c)
        enqueue(e, c, depth, CRAWL_SYNTH);
}

static void handle_event(engine *e, const struct inotify_event *ev);

static void park(engine *e, uint32_t cookie, node *dir)
{
    dir->bits |= NODE_PARKED;
    tree_hide_name(&e->t, dir); /* `mv a out && mkdir a`: the new a is a new directory */
    node *evicted = moves_park(&e->mv, cookie, dir, now_ms());
    if (evicted) {
        evicted->bits &= (uint8_t)~NODE_PARKED;
        moved_out(e, evicted);
    }
}

static node *unpark(node *n)
{
    if (n)
        n->bits &= (uint8_t)~NODE_PARKED;
    return n;
}

static int in_parked_subtree(const node *n)
{
    for (const node *p = n; p; p = p->parent)
        if (p->bits & NODE_PARKED)
            return 1;
    return 0;
}

/* An event from inside a directory whose MOVED_FROM waits for its partner: where it belongs is
 * not known yet. It is kept and handled again once the move is settled: under the new path if
 * the MOVED_TO comes, dropped with the directory's watches if it left the tree. */
static void hold_event(engine *e, const struct inotify_event *ev)
{
    size_t size = sizeof *ev + ev->len;
    if (e->held_len + size > HELD_MAX) {
        engine_schedule_rescan(e); /* cannot keep it: the rescan reports the state instead */
        return;
    }
    if (e->held_len + size > e->held_cap) {
        size_t cap = e->held_cap ? e->held_cap * 2 : 4096;
        while (cap < e->held_len + size)
            cap *= 2;
        unsigned char *p = realloc(e->held, cap);
        if (!p) {
            engine_schedule_rescan(e);
            return;
        }
        e->held = p;
        e->held_cap = cap;
    }
    memcpy(e->held + e->held_len, ev, size);
    e->held_len += size;
}

static void replay_held(engine *e)
{
    if (e->held_len == 0)
        return;
    unsigned char *buf = e->held;
    size_t len = e->held_len;
    e->held = NULL;
    e->held_len = e->held_cap = 0;
    e->replaying = 1;
    for (size_t off = 0; off < len;) {
        const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
        off += sizeof *ev + ev->len;
        handle_event(e, ev);
    }
    e->replaying = 0;
    free(buf);
}

static void handle_event(engine *e, const struct inotify_event *ev)
{
    stat_add(e, STAT_EVENTS_READ, 1);
    if (ev->wd == -1) {
        if (ev->mask & IN_Q_OVERFLOW)
            kernel_overflow(e);
        return;
    }
    if (e->waiting_roots) {
        for (int i = 0; i < e->nroots; i++) {
            root *r = e->roots[i];
            if (r && r->anchor_wd == ev->wd)
                anchor_event(e, r, ev);
        }
    }
    node *n = tree_by_wd(&e->t, ev->wd);
    if (!n && e->helper && !e->replaying) {
        hold_event(e, ev); /* perhaps a watch of the helper's half: known after the merge */
        return;
    }
    if (!n) {
        /* Not ours any more (an anchor we removed, or its IN_IGNORED), or the model lost track
         * of a watch: then nothing says which part of the tree is behind it, so every root is
         * reconciled. */
        if (!(ev->mask & IN_IGNORED) && !e->replaying && !recently_dropped(e, ev->wd))
            engine_schedule_rescan(e); /* (a held event's directory may simply be gone since) */
        return;
    }
    if (n->state == NODE_TOMBSTONE) {
        if (ev->mask & IN_IGNORED) {
            tree_drop_wd(&e->t, n);
            release_node(e, n);
        }
        return;
    }
    if (e->mv.count > 0 && in_parked_subtree(n) && !(ev->mask & (IN_IGNORED | IN_MOVE_SELF))) {
        hold_event(e, ev);
        return;
    }
    root *r = e->roots[n->root];
    const char *name = ev->len ? ev->name : "";
    size_t name_len = ev->len ? strnlen(ev->name, ev->len) : 0;
    uint32_t m = ev->mask;

    if (m & IN_IGNORED) {
        /* the kernel dropped a watch we did not remove: deleted or unmounted */
        emit(e, r, n, IN_IGNORED, 0, 0, "", 0);
        tree_drop_wd(&e->t, n);
        if (n == r->top) {
            root_gone(e, r, 1);
        } else {
            detach_subtree(e, n, 1);
        }
        return;
    }
    if (m & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        emit(e, r, n, m, 0, 0, "", 0);
        if (n == r->top && (m & IN_MOVE_SELF))
            root_gone(e, r, 1); /* its new place is unknown: stop following it */
        return;
    }
    if (r->is_file) {
        emit(e, r, n, m, ev->cookie, 0, "", 0);
        return;
    }
    int isdir = (m & IN_ISDIR) != 0;
    if ((m & (IN_CREATE | IN_MOVED_TO)) && !dedup_empty(&e->dd) && dedup_take(&e->dd, n, name, name_len))
        return; /* the listing of this new directory reported it already */
    if (m & IN_MOVED_FROM) {
        if (!dedup_empty(&e->dd))
            dedup_forget(&e->dd, n, name, name_len);
        emit(e, r, n, m, ev->cookie, 0, name, name_len);
        if (isdir) {
            node *c = tree_child(&e->t, n, name, name_len);
            if (c)
                park(e, ev->cookie, c);
        }
        return;
    }
    if (m & IN_MOVED_TO) {
        emit(e, r, n, m, ev->cookie, 0, name, name_len);
        if (!isdir)
            return;
        node *src = unpark(moves_take(&e->mv, ev->cookie));
        if (src && src->root == n->root && descend_ok(r, tree_depth(n) + 1)) {
            node *old = tree_child(&e->t, n, name, name_len);
            if (old && old != src)
                detach_subtree(e, old, 1); /* replaced (rename over an empty directory) */
            tree_move(&e->t, src, n, name, name_len);
            forget_cached(e, src);
            if (e->mv.count == 0)
                replay_held(e);
            if (r->has_exclude) {
                long plen = node_path(e, n);
                if (plen >= 0 && excluded_dir(e, r, plen, name, name_len))
                    detach_subtree(e, src, 1);
            }
            return;
        }
        if (src)
            moved_out(e, src); /* into another root, or below the depth limit: start afresh */
        new_dir(e, r, n, name, name_len);
        return;
    }
    if (m & IN_CREATE) {
        emit(e, r, n, m, 0, 0, name, name_len);
        if (isdir)
            new_dir(e, r, n, name, name_len);
        return;
    }
    if (m & IN_DELETE) {
        if (!dedup_empty(&e->dd))
            dedup_forget(&e->dd, n, name, name_len);
        emit(e, r, n, m, 0, 0, name, name_len);
        if (isdir) {
            node *c = tree_child(&e->t, n, name, name_len);
            if (c)
                detach_subtree(e, c, 0);
        }
        return;
    }
    emit(e, r, n, m, ev->cookie, 0, name, name_len);
}

/* Reads until the queue is empty (or the buffer has been filled a few times in a row, so a
 * crawl in progress still moves on). */
static void drain(engine *e)
{
    int budget = INLINE_CRAWL_BUDGET;
    for (int rounds = 0; rounds < 8; rounds++) {
        ssize_t n = read(e->ifd, e->rbuf, e->cfg.read_capacity);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            e->drain++;
            break;
        }
        for (ssize_t off = 0; off < n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(e->rbuf + off);
            off += (ssize_t)(sizeof *ev + ev->len);
            handle_event(e, ev);
            /* A directory that just appeared is listed before the next event is handled, so
             * what it holds is reported right after it, ahead of anything that happened later.
             * A budget keeps a huge moved-in tree from starving the kernel queue: past it the
             * rest is crawled between reads (still reported, no longer in strict order). */
            while (e->q_len > 0 && budget > 0) {
                crawl_queued(e);
                budget--;
            }
        }
    }
}

static void expire_moves(engine *e)
{
    node *n;
    int64_t cutoff = now_ms() - e->cfg.move_wait_ms;
    while ((n = unpark(moves_expire(&e->mv, cutoff))) != NULL)
        moved_out(e, n);
    if (e->mv.count == 0)
        replay_held(e);
}

/* ---------------------------------------------------------------- commands */

static void run_commands(engine *e)
{
    pthread_mutex_lock(&e->lock);
    command *c = e->commands;
    e->commands = NULL;
    pthread_mutex_unlock(&e->lock);
    /* the list is newest first: reverse to keep the order the caller asked in */
    command *rev = NULL;
    while (c) {
        command *next = c->next;
        c->next = rev;
        rev = c;
        c = next;
    }
    while (rev) {
        command *next = rev->next;
        if (rev->remove)
            uninstall_root(e, rev->id);
        else
            install_root(e, rev->r);
        free(rev);
        rev = next;
    }
}

static void post(engine *e, command *c)
{
    pthread_mutex_lock(&e->lock);
    c->next = e->commands;
    e->commands = c;
    pthread_mutex_unlock(&e->lock);
    uint64_t one = 1;
    ssize_t w = write(e->efd, &one, sizeof one);
    (void)w;
}

int engine_add_root(engine *e, const char *path, size_t len, uint32_t mask, int max_depth,
                    const char *exclude, const char *include, int opts, char *msg, size_t msg_cap)
{
    strip_slashes(path, &len);
    if (len == 0 || len >= PATH_MAX) {
        snprintf(msg, msg_cap, "bad path length %zu", len);
        return -1;
    }
    root *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(msg, msg_cap, "out of memory");
        return -1;
    }
    r->path = malloc(len + 1);
    if (!r->path) {
        free(r);
        snprintf(msg, msg_cap, "out of memory");
        return -1;
    }
    memcpy(r->path, path, len);
    r->path[len] = 0;
    r->path_len = len;
    r->emit_mask = mask;
    r->kernel_mask = mask | SELF_MASK | (max_depth != 0 ? TREE_MASK : 0);
    r->max_depth = max_depth;
    r->opts = opts;
    r->anchor_wd = -1;
    r->active = 1;
    const char *pats[2] = { exclude, include };
    regex_t *res[2] = { &r->exclude, &r->include };
    int *has[2] = { &r->has_exclude, &r->has_include };
    int icase[2] = { opts & INFLOW_ROOT_EXCLUDE_ICASE, opts & INFLOW_ROOT_INCLUDE_ICASE };
    for (int i = 0; i < 2; i++) {
        if (!pats[i])
            continue;
        int rc = regcomp(res[i], pats[i], REG_EXTENDED | REG_NOSUB | (icase[i] ? REG_ICASE : 0));
        if (rc != 0) {
            char why[256];
            regerror(rc, res[i], why, sizeof why);
            snprintf(msg, msg_cap, "bad regular expression '%s': %s", pats[i], why);
            free_root(r);
            return -1;
        }
        *has[i] = 1;
    }
    command *c = calloc(1, sizeof *c);
    if (!c) {
        free_root(r);
        snprintf(msg, msg_cap, "out of memory");
        return -1;
    }
    pthread_mutex_lock(&e->lock);
    r->id = e->next_root_id++;
    pthread_mutex_unlock(&e->lock);
    c->r = r;
    post(e, c);
    return r->id;
}

int engine_remove_root(engine *e, int id)
{
    command *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->remove = 1;
    c->id = id;
    post(e, c);
    return 0;
}

/* ---------------------------------------------------------------- life cycle */

engine *engine_new(const engine_config *cfg, engine_sink sink, void *ctx, int *err)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) {
        *err = ENOMEM;
        return NULL;
    }
    e->cfg = *cfg;
    e->sink = sink;
    e->sink_ctx = ctx;
    e->ifd = e->efd = -1;
    memset(e->dropped, 0xff, sizeof e->dropped); /* -1: no wd */
    pthread_mutex_init(&e->lock, NULL);
    moves_init(&e->mv);
    e->path_cap = 2 * PATH_MAX + NAME_MAX + 16;
    if (tree_init(&e->t) || dedup_init(&e->dd) || !(e->rbuf = malloc(cfg->read_capacity)) ||
        !(e->out = malloc(cfg->out_capacity)) || !(e->path = malloc(e->path_cap))) {
        *err = ENOMEM;
        engine_free(e);
        return NULL;
    }
    e->owns_ifd = 1;
    e->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (e->ifd < 0) {
        *err = errno;
        engine_free(e);
        return NULL;
    }
    e->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (e->efd < 0) {
        *err = errno;
        engine_free(e);
        return NULL;
    }
    return e;
}

static void free_all_nodes(engine *e)
{
    /* Every node is in the wd map, reachable from a root, or in the crawl queue. */
    for (size_t i = 0; i < e->q_len; i++) {
        node *n = e->queue[(e->q_head + i) % e->q_cap].n;
        n->bits &= (uint8_t)~NODE_QUEUED;
        if (n->bits & NODE_DEAD)
            node_free(&e->t, n); /* unlinked already: nothing else reaches it */
    }
    e->q_len = 0;
    while (e->f_len > 0) {
        node *n = e->frames[e->f_len - 1].n;
        pop_frame(e);
        if (n->bits & NODE_DEAD)
            node_free(&e->t, n);
    }
    for (int i = 0; i < e->nroots; i++) {
        root *r = e->roots[i];
        if (r && r->top) {
            detach_args a = { 0 };
            tree_visit_postorder(&e->t, r->top, detach_one, &a);
            r->top = NULL;
        }
    }
    for (size_t b = 0; e->t.wd_buckets && b <= e->t.wd_mask; b++) {
        node *n = e->t.wd_buckets[b];
        while (n) {
            node *next = n->wd_next;
            node_free(&e->t, n);
            n = next;
        }
        e->t.wd_buckets[b] = NULL;
    }
}

void engine_free(engine *e)
{
    if (!e)
        return;
    if (e->helper)
        __atomic_store_n(&e->helper->helper_abort, 1, __ATOMIC_RELEASE);
    while (e->helper && !merge_helper(e))
        usleep(1000);
    if (e->t.wd_buckets)
        free_all_nodes(e);
    for (int i = 0; i < e->nroots; i++)
        if (e->roots[i])
            free_root(e->roots[i]);
    free(e->roots);
    command *c = e->commands;
    while (c) {
        command *next = c->next;
        if (!c->remove)
            free_root(c->r);
        free(c);
        c = next;
    }
    if (e->ifd >= 0)
        close(e->ifd);
    if (e->efd >= 0)
        close(e->efd);
    dedup_free(&e->dd);
    tree_free(&e->t);
    free(e->queue);
    free(e->frames);
    free(e->held);
    free(e->rbuf);
    free(e->out);
    free(e->path);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void engine_stop(engine *e)
{
    e->stopping = 1;
    __sync_synchronize();
    uint64_t one = 1;
    ssize_t w = write(e->efd, &one, sizeof one);
    (void)w;
}

int engine_run(engine *e)
{
    struct pollfd pfd[2] = { { .fd = e->ifd, .events = POLLIN }, { .fd = e->efd, .events = POLLIN } };
    run_commands(e);
    while (!e->stopping) {
        int timeout = -1;
        if (e->q_len > 0 || (e->f_len > 0 && !(e->helper && e->f_len == 1 && !__atomic_load_n(&e->helper->helper_done, __ATOMIC_ACQUIRE))))
            timeout = 0; /* (waiting for the helper's half: its end writes our eventfd) */
        else if (e->mv.count > 0) {
            int64_t left = e->mv.slot[0].parked_ms + e->cfg.move_wait_ms - now_ms();
            timeout = left < 1 ? 1 : (int)left;
        }
        if (e->rescan_due_ms && timeout != 0) {
            int64_t wait = e->rescan_due_ms - now_ms();
            if (wait < 0)
                wait = 0;
            if (timeout < 0 || wait < timeout)
                timeout = (int)wait;
        }
        if (timeout != 0)
            flush(e); /* about to sleep: hand over what we have */
        int rc = poll(pfd, 2, timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            flush(e);
            return errno;
        }
        if (pfd[1].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(e->efd, &v, sizeof v);
            (void)r;
            if (e->stopping)
                break;
            run_commands(e);
        }
        if (rc == 0 || (pfd[0].revents & POLLIN) || e->q_len > 0 || e->f_len > 0) {
            drain(e);
            /* A parked MOVED_FROM waits move_wait_ms, with the queue drained after it, for
             * its MOVED_TO; past that its directory has left the tree. */
            if (e->mv.count > 0)
                expire_moves(e);
        }
        if (!dedup_empty(&e->dd) && e->drain >= 2)
            dedup_expire(&e->dd, e->drain - 1);
        if (e->rescan_due_ms && now_ms() >= e->rescan_due_ms)
            start_rescans(e);
        crawl_slice(e);
        if (e->out_len > e->cfg.out_capacity / 2)
            flush(e);
    }
    flush(e);
    return 0;
}

void engine_stats(engine *e, int64_t *out, int n)
{
    for (int i = 0; i < n && i < STAT_COUNT; i++)
        out[i] = __atomic_load_n(&e->stat[i], __ATOMIC_RELAXED);
    if (n > STAT_WATCHES)
        out[STAT_WATCHES] = (int64_t)__atomic_load_n(&e->t.wd_count, __ATOMIC_RELAXED);
    if (n > STAT_NODES)
        out[STAT_NODES] = (int64_t)__atomic_load_n(&e->t.live_nodes, __ATOMIC_RELAXED);
}

unsigned char *engine_out_buffer(engine *e)
{
    return e->out;
}
