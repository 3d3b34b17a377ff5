/* Overflows: scheduling (with backoff) and starting the reconciliation rescans. */
#include "engine_int.h"

/* ---------------------------------------------------------------- overflow and rescans */

void engine_schedule_rescan(engine *e)
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


void start_rescans(engine *e)
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


void kernel_overflow(engine *e)
{
    stat_add(e, STAT_KERNEL_OVERFLOWS, 1);
    record(e, INFLOW_OVERFLOW, 0, IN_Q_OVERFLOW, 0, -1, "", 0, "", 0);
    engine_schedule_rescan(e);
}
