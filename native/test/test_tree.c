#include <string.h>

#include "check.h"
#include "tree.h"

static int visited;
static void count_and_free(tree *t, node *n, void *arg)
{
    (void)arg;
    tree_unlink(t, n);
    tree_drop_wd(t, n);
    node_free(t, n);
    visited++;
}

static void expect_path(const node *n, const char *want)
{
    char buf[256];
    long len = tree_path(n, buf, sizeof buf);
    CHECK(len == (long)strlen(want));
    CHECK(len >= 0 && memcmp(buf, want, (size_t)len) == 0);
}

int main(void)
{
    tree t;
    CHECK(tree_init(&t) == 0);
    node *root = tree_add(&t, NULL, "/w", 2, 0);
    node *a = tree_add(&t, root, "a", 1, 0);
    node *b = tree_add(&t, a, "b", 1, 0);
    node *c = tree_add(&t, b, "c", 1, 0);
    node *x = tree_add(&t, root, "x", 1, 0);
    expect_path(c, "/w/a/b/c");
    CHECK(tree_depth(c) == 3);
    CHECK(tree_child(&t, a, "b", 1) == b);
    CHECK(tree_child(&t, root, "b", 1) == NULL);

    /* rename a subtree: one re-parent, descendants follow */
    tree_move(&t, b, x, "a-much-longer-name", 18);
    expect_path(c, "/w/x/a-much-longer-name/c");
    CHECK(tree_child(&t, a, "b", 1) == NULL);
    CHECK(tree_child(&t, x, "a-much-longer-name", 18) == b);
    CHECK(a->first_child == NULL);
    tree_move(&t, b, x, "s", 1);
    expect_path(c, "/w/x/s/c");

    /* wd map survives growth past its initial size */
    node *many[3000];
    for (int i = 0; i < 3000; i++) {
        char name[16];
        int len = snprintf(name, sizeof name, "d%d", i);
        many[i] = tree_add(&t, root, name, (size_t)len, 0);
        tree_set_wd(&t, many[i], i + 10);
    }
    for (int i = 0; i < 3000; i++) {
        CHECK(tree_by_wd(&t, i + 10) == many[i]);
        char name[16];
        int len = snprintf(name, sizeof name, "d%d", i);
        CHECK(tree_child(&t, root, name, (size_t)len) == many[i]);
    }
    tree_drop_wd(&t, many[5]);
    CHECK(tree_by_wd(&t, 15) == NULL);
    CHECK(t.wd_count == 2999);

    /* non-UTF-8 names are plain bytes */
    node *bad = tree_add(&t, a, "\xff\xfe\n", 3, 0);
    CHECK(tree_child(&t, a, "\xff\xfe\n", 3) == bad);
    expect_path(bad, "/w/a/\xff\xfe\n");

    /* the filesystem root as a watched root: no doubled slash */
    node *slash = tree_add(&t, NULL, "/", 1, 1);
    node *etc = tree_add(&t, slash, "etc", 3, 1);
    expect_path(etc, "/etc");
    tree_unlink(&t, etc);
    node_free(&t, etc);
    tree_unlink(&t, slash);
    node_free(&t, slash);

    /* post-order visit frees everything, children before parents */
    size_t before = t.live_nodes;
    visited = 0;
    tree_visit_postorder(&t, root, count_and_free, NULL);
    CHECK((size_t)visited == before);
    CHECK(t.live_nodes == 0);
    CHECK(t.wd_count == 0);
    tree_free(&t);
    CHECK_DONE();
}
