/* The engine against real inotify in a temporary directory: crawl, synthetic events for new
 * directories, renames, moves out, overflow-free bookkeeping. Runs under ASan+UBSan in CI. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"
#include "check.h"
#include "scratch.h"
#include "engine.h"

#define MAX_LINES 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static char *lines[MAX_LINES];
static int nlines;

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* One line per record: "kind flags mask path" with path = dir/name. */
static int sink(void *ctx, const unsigned char *buf, size_t len, int count)
{
    (void)ctx;
    size_t off = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < count && off < len; i++) {
        const unsigned char *p = buf + off;
        uint32_t size = get32(p);
        uint16_t kind, flags;
        memcpy(&kind, p + 4, 2);
        memcpy(&flags, p + 6, 2);
        uint32_t mask = get32(p + 8), dl = get32(p + 20), nl = get32(p + 24);
        char *s = malloc(64 + dl + nl);
        int n = sprintf(s, "%u %u %x ", kind, flags, mask);
        memcpy(s + n, p + INFLOW_REC_HEADER, dl);
        s[n + dl] = '/';
        memcpy(s + n + dl + 1, p + INFLOW_REC_HEADER + dl, nl);
        s[n + dl + 1 + nl] = '|'; /* end marker, so a needle can name a whole path */
        s[n + dl + 2 + nl] = 0;
        if (nlines < MAX_LINES)
            lines[nlines++] = s;
        else
            free(s);
        off += size;
    }
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    return INFLOW_SINK_OK;
}

static char top[256];

static char *fmt(const char *f, ...)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, 1024, f, ap);
    va_end(ap);
    return b;
}

/* Index of the first line at or after `from` that contains all of `needle`, waiting up to 5 s. */
static int wait_for(int from, const char *needle)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&lock);
    for (;;) {
        for (int i = from; i < nlines; i++) {
            if (strstr(lines[i], needle)) {
                pthread_mutex_unlock(&lock);
                return i;
            }
        }
        if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&lock);
            fprintf(stderr, "timed out waiting for '%s'\n", needle);
            return -1;
        }
    }
}

static int count_lines(int from, int to, const char *needle)
{
    int n = 0;
    pthread_mutex_lock(&lock);
    for (int i = from; i < to && i < nlines; i++)
        if (strstr(lines[i], needle))
            n++;
    pthread_mutex_unlock(&lock);
    return n;
}

static void touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, "x", 1) < 0)
            perror("write");
        close(fd);
    }
}

static engine *eng;
static void *runner(void *arg)
{
    (void)arg;
    engine_run(eng);
    return NULL;
}

static int64_t stat_of(int which)
{
    int64_t v[STAT_COUNT];
    engine_stats(eng, v, STAT_COUNT);
    return v[which];
}

static int marker_seq;
/* Writes a marker file and waits for its CLOSE_WRITE: everything before it has been read. */
static int sync_marker(void)
{
    char name[64];
    snprintf(name, sizeof name, "marker-%d", ++marker_seq);
    touch(fmt("%s/%s", top, name));
    return wait_for(0, fmt("/%s", name));
}

