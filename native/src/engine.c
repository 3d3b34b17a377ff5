/* The engine's life cycle and public API: creation, roots posted from other threads, the
 * poll loop that drains, crawls and flushes, statistics. */
#include "engine.h"
#include "engine_int.h"

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


void stat_add(engine *e, int which, int64_t v)
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
        else if (rev->update)
            update_root(e, rev->id, rev->mask, rev->max_depth);
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


int engine_update_root(engine *e, int id, uint32_t mask, int max_depth)
{
    command *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->update = 1;
    c->id = id;
    c->mask = mask;
    c->max_depth = max_depth;
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
            detach_subtree(e, r->top, 0);
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
        if (!c->remove && !c->update)
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
