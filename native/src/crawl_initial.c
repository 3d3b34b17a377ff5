/* The initial crawl. Depth first and post-order: a directory is listed through openat() on its parent's still
 * open fd while nothing around it is watched yet, and watched only once everything below it
 * is, so listing causes no events at all (no OPEN/ACCESS/CLOSE_NOWRITE of our own to hide, and
 * no second inotify_add_watch per directory to add them later). Whatever changes in a directory
 * between its listing and its watch gives it a ctime at or after the coarse real-time clock
 * read before the listing (inode timestamps come from that same clock): such a directory is
 * listed again, now under its watch. Reading the clock is a vDSO call, not a syscall. */

#include "engine_int.h"

int push_frame(engine *e, node *n, int parent, int depth)
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


void pop_frame(engine *e)
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
        fd = open(e->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (n == r->top && !(r->opts & INFLOW_ROOT_NOFOLLOW) ? 0 : O_NOFOLLOW));
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
    int child_depth = f.depth + 1;
    dir_reader dr;
    dir_reader_init(&dr, fd);
    const char *name;
    size_t name_len;
    int type;
    while (descend_ok(r, child_depth) && dir_next(&dr, &name, &name_len, &type)) {
        if (type != DT_DIR)
            continue;
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
    if (rc != 0 && n == r->top) {
        /* the root went away while (or before) its watch was added: it may never say so */
        pop_frame(e);
        finish_item(e, r, CRAWL_INITIAL);
        drop_vanished(e, r, n);
        return;
    }
    if (rc == 0 && f->listed_at.tv_sec != 0 && changed_since(&after, &f->listed_at)) {
        f->listed = 0; /* changed between listing and watch: list it again */
        return;
    }
    pop_frame(e);
    finish_item(e, r, CRAWL_INITIAL);
}


/* Returns 0 when it cannot go on before the helper has finished its half. */
int initial_step(engine *e)
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
