#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#define DEDUP_BUCKETS 4096

static uint32_t key_hash(const node *dir, const char *name, size_t len)
{
    uint32_t h = 2166136261u ^ (uint32_t)((uintptr_t)dir >> 4);
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)name[i];
        h *= 16777619u;
    }
    return h;
}

int dedup_init(dedup *d)
{
    memset(d, 0, sizeof *d);
    d->buckets = calloc(DEDUP_BUCKETS, sizeof *d->buckets);
    if (!d->buckets)
        return -1;
    d->mask = DEDUP_BUCKETS - 1;
    return 0;
}

void dedup_free(dedup *d)
{
    dedup_expire(d, UINT32_MAX);
    free(d->buckets);
    memset(d, 0, sizeof *d);
}

void dedup_add(dedup *d, const node *dir, const char *name, size_t len, uint32_t drain)
{
    if (len > 255)
        return;
    dedup_entry *e = malloc(sizeof *e + len);
    if (!e)
        return; /* worst case a duplicate CREATE, never a lost one */
    e->dir = dir;
    e->hash = key_hash(dir, name, len);
    e->drain = drain;
    e->live = 1;
    e->len = (uint8_t)len;
    memcpy(e->name, name, len);
    size_t b = e->hash & d->mask;
    e->chain = d->buckets[b];
    d->buckets[b] = e;
    e->fifo = NULL;
    if (d->tail)
        d->tail->fifo = e;
    else
        d->head = e;
    d->tail = e;
    d->live++;
}

static dedup_entry *find(dedup *d, const node *dir, const char *name, size_t len)
{
    if (d->live == 0)
        return NULL;
    uint32_t h = key_hash(dir, name, len);
    for (dedup_entry *e = d->buckets[h & d->mask]; e; e = e->chain)
        if (e->live && e->hash == h && e->dir == dir && e->len == len && memcmp(e->name, name, len) == 0)
            return e;
    return NULL;
}

int dedup_take(dedup *d, const node *dir, const char *name, size_t len)
{
    dedup_entry *e = find(d, dir, name, len);
    if (!e)
        return 0;
    e->live = 0;
    d->live--;
    return 1;
}

void dedup_forget(dedup *d, const node *dir, const char *name, size_t len)
{
    (void)dedup_take(d, dir, name, len);
}

void dedup_forget_dir(dedup *d, const node *dir)
{
    for (dedup_entry *e = d->head; e; e = e->fifo) {
        if (e->live && e->dir == dir) {
            e->live = 0;
            d->live--;
        }
    }
}

void dedup_expire(dedup *d, uint32_t before)
{
    while (d->head && (before == UINT32_MAX || d->head->drain < before)) {
        dedup_entry *e = d->head;
        dedup_entry **pp = &d->buckets[e->hash & d->mask];
        while (*pp && *pp != e)
            pp = &(*pp)->chain;
        if (*pp)
            *pp = e->chain;
        if (e->live)
            d->live--;
        d->head = e->fifo;
        if (!d->head)
            d->tail = NULL;
        free(e);
    }
}
