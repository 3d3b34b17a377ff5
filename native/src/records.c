/* Output records: encoding events and messages into the batch buffer, paths, filters. */
#include "engine_int.h"

/* ---------------------------------------------------------------- output records */

void flush(engine *e)
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


void record(engine *e, int kind, int flags, uint32_t mask, uint32_t cookie, int root_id,
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


void message(engine *e, int kind, int root_id, const char *dir, const char *fmt, ...)
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
long node_path(engine *e, const node *n)
{
    if (e->cached_node == n && e->cached_gen == e->t.rename_gen)
        return e->cached_len;
    long len = tree_path(n, e->path, e->path_cap - NAME_MAX - 2);
    e->cached_node = len >= 0 ? n : NULL;
    e->cached_gen = e->t.rename_gen;
    e->cached_len = len;
    return len;
}


void forget_cached(engine *e, const node *n)
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
int excluded_dir(engine *e, root *r, long dir_len, const char *name, size_t name_len)
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


void emit(engine *e, root *r, const node *dir, uint32_t mask, uint32_t cookie, int flags,
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
