#include "moves.h"

#include <string.h>

void moves_init(moves *m)
{
    memset(m, 0, sizeof *m);
}

static void remove_at(moves *m, int i)
{
    memmove(&m->slot[i], &m->slot[i + 1], (size_t)(m->count - i - 1) * sizeof m->slot[0]);
    m->count--;
}

node *moves_park(moves *m, uint32_t cookie, node *dir, int64_t now_ms)
{
    node *evicted = NULL;
    if (m->count == MOVES_CAP) {
        evicted = m->slot[0].dir;
        remove_at(m, 0);
    }
    m->slot[m->count++] = (parked_move){ .cookie = cookie, .parked_ms = now_ms, .dir = dir };
    return evicted;
}

node *moves_take(moves *m, uint32_t cookie)
{
    for (int i = 0; i < m->count; i++) {
        if (m->slot[i].cookie == cookie) {
            node *n = m->slot[i].dir;
            remove_at(m, i);
            return n;
        }
    }
    return NULL;
}

int moves_has(const moves *m, const node *dir)
{
    for (int i = 0; i < m->count; i++)
        if (m->slot[i].dir == dir)
            return 1;
    return 0;
}

void moves_forget(moves *m, const node *dir)
{
    for (int i = 0; i < m->count;) {
        if (m->slot[i].dir == dir)
            remove_at(m, i);
        else
            i++;
    }
}

node *moves_expire(moves *m, int64_t cutoff_ms)
{
    if (m->count == 0 || m->slot[0].parked_ms > cutoff_ms)
        return NULL;
    node *n = m->slot[0].dir;
    remove_at(m, 0);
    return n;
}
