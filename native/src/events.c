/* Kernel events: keeping the tree in step (creates, deletes, renames and their pairing,
 * events held while a move is unsettled), and draining the inotify queue. */
#include "engine_int.h"

static void handle_event(engine *e, const struct inotify_event *ev);

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


node *unpark(node *n)
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


void replay_held(engine *e)
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
void drain(engine *e)
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


void expire_moves(engine *e)
{
    node *n;
    int64_t cutoff = now_ms() - e->cfg.move_wait_ms;
    while ((n = unpark(moves_expire(&e->mv, cutoff))) != NULL)
        moved_out(e, n);
    if (e->mv.count == 0)
        replay_held(e);
}
