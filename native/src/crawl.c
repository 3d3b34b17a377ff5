/* Listing new directories (synthetic events) and rescans, from the crawl queue. */
#include "engine_int.h"

static void sweep_vanished(engine *e, root *r, node *dir);

/* ---------------------------------------------------------------- crawl queue */

int enqueue(engine *e, node *n, int depth, int mode)
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


int descend_ok(root *r, int depth)
{
    return r->max_depth < 0 || depth <= r->max_depth;
}


void finish_item(engine *e, root *r, int mode)
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
    dir_reader dr;
    dir_reader_init(&dr, fd);
    const char *name;
    size_t name_len;
    int type;
    while (dir_next(&dr, &name, &name_len, &type)) {
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


/* Depth first (newest item first): the pending work stays as small as the tree is deep times
 * its fan-out instead of a whole level of it, paths share their dentries with the previous
 * directory, and a directory created while a long crawl runs is listed next. */
void crawl_queued(engine *e)
{
    e->q_len--;
    crawl_one(e, e->queue[(e->q_head + e->q_len) % e->q_cap]);
}


void crawl_slice(engine *e)
{
    for (int i = 0; i < e->cfg.crawl_slice && e->f_len > 0; i++)
        if (!initial_step(e))
            break;
    for (int i = 0; i < e->cfg.crawl_slice && e->q_len > 0; i++)
        crawl_queued(e);
}
