#include "engine_int.h"

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
void split_root(engine *e, root *r)
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
int merge_helper(engine *e)
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
