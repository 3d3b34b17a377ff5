#include "tree.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_BUCKETS 1024

static uint32_t name_hash(const node *parent, const char *name, size_t len)
{
    /* FNV-1a over the parent's address and the name bytes */
    uint32_t h = 2166136261u;
    uintptr_t p = (uintptr_t)parent;
    for (size_t i = 0; i < sizeof p; i++) {
        h ^= (uint8_t)(p >> (8 * i));
        h *= 16777619u;
    }
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)name[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t wd_hash(int wd)
{
    uint32_t x = (uint32_t)wd;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x;
}

int tree_init(tree *t)
{
    memset(t, 0, sizeof *t);
    t->wd_buckets = calloc(INITIAL_BUCKETS, sizeof(node *));
    t->name_buckets = calloc(INITIAL_BUCKETS, sizeof(node *));
    if (!t->wd_buckets || !t->name_buckets) {
        free(t->wd_buckets);
        free(t->name_buckets);
        return -1;
    }
    t->wd_mask = t->name_mask = INITIAL_BUCKETS - 1;
    return 0;
}

void tree_free(tree *t)
{
    /* The caller has freed every node (renamed names and big nodes live outside the slabs). */
    free(t->wd_buckets);
    free(t->name_buckets);
    while (t->slab) {
        char *next;
        memcpy(&next, t->slab, sizeof next);
        free(t->slab);
        t->slab = next;
    }
    memset(t, 0, sizeof *t);
}

static size_t node_bytes(size_t name_len)
{
    return (offsetof(node, inline_name) + name_len + 1 + 7) & ~(size_t)7;
}

static node *node_alloc(tree *t, size_t name_len)
{
    size_t bytes = node_bytes(name_len);
    size_t cls = bytes / 8;
    node *n;
    if (cls >= NODE_SIZE_CLASSES) {
        n = malloc(bytes);
    } else if (t->free_nodes[cls]) {
        n = t->free_nodes[cls];
        memcpy(&t->free_nodes[cls], n, sizeof(void *));
    } else {
        if (!t->slab || t->slab_used + bytes > NODE_SLAB_BYTES) {
            char *slab = malloc(NODE_SLAB_BYTES);
            if (!slab)
                return NULL;
            memcpy(slab, &t->slab, sizeof t->slab);
            t->slab = slab;
            t->slab_used = 8;
        }
        n = (node *)(t->slab + t->slab_used);
        t->slab_used += bytes;
    }
    if (n)
        memset(n, 0, bytes);
    return n;
}

void node_free(tree *t, node *n)
{
    if (n->name != n->inline_name)
        free(n->name);
    size_t cls = node_bytes(n->name_cap) / 8;
    if (cls >= NODE_SIZE_CLASSES) {
        free(n);
        return;
    }
    memcpy(n, &t->free_nodes[cls], sizeof(void *));
    t->free_nodes[cls] = n;
}

static void name_rehash(tree *t)
{
    size_t nb = (t->name_mask + 1) * 2;
    node **b = calloc(nb, sizeof(node *));
    if (!b)
        return; /* keep the longer chains; correctness does not depend on the size */
    for (size_t i = 0; i <= t->name_mask; i++) {
        node *n = t->name_buckets[i];
        while (n) {
            node *next = n->name_next;
            size_t j = n->hash & (nb - 1);
            n->name_next = b[j];
            b[j] = n;
            n = next;
        }
    }
    free(t->name_buckets);
    t->name_buckets = b;
    t->name_mask = nb - 1;
}

static void wd_rehash(tree *t)
{
    size_t nb = (t->wd_mask + 1) * 2;
    node **b = calloc(nb, sizeof(node *));
    if (!b)
        return;
    for (size_t i = 0; i <= t->wd_mask; i++) {
        node *n = t->wd_buckets[i];
        while (n) {
            node *next = n->wd_next;
            size_t j = wd_hash(n->wd) & (nb - 1);
            n->wd_next = b[j];
            b[j] = n;
            n = next;
        }
    }
    free(t->wd_buckets);
    t->wd_buckets = b;
    t->wd_mask = nb - 1;
}

static void name_insert(tree *t, node *n)
{
    n->hash = name_hash(n->parent, n->name, n->name_len);
    size_t i = n->hash & t->name_mask;
    n->name_next = t->name_buckets[i];
    t->name_buckets[i] = n;
    if (++t->name_count > 2 * (t->name_mask + 1)) /* chains of two on average: half the buckets */
        name_rehash(t);
}

static void name_remove(tree *t, node *n)
{
    node **pp = &t->name_buckets[n->hash & t->name_mask];
    while (*pp && *pp != n)
        pp = &(*pp)->name_next;
    if (*pp) {
        *pp = n->name_next;
        t->name_count--;
    }
    n->name_next = NULL;
}

static void link_child(node *parent, node *n)
{
    n->parent = parent;
    n->prev_sibling = NULL;
    n->next_sibling = parent ? parent->first_child : NULL;
    if (parent) {
        if (parent->first_child)
            parent->first_child->prev_sibling = n;
        parent->first_child = n;
    }
}

static void unlink_child(node *n)
{
    if (n->prev_sibling)
        n->prev_sibling->next_sibling = n->next_sibling;
    else if (n->parent && n->parent->first_child == n)
        n->parent->first_child = n->next_sibling;
    if (n->next_sibling)
        n->next_sibling->prev_sibling = n->prev_sibling;
    n->prev_sibling = n->next_sibling = NULL;
}

node *tree_add(tree *t, node *parent, const char *name, size_t len, int root)
{
    if (len > UINT16_MAX || root < 0 || root >= TREE_MAX_ROOTS)
        return NULL;
    node *n = node_alloc(t, len);
    if (!n)
        return NULL;
    n->name = n->inline_name;
    memcpy(n->name, name, len);
    n->name_len = (uint16_t)len;
    n->name_cap = (uint16_t)len;
    n->wd = -1;
    n->root = (uint16_t)root;
    n->state = NODE_LIVE;
    link_child(parent, n);
    name_insert(t, n);
    t->live_nodes++;
    return n;
}

node *tree_child(const tree *t, const node *parent, const char *name, size_t len)
{
    uint32_t h = name_hash(parent, name, len);
    for (node *n = t->name_buckets[h & t->name_mask]; n; n = n->name_next)
        if (n->hash == h && n->parent == parent && n->name_len == len && memcmp(n->name, name, len) == 0)
            return n;
    return NULL;
}

static void wd_insert(tree *t, node *n)
{
    size_t i = wd_hash(n->wd) & t->wd_mask;
    n->wd_next = t->wd_buckets[i];
    t->wd_buckets[i] = n;
    if (++t->wd_count > 2 * (t->wd_mask + 1))
        wd_rehash(t);
}

/* Out of the wd map; n keeps its wd. */
static void wd_remove(tree *t, node *n)
{
    node **pp = &t->wd_buckets[wd_hash(n->wd) & t->wd_mask];
    while (*pp && *pp != n)
        pp = &(*pp)->wd_next;
    if (*pp) {
        *pp = n->wd_next;
        t->wd_count--;
    }
    n->wd_next = NULL;
}

int tree_set_wd(tree *t, node *n, int wd)
{
    if (n->wd >= 0)
        tree_drop_wd(t, n);
    n->wd = wd;
    wd_insert(t, n);
    return 0;
}

node *tree_by_wd(const tree *t, int wd)
{
    for (node *n = t->wd_buckets[wd_hash(wd) & t->wd_mask]; n; n = n->wd_next)
        if (n->wd == wd)
            return n;
    return NULL;
}

void tree_drop_wd(tree *t, node *n)
{
    if (n->wd < 0)
        return;
    wd_remove(t, n);
    n->wd = -1;
}

void tree_move(tree *t, node *n, node *new_parent, const char *name, size_t len)
{
    name_remove(t, n);
    unlink_child(n);
    /* The node's address is in both maps and in its children: keep it and move the name.
     * name_cap is the inline room the node was allocated with; a longer name lives on the heap
     * in a buffer of exactly its size. */
    char *dest = n->inline_name;
    if (len > n->name_cap) {
        dest = malloc(len + 1); /* names stay NUL-terminated, for openat */
        if (!dest) {
            dest = n->name;     /* out of memory: a truncated name beats a crash */
            if (len > n->name_len)
                len = n->name_len;
        }
    }
    if (dest != n->name && n->name != n->inline_name)
        free(n->name);
    n->name = dest;
    memcpy(n->name, name, len);
    n->name[len] = 0;
    n->name_len = (uint16_t)len;
    link_child(new_parent, n);
    name_insert(t, n);
    t->rename_gen++;
}

void tree_hide_name(tree *t, node *n)
{
    name_remove(t, n);
}

void tree_unlink(tree *t, node *n)
{
    if (n->state != NODE_LIVE)
        return;
    name_remove(t, n);
    unlink_child(n);
    n->parent = NULL;
    n->state = NODE_TOMBSTONE;
    t->live_nodes--;
}

void tree_visit_postorder(tree *t, node *top, tree_visit_fn fn, void *arg)
{
    /* Descend to the deepest first child, visit, then move to the next sibling or parent.
     * next/parent are read before the visit so fn may unlink and free the visited node. */
    node *n = top;
    while (n->first_child)
        n = n->first_child;
    for (;;) {
        node *next = NULL;
        node *parent = n->parent;
        if (n != top) {
            next = n->next_sibling;
        }
        fn(t, n, arg);
        if (n == top)
            return;
        if (next) {
            n = next;
            while (n->first_child)
                n = n->first_child;
        } else {
            n = parent;
        }
    }
}

typedef struct graft_args {
    tree *to, *from;
    node *top;
    size_t moved;
} graft_args;

static void graft_one(tree *t, node *n, void *arg)
{
    (void)t;
    graft_args *g = arg;
    if (n != g->top)
        name_remove(g->from, n);
    name_insert(g->to, n);
    if (n->wd >= 0) {
        wd_remove(g->from, n);
        if (tree_by_wd(g->to, n->wd))
            n->wd = -1;
        else
            wd_insert(g->to, n);
    }
    g->from->live_nodes--;
    g->to->live_nodes++;
    g->moved++;
}

size_t tree_graft(tree *to, tree *from, node *n, node *new_parent)
{
    name_remove(from, n);
    unlink_child(n);
    link_child(new_parent, n);
    graft_args g = { to, from, n, 0 };
    tree_visit_postorder(from, n, graft_one, &g);
    to->rename_gen++;
    return g.moved;
}

void tree_absorb(tree *to, tree *from)
{
    for (size_t b = 0; b <= from->wd_mask; b++) {
        node *n = from->wd_buckets[b];
        while (n) {
            node *next = n->wd_next;
            if (!tree_by_wd(to, n->wd))
                wd_insert(to, n);
            n = next;
        }
        from->wd_buckets[b] = NULL;
    }
    from->wd_count = 0;
    if (from->slab) {
        char *last = from->slab;
        for (;;) {
            char *next;
            memcpy(&next, last, sizeof next);
            if (!next)
                break;
            last = next;
        }
        memcpy(last, &to->slab, sizeof to->slab);
        to->slab = from->slab;
        to->slab_used = NODE_SLAB_BYTES; /* keep allocating from a fresh slab */
        from->slab = NULL;
    }
}

/* A separator goes between a node and its parent unless the parent is the root "/". */
static int needs_slash(const node *p)
{
    const node *up = p->parent;
    return up && !(up->name_len > 0 && up->name[up->name_len - 1] == '/');
}

long tree_path(const node *n, char *buf, size_t cap)
{
    size_t len = 0;
    for (const node *p = n; p; p = p->parent)
        len += p->name_len + (size_t)needs_slash(p);
    if (len > cap)
        return -1;
    size_t end = len;
    for (const node *p = n; p; p = p->parent) {
        end -= p->name_len;
        memcpy(buf + end, p->name, p->name_len);
        if (needs_slash(p))
            buf[--end] = '/';
    }
    return (long)len;
}

int tree_depth(const node *n)
{
    int d = 0;
    for (const node *p = n->parent; p; p = p->parent)
        d++;
    return d;
}
