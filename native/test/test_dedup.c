#include "check.h"
#include "dedup.h"

int main(void)
{
    dedup d;
    node a, b;
    CHECK(dedup_init(&d) == 0);
    dedup_add(&d, &a, "f", 1, 5);
    dedup_add(&d, &a, "g", 1, 5);
    dedup_add(&d, &b, "f", 1, 6);
    /* the kernel's CREATE for a listed entry is taken once */
    CHECK(dedup_take(&d, &a, "f", 1) == 1);
    CHECK(dedup_take(&d, &a, "f", 1) == 0);
    /* a delete forgets: the next CREATE of that name is a new file */
    dedup_forget(&d, &a, "g", 1);
    CHECK(dedup_take(&d, &a, "g", 1) == 0);
    /* entries are per directory */
    CHECK(dedup_take(&d, &b, "g", 1) == 0);
    /* expiry by drain generation */
    dedup_expire(&d, 6);
    CHECK(!dedup_empty(&d));
    CHECK(dedup_take(&d, &b, "f", 1) == 1);
    dedup_add(&d, &b, "h", 1, 7);
    dedup_forget_dir(&d, &b);
    CHECK(dedup_take(&d, &b, "h", 1) == 0);
    dedup_expire(&d, 100);
    CHECK(dedup_empty(&d));
    dedup_free(&d);
    CHECK_DONE();
}
