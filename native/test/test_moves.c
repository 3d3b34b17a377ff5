#include <stdint.h>

#include "check.h"
#include "moves.h"

int main(void)
{
    static moves m;
    node dirs[MOVES_CAP + 2];
    moves_init(&m);
    CHECK(moves_park(&m, 7, &dirs[0], 100) == NULL);
    CHECK(moves_park(&m, 8, &dirs[1], 101) == NULL);
    /* pairing is by cookie, not by order */
    CHECK(moves_take(&m, 8) == &dirs[1]);
    CHECK(moves_take(&m, 8) == NULL);
    /* expiry by time: only what was parked at or before the cutoff */
    CHECK(moves_expire(&m, 99) == NULL);
    CHECK(moves_expire(&m, 100) == &dirs[0]);
    CHECK(m.count == 0);
    /* bounded: the oldest is evicted and handed back */
    for (int i = 0; i < MOVES_CAP; i++)
        CHECK(moves_park(&m, (uint32_t)i, &dirs[i], i) == NULL);
    CHECK(moves_park(&m, 9999, &dirs[MOVES_CAP], 1000) == &dirs[0]);
    CHECK(m.count == MOVES_CAP);
    /* a freed directory leaves the table */
    moves_forget(&m, &dirs[3]);
    CHECK(moves_take(&m, 3) == NULL);
    CHECK(m.count == MOVES_CAP - 1);
    int n = 0;
    while (moves_expire(&m, INT64_MAX))
        n++;
    CHECK(n == MOVES_CAP - 1);
    CHECK_DONE();
}
