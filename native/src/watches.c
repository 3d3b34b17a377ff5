/* Watches and nodes: adding a directory's watch, releasing subtrees, the watch limit. */
#include "engine_int.h"

/* ---------------------------------------------------------------- node lifetime */

void release_node(engine *e, node *n)
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
void detach_subtree(engine *e, node *n, int remove_watches)
{
    detach_args a = { remove_watches };
    tree_visit_postorder(&e->t, n, detach_one, &a);
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


void report_unwatched(engine *e, root *r)
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


static int is_ancestor(const node *a, const node *n)
{
    for (const node *p = n->parent; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}


uint32_t watch_mask(const root *r, const node *n)
{
    /* The root itself may be a symlink to a directory, as with inotifywait; nothing below it
     * is ever followed. */
    uint32_t follow = n == r->top && !(r->opts & INFLOW_ROOT_NOFOLLOW) ? 0 : IN_DONT_FOLLOW;
    if (r->is_file)
        return r->emit_mask | SELF_MASK | ((r->opts & INFLOW_ROOT_NOFOLLOW) ? IN_DONT_FOLLOW : 0);
    return r->kernel_mask | (DIR_FLAGS & ~IN_DONT_FOLLOW) | follow;
}


/* Watches n (whose path is in `path`). WATCH_GONE: it vanished or was replaced (its parent's
 * events say so); WATCH_FAILED: reported as unwatched, errno says why. */
int watch_node(engine *e, root *r, node *n, const char *path)
{
    uint32_t mask = watch_mask(r, n);
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
void drop_vanished(engine *e, root *r, node *n)
{
    if (n == r->top) {
        root_gone(e, r, 1);
    } else {
        tree_unlink(&e->t, n);
        release_node(e, n);
    }
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
int take_watch_from_below(engine *e, root *r, node *n)
{
    node *victim = deepest_watched_below(n);
    if (!victim || inotify_rm_watch(e->ifd, victim->wd) != 0)
        return 0;
    tree_drop_wd(&e->t, victim); /* its IN_IGNORED then names an unknown wd, which is ignored */
    r->unwatched++;
    stat_add(e, STAT_UNWATCHED, 1);
    return 1;
}
