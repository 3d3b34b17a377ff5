/* Names a new directory's listing already reported (as synthetic CREATE events), so that the
 * kernel's own CREATE for the same entry, if it was queued before the listing, is not
 * reported a second time. An entry lives until two full drains of the inotify queue have
 * passed: by then every kernel event older than the listing has been read. */
#ifndef INFLOW_DEDUP_H
#define INFLOW_DEDUP_H

#include <stddef.h>
#include <stdint.h>
#include "tree.h"

typedef struct dedup_entry {
    struct dedup_entry *chain;  /* bucket chain */
    struct dedup_entry *fifo;   /* creation order, for expiry */
    const node *dir;
    uint32_t hash;
    uint32_t drain;             /* drain generation when listed */
    uint8_t live;               /* cleared when taken or forgotten */
    uint8_t len;
    char name[];
} dedup_entry;

typedef struct dedup {
    dedup_entry **buckets;
    size_t mask;
    size_t live;
    dedup_entry *head, *tail;
} dedup;

int dedup_init(dedup *d);
void dedup_free(dedup *d);
void dedup_add(dedup *d, const node *dir, const char *name, size_t len, uint32_t drain);
/* 1 if (dir, name) was listed and not yet taken; takes it. */
int dedup_take(dedup *d, const node *dir, const char *name, size_t len);
/* Forget (dir, name): it was deleted or moved away, so a later CREATE is new. */
void dedup_forget(dedup *d, const node *dir, const char *name, size_t len);
void dedup_forget_dir(dedup *d, const node *dir);
/* Drops entries listed before drain generation `before`. */
void dedup_expire(dedup *d, uint32_t before);
static inline int dedup_empty(const dedup *d) { return d->head == NULL; }

#endif
