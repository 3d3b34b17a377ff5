/* The watched directory tree: node = (parent, name bytes), a wd → node map and a
 * (parent, name) → node map. Paths are built on demand by walking parents, so a directory
 * rename is one re-parent, whatever the size of the subtree below it. */
#ifndef INFLOW_TREE_H
#define INFLOW_TREE_H

#include <stddef.h>
#include <stdint.h>

enum node_state {
    NODE_LIVE = 0,      /* linked in the tree */
    NODE_TOMBSTONE = 1  /* unlinked; kept in the wd map until IN_IGNORED for its wd */
};

enum node_bits {
    NODE_QUEUED = 1,    /* sits in the crawl queue: the crawler frees it if it dies meanwhile */
    NODE_DEAD = 2,      /* unlinked while queued */
    NODE_PARKED = 4     /* its MOVED_FROM waits for a MOVED_TO */
};

typedef struct node {
    struct node *parent;
    struct node *first_child, *next_sibling, *prev_sibling;
    struct node *wd_next;     /* chain in the wd map */
    struct node *name_next;   /* chain in the (parent, name) map */
    char *name;               /* inline_name, or a heap copy after a rename to a longer name;
                                 for a root node: the root path as given */
    int wd;                   /* -1 while unwatched */
    uint32_t hash;            /* of (parent, name) */
    uint32_t epoch;           /* last reconciliation that saw it */
    uint16_t root;            /* root id the node belongs to */
    uint16_t name_len;
    uint16_t name_cap;        /* bytes available in inline_name */
    uint8_t state;
    uint8_t bits;
    char inline_name[];
} node;

/* Nodes come from slabs: a tree of 100,000 directories is mostly nodes, and malloc's header and
 * 16-byte rounding would add a fifth to each. Freed nodes go to a free list per size. */
#define NODE_SLAB_BYTES (64 * 1024)
#define NODE_SIZE_CLASSES 48          /* 8-byte classes; bigger nodes (long root paths) use malloc */

typedef struct tree {
    node **wd_buckets;
    size_t wd_mask, wd_count;
    node **name_buckets;
    size_t name_mask, name_count;
    size_t live_nodes;
    uint64_t rename_gen;      /* bumps on every re-parent: invalidates cached paths */
    void *free_nodes[NODE_SIZE_CLASSES];
    char *slab;               /* current slab; slabs are chained through their first word */
    size_t slab_used;
} tree;

int tree_init(tree *t);
void tree_free(tree *t);

/* A new node under parent (NULL for a root). Linked in the (parent, name) map. */
node *tree_add(tree *t, node *parent, const char *name, size_t len, int root);
/* Roots are numbered below this. */
#define TREE_MAX_ROOTS 65535
node *tree_child(const tree *t, const node *parent, const char *name, size_t len);

int tree_set_wd(tree *t, node *n, int wd);
node *tree_by_wd(const tree *t, int wd);
void tree_drop_wd(tree *t, node *n);   /* remove from the wd map, keep the node */

/* Re-parent (and rename) a node: O(1) in the size of its subtree. */
void tree_move(tree *t, node *n, node *new_parent, const char *name, size_t len);

/* Takes n out of the name map only: it keeps its place (and path) but its name is free for a
 * new directory. tree_move or tree_unlink finish the job. */
void tree_hide_name(tree *t, node *n);

/* Unlink n from its parent and the name map. Children stay attached to n. */
void tree_unlink(tree *t, node *n);

/* Visit n's subtree depth-first without recursion; the callback may unlink and free the node
 * it is given (children are read before the visit). */
typedef void (*tree_visit_fn)(tree *t, node *n, void *arg);
void tree_visit_postorder(tree *t, node *n, tree_visit_fn fn, void *arg);

/* Writes n's path (no trailing slash) into buf; returns its length, or -1 if cap is too small. */
/* Moves the subtree of n (a node of `from`) under new_parent in `to`, maps included. A node
 * whose wd `to` already has (the same directory reached twice) arrives unwatched. Returns the
 * number of nodes moved. */
size_t tree_graft(tree *to, tree *from, node *n, node *new_parent);
/* Hands `from`'s slabs and whatever is left in its wd map (tombstones) to `to`. */
void tree_absorb(tree *to, tree *from);

long tree_path(const node *n, char *buf, size_t cap);
int tree_depth(const node *n);

void node_free(tree *t, node *n);

#endif
