/* Roots: arming, waiting for a missing root from its nearest ancestor, losing one. */
#include "engine_int.h"

static void note_dropped(engine *e, int wd);
static void stop_waiting(engine *e, root *r);
static int arm_root(engine *e, root *r, int mode);

/* ---------------------------------------------------------------- roots */

void strip_slashes(const char *path, size_t *len)
{
    while (*len > 1 && path[*len - 1] == '/')
        (*len)--;
}


/* Finds the nearest existing ancestor of r's path and watches it for the path to appear. */
/* Watches the nearest existing ancestor of r's path; returns the length of its path (0 for ".")
 * or -1 if no ancestor could be watched. */
static long anchor_nearest(engine *e, root *r)
{
    char *p = strndup(r->path, r->path_len);
    if (!p)
        return -1;
    size_t len = r->path_len;
    long anchored = -1;
    while (len > 0) {
        char *slash = memrchr(p, '/', len);
        if (!slash)
            len = 0;
        else
            len = slash == p ? 1 : (size_t)(slash - p);
        char saved = p[len];
        p[len] = 0;
        const char *dir = len ? p : ".";
        int wd = inotify_add_watch(e->ifd, dir, ANCHOR_MASK);
        struct stat st;
        if (wd >= 0 && stat(dir, &st) != 0) {
            /* Removed while the watch was being added: the watch may sit on a dead inode that
             * never reports its deletion. Give it up and look one level higher. */
            if (!tree_by_wd(&e->t, wd)) {
                inotify_rm_watch(e->ifd, wd);
                note_dropped(e, wd);
            }
            wd = -1;
        }
        if (wd >= 0) {
            r->anchor_wd = wd;
            e->waiting_roots++;
            record(e, INFLOW_ROOT_WAITING, 0, 0, 0, r->id, dir, strlen(dir), "", 0);
            anchored = (long)len;
            break;
        }
        p[len] = saved;
        if (len <= 1)
            break;
    }
    free(p);
    return anchored;
}

/* Does the component of r's path right below the first `at` bytes exist? */
static int next_level_exists(const root *r, long at)
{
    size_t start = at == 0 ? 0 : (at == 1 && r->path[0] == '/') ? 1 : (size_t)at + 1;
    if (start >= r->path_len)
        return 0;
    const char *slash = memchr(r->path + start, '/', r->path_len - start);
    size_t next = slash ? (size_t)(slash - r->path) : r->path_len;
    char *q = strndup(r->path, next);
    struct stat st;
    int exists = q && stat(q, &st) == 0;
    free(q);
    return exists;
}

/* Finds the nearest existing ancestor of r's path and watches it for the path to appear. */
static void wait_for_root(engine *e, root *r)
{
    for (int attempt = 0; attempt < 64; attempt++) {
        long at = anchor_nearest(e, r);
        if (at < 0) {
            message(e, INFLOW_WARNING, r->id, r->path, "cannot watch for %s to appear: no ancestor can be watched", r->path);
            return;
        }
        /* The next level may have appeared before the watch was in place, and its CREATE with
         * it: then look again from there. */
        if (!next_level_exists(r, at))
            return;
        stop_waiting(e, r);
        if (arm_root(e, r, CRAWL_SYNTH)) {
            record(e, INFLOW_ROOT_ARMED, 0, 0, 0, r->id, r->path, r->path_len, "", 0);
            return;
        }
    }
}


/* Anchor watches we removed: their queued events may still arrive and are not a lost wd. */
static void note_dropped(engine *e, int wd)
{
    e->dropped[e->dropped_next++ % DROPPED_KEEP] = wd;
}


int recently_dropped(const engine *e, int wd)
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
    int ok = ((r->opts & INFLOW_ROOT_NOFOLLOW) ? lstat(p, &st) : stat(p, &st)) == 0;
    if (ok && !S_ISDIR(st.st_mode)) {
        /* a single file: one watch, no tree */
        int wd = inotify_add_watch(e->ifd, p, r->emit_mask | SELF_MASK |
                                   ((r->opts & INFLOW_ROOT_NOFOLLOW) ? IN_DONT_FOLLOW : 0));
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
void root_gone(engine *e, root *r, int remove_watches)
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


void anchor_event(engine *e, root *r, const struct inotify_event *ev)
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


void free_root(root *r)
{
    if (r->has_exclude)
        regfree(&r->exclude);
    if (r->has_include)
        regfree(&r->include);
    free(r->path);
    free(r->first_unwatched);
    free(r);
}


void install_root(engine *e, root *r)
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


void uninstall_root(engine *e, int id)
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


struct widening {
    engine *e;
    root *r;
    int top_depth;
    int old_depth; /* -1: no new levels to list */
};

static void widen_one(tree *t, node *n, void *arg)
{
    struct widening *w = arg;
    (void)t;
    if (n->state != NODE_LIVE)
        return;
    if (n->wd >= 0) {
        long len = node_path(w->e, n);
        if (len >= 0) {
            w->e->path[len] = 0;
            int wd = inotify_add_watch(w->e->ifd, w->e->path, watch_mask(w->r, n));
            if (wd >= 0 && wd != n->wd)
                inotify_rm_watch(w->e->ifd, wd); /* replaced under us: its parent's events tell */
        }
    }
    int depth = tree_depth(n) - w->top_depth;
    if (w->old_depth >= 0 && depth == w->old_depth && !w->r->is_file)
        enqueue(w->e, n, depth, CRAWL_INITIAL); /* its subdirectories are in reach now */
}


void update_root(engine *e, int id, uint32_t mask, int max_depth)
{
    if (id < 0 || id >= e->nroots || !e->roots[id] || !e->roots[id]->active)
        return;
    root *r = e->roots[id];
    int old_depth = r->max_depth;
    int deeper = old_depth >= 0 && (max_depth < 0 || max_depth > old_depth);
    r->emit_mask |= mask;
    if (deeper)
        r->max_depth = max_depth;
    r->kernel_mask = r->emit_mask | SELF_MASK | (r->max_depth != 0 ? TREE_MASK : 0);
    if (!r->top)
        return; /* waiting for its path: armed with the new mask when it appears */
    struct widening w = { e, r, tree_depth(r->top), deeper ? old_depth : -1 };
    tree_visit_postorder(&e->t, r->top, widen_one, &w);
}
