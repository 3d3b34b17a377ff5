/* Parked IN_MOVED_FROM halves of directory renames, waiting for their IN_MOVED_TO.
 * Bounded: a flood of moves out of the tree evicts the oldest, which is then treated as
 * having left the tree (correct either way: an unpaired MOVED_TO crawls the directory). */
#ifndef INFLOW_MOVES_H
#define INFLOW_MOVES_H

#include <stdint.h>
#include "tree.h"

#define MOVES_CAP 256

typedef struct parked_move {
    uint32_t cookie;
    int64_t parked_ms;  /* monotonic time it was parked */
    node *dir;
} parked_move;

typedef struct moves {
    parked_move slot[MOVES_CAP];
    int count;          /* slots in use, oldest first */
} moves;

void moves_init(moves *m);
/* Parks a move; returns the directory evicted to make room, or NULL. */
node *moves_park(moves *m, uint32_t cookie, node *dir, int64_t now_ms);
/* The directory parked under cookie, removed from the table, or NULL. */
node *moves_take(moves *m, uint32_t cookie);
/* 1 if dir is parked. */
int moves_has(const moves *m, const node *dir);
/* Forgets every entry for dir (it is being freed). */
void moves_forget(moves *m, const node *dir);
/* Removes and returns, one per call, a move parked at or before cutoff_ms (INT64_MAX: all);
 * NULL when none is left. */
node *moves_expire(moves *m, int64_t cutoff_ms);

#endif
