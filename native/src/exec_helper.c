/* inflow-exec: runs a program as another user.
 *
 *   inflow-exec UID GID [GROUP...] -- PROGRAM [ARG...]
 *
 * The spawner posix_spawns this helper (already in its own process group, signals reset, no fd
 * above 2) instead of the program when a rule runs as another user. Being a fresh single-threaded
 * process, it may change credentials: setgroups(GROUPS) -> setgid(GID) -> setuid(UID), then it
 * verifies that real, effective and saved ids and the group list are exactly the requested ones
 * and that root cannot be regained, and execs PROGRAM (searched in PATH like execvp).
 * Any failure: one line on stderr, exit status 127, nothing run. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail(const char *what, const char *arg, int err)
{
    if (err)
        fprintf(stderr, "inflow-exec: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "", strerror(err));
    else
        fprintf(stderr, "inflow-exec: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    _exit(127); /* not exit(): nothing of ours must run after a failed switch */
}

/* A decimal id: digits only, below (id_t)-1 (which means "unchanged" to the set*id calls). */
static unsigned parse_id(const char *s)
{
    if (!*s || strlen(s) > 10)
        fail("not a numeric id:", s, 0);
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            fail("not a numeric id:", s, 0);
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v >= 0xffffffffULL)
        fail("id out of range:", s, 0);
    return (unsigned)v;
}

static int cmp_gid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts and removes duplicates; returns the new count. */
static int uniq(gid_t *g, int n)
{
    qsort(g, (size_t)n, sizeof *g, cmp_gid);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || g[k - 1] != g[i])
            g[k++] = g[i];
    return k;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        fail("usage: inflow-exec UID GID [GROUP...] -- PROGRAM [ARG...]", NULL, 0);
    uid_t uid = parse_id(argv[1]);
    gid_t gid = parse_id(argv[2]);
    int first = 3;
    while (first < argc && strcmp(argv[first], "--") != 0)
        first++;
    if (first + 1 >= argc)
        fail("no -- PROGRAM", NULL, 0);
    int ngroups = first - 3;
    long max = sysconf(_SC_NGROUPS_MAX);
    if (max < 0)
        max = NGROUPS_MAX;
    if (ngroups > max)
        fail("too many groups", NULL, 0);
    gid_t *groups = calloc((size_t)ngroups + 1, sizeof *groups);
    gid_t *seen = calloc((size_t)max + 1, sizeof *seen);
    if (!groups || !seen)
        fail("out of memory", NULL, ENOMEM);
    for (int i = 0; i < ngroups; i++)
        groups[i] = parse_id(argv[3 + i]);

    /* The order matters: groups and gid while we still may, uid last. */
    if (setgroups((size_t)ngroups, groups) != 0)
        fail("setgroups", NULL, errno);
    if (setgid(gid) != 0)
        fail("setgid", argv[2], errno);
    if (setuid(uid) != 0)
        fail("setuid", argv[1], errno);

    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
        fail("getresuid", NULL, errno);
    if (ru != uid || eu != uid || su != uid || getuid() != uid || geteuid() != uid)
        fail("user ids not switched to", argv[1], 0);
    if (rg != gid || eg != gid || sg != gid || getgid() != gid || getegid() != gid)
        fail("group ids not switched to", argv[2], 0);
    int have = getgroups((int)max + 1, seen);
    if (have < 0)
        fail("getgroups", NULL, errno);
    int want = uniq(groups, ngroups);
    have = uniq(seen, have);
    if (have != want || memcmp(seen, groups, (size_t)want * sizeof *groups) != 0)
        fail("supplementary groups not switched", NULL, 0);
    if (uid != 0 && setuid(0) != -1)
        fail("root can still be regained after setuid", argv[1], 0);
    free(seen);
    free(groups);

    execvp(argv[first + 1], &argv[first + 1]);
    fail("cannot run", argv[first + 1], errno);
    return 127;
}