int main(void)
{
    if (!scratch_dir(top, sizeof top, "inflow-test-engine")) {
        perror("mkdtemp");
        return 1;
    }
    mkdir(fmt("%s/pre", top), 0755);
    mkdir(fmt("%s/pre/inner", top), 0755);
    /* enough top-level directories for the initial crawl to split between two threads */
    for (int i = 0; i < 6; i++)
        CHECK(system(fmt("mkdir -p %s/half%d/x/y", top, i)) == 0);
    char outside[300];
    snprintf(outside, sizeof outside, "%s-outside", top);
    mkdir(outside, 0755);

    engine_config cfg;
    engine_default_config(&cfg);
    int err = 0;
    eng = engine_new(&cfg, sink, NULL, &err);
    CHECK(eng != NULL);
    if (!eng)
        CHECK_DONE();
    char msg[256];
    uint32_t mask = IN_ALL_EVENTS & ~(IN_ACCESS | IN_OPEN | IN_CLOSE_NOWRITE);
    CHECK(engine_add_root(eng, top, strlen(top), mask, -1, NULL, NULL, 0, msg, sizeof msg) == 0);
    CHECK(engine_add_root(eng, top, strlen(top), mask, -1, "(", NULL, 0, msg, sizeof msg) == -1);
    CHECK(strstr(msg, "bad regular expression") != NULL);
    pthread_t th;
    pthread_create(&th, NULL, runner, NULL);

    CHECK(wait_for(0, fmt("3 0 0 %s/", top)) >= 0); /* READY */
    CHECK(stat_of(STAT_WATCHES) == 3 + 18);
    /* both halves' watches report, under the right paths */
    for (int i = 0; i < 6; i++)
        touch(fmt("%s/half%d/x/y/z", top, i));
    int seen = sync_marker();
    for (int i = 0; i < 6; i++)
        CHECK(count_lines(0, seen, fmt("1 0 100 %s/half%d/x/y/z|", top, i)) == 1);
    CHECK(system(fmt("rm -rf %s/half*", top)) == 0);
    sync_marker();
    usleep(20 * 1000);
    sync_marker();
    CHECK(stat_of(STAT_WATCHES) == 3);

    /* mkdir -p with a file at once: everything reported, the file exactly once */
    int from = nlines;
    CHECK(system(fmt("mkdir -p %s/a/b/c/d && echo x > %s/a/b/c/d/f", top, top)) == 0);
    int at = sync_marker();
    CHECK(at >= 0);
    CHECK(count_lines(from, at, fmt("%s/a/b/c/d/f", top)) >= 1);
    CHECK(count_lines(from, at, fmt("1 0 40000100 %s/a/b/c/d/f", top)) + count_lines(from, at, fmt("1 1 108 %s/a/b/c/d/f", top)) +
          count_lines(from, at, fmt("1 0 100 %s/a/b/c/d/f", top)) == 1);
    CHECK(count_lines(from, at, fmt("%s/a/b/c/d/", top)) >= 1);
    CHECK(stat_of(STAT_WATCHES) == 7);

    /* rename a subtree, then write inside: the new path */
    from = nlines;
    CHECK(rename(fmt("%s/a/b", top), fmt("%s/a/renamed", top)) == 0);
    touch(fmt("%s/a/renamed/c/d/g", top));
    at = sync_marker();
    CHECK(count_lines(from, at, fmt("%s/a/renamed/c/d/g", top)) >= 1);
    CHECK(count_lines(from, at, fmt("%s/a/b/c/d/g", top)) == 0);
    CHECK(stat_of(STAT_WATCHES) == 7);

    /* move out: silence, watches released */
    from = nlines;
    CHECK(rename(fmt("%s/a/renamed", top), fmt("%s/gone", outside)) == 0);
    touch(fmt("%s/gone/c/d/early", outside)); /* before the move is known to be final */
    sync_marker();
    usleep(50 * 1000); /* the move expires after move_wait_ms; let a later marker prove it */
    sync_marker();
    touch(fmt("%s/gone/c/d/h", outside));
    at = sync_marker();
    CHECK(count_lines(from, at, "/h|") == 0);
    CHECK(count_lines(from, at, "/early|") == 0);
    CHECK(stat_of(STAT_WATCHES) == 4);

    /* move back in: crawled, contents reported as synthetic */
    from = nlines;
    CHECK(rename(fmt("%s/gone", outside), fmt("%s/back", top)) == 0);
    at = sync_marker();
    CHECK(count_lines(from, at, fmt("1 1 40000100 %s/back/c|", top)) == 1);
    CHECK(stat_of(STAT_WATCHES) == 7);
    touch(fmt("%s/back/c/d/i", top));
    at = sync_marker();
    CHECK(count_lines(from, at, fmt("%s/back/c/d/i", top)) >= 1);

    /* out and straight back under another name (two renames, two cookies): the directory's
     * old watches must not hide it at its new place */
    from = nlines;
    CHECK(system(fmt("mv %s/back %s/again && mv %s/again %s/again", top, outside, outside, top)) == 0);
    touch(fmt("%s/again/c/d/j", top));
    at = sync_marker();
    CHECK(count_lines(from, at, fmt("1 1 40000100 %s/again/c|", top)) == 1);
    CHECK(count_lines(from, at, fmt("%s/again/c/d/j|", top)) >= 1);
    usleep(50 * 1000);
    sync_marker();
    CHECK(stat_of(STAT_WATCHES) == 7);

    /* delete a subtree: watches released */
    CHECK(system(fmt("rm -rf %s/again %s/pre", top, top)) == 0);
    sync_marker();
    at = sync_marker();
    CHECK(stat_of(STAT_WATCHES) == 2);

    /* a symlink loop is not followed */
    CHECK(symlink(".", fmt("%s/a/loop", top)) == 0);
    sync_marker();
    CHECK(stat_of(STAT_WATCHES) == 2);

    /* widening a root: a shallow close-write root grows to every level and deletes; the
     * level that was out of reach gets watched without events for what it already holds */
    CHECK(system(fmt("mkdir -p %s/wide/a/b && touch %s/wide/a/b/old", outside, outside)) == 0);
    int wide = engine_add_root(eng, fmt("%s/wide", outside), strlen(outside) + 5, IN_CLOSE_WRITE, 0, NULL, NULL, 0,
                               msg, sizeof msg);
    CHECK(wide > 0);
    CHECK(wait_for(0, fmt("3 0 0 %s/wide/", outside)) >= 0);
    long before = stat_of(STAT_WATCHES);
    from = nlines;
    CHECK(engine_update_root(eng, wide, IN_DELETE, -1) == 0);
    int deleted = -1;
    for (int i = 0; i < 200 && deleted < 0; i++) {
        touch(fmt("%s/wide/a/b/new", outside));
        unlink(fmt("%s/wide/a/b/new", outside));
        usleep(10 * 1000);
        pthread_mutex_lock(&lock);
        for (int k = from; k < nlines; k++)
            if (strstr(lines[k], fmt("1 0 200 %s/wide/a/b/new|", outside)))
                deleted = k;
        pthread_mutex_unlock(&lock);
    }
    CHECK(deleted >= 0);
    CHECK(count_lines(from, nlines, "/wide/a/b/old|") == 0);
    CHECK(stat_of(STAT_WATCHES) == before + 2);

    engine_stop(eng);
    pthread_join(th, NULL);
    engine_free(eng);
    CHECK(system(fmt("rm -rf %s %s", top, outside)) == 0);
    for (int i = 0; i < nlines; i++)
        free(lines[i]);
    CHECK_DONE();
}
