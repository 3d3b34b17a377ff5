/* The spawner and the reaper with real processes: exit codes and signals, exact argv bytes, no
 * inherited fd, reset signals, cwd/env/stdin, process groups, the exec helper, no zombie or fd
 * left after 1,000 runs. argv[1]: the inflow-exec helper built next to this test. */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"
#include "reaper.h"
#include "sched_slice.h"
#include "spawner.h"

static const char *helper;
static reaper *rp;

/* Waits (through the reaper) for pid's exit; other events are ignored. */
static reaper_event wait_exit(pid_t pid)
{
    reaper_event ev[16];
    for (int rounds = 0; rounds < 100; rounds++) {
        int n = reaper_wait(rp, 100, ev, 16);
        CHECK(n >= 0);
        for (int i = 0; i < n; i++)
            if (ev[i].kind == REAPER_EXIT && ev[i].pid == pid) {
                CHECK(ev[i].tag == pid); /* the tests tag each child with its pid */
                return ev[i];
            }
    }
    fprintf(stderr, "pid %d did not end within 10 s\n", (int)pid);
    exit(2);
}

/* Reads a blocking fd to EOF, NUL-terminates, closes it; returns the byte count. */
static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == cap - 1)
            break;
    }
    buf[n] = 0;
    close(fd);
    return n;
}

/* Starts req and hands its pidfd to the reaper (tagged with the pid); ends the test run when
 * it cannot start, since nothing after would mean anything. */
static spawn_result start_watched(spawn_req *req)
{
    spawn_result res;
    int rc = spawn_start(req, &res);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "spawn %s: %s\n", req->argv[0], strerror(rc));
        exit(2);
    }
    CHECK(reaper_watch(rp, res.pid, res.pidfd) == 0);
    return res;
}

/* Runs argv with stdout+stderr into a pipe; returns the exit event, output in buf. */
static reaper_event run_capture(spawn_req *req, char *buf, size_t cap, size_t *len)
{
    req->out_mode = SPAWN_OUT_PIPE;
    spawn_result res = start_watched(req);
    size_t n = read_all(res.out_fd, buf, cap);
    if (len)
        *len = n;
    return wait_exit(res.pid);
}

/* Runs argv with input on its stdin and its stdout in buf; returns the exit event. */
static reaper_event run_with_input(spawn_req *req, const char *input, char *buf, size_t cap)
{
    req->in_mode = SPAWN_IN_PIPE;
    req->out_mode = SPAWN_OUT_PIPE;
    spawn_result res = start_watched(req);
    size_t n = strlen(input);
    CHECK(write(res.in_fd, input, n) == (ssize_t)n);
    close(res.in_fd);
    read_all(res.out_fd, buf, cap);
    return wait_exit(res.pid);
}

static reaper_event run(spawn_req *req)
{
    spawn_result res = start_watched(req);
    CHECK(res.in_fd == -1 && res.out_fd == -1);
    return wait_exit(res.pid);
}

/* 'R', 'S', 'Z', ... or 0 when the process is gone. */
static char proc_state(pid_t pid, pid_t *ppid, pid_t *pgrp)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    char state = 0;
    int pp = 0, pg = 0;
    if (sscanf(p + 1, " %c %d %d", &state, &pp, &pg) != 3)
        return 0;
    if (ppid)
        *ppid = pp;
    if (pgrp)
        *pgrp = pg;
    return state;
}

/* Dead means gone or a zombie (an orphan whose reaper, PID 1 here, may not reap it). */
static int dead_within(pid_t pid, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        char s = proc_state(pid, NULL, NULL);
        if (s == 0 || s == 'Z' || s == 'X')
            return 1;
        usleep(10000);
    }
    return 0;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the DIR's own fd */
}

/* Our children in state Z (unreaped). */
static int our_zombies(void)
{
    DIR *d = opendir("/proc");
    int z = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t pid = atoi(e->d_name);
        pid_t ppid = 0;
        if (pid > 0 && proc_state(pid, &ppid, NULL) == 'Z' && ppid == getpid())
            z++;
    }
    closedir(d);
    return z;
}

static void test_exit_codes(void)
{
    char *t[] = { "/bin/true", NULL };
    spawn_req req = { .argv = t };
    reaper_event ev = run(&req);
    CHECK(ev.kind == REAPER_EXIT && ev.code == 0 && ev.sig == 0);

    char *three[] = { "/bin/sh", "-c", "exit 3", NULL };
    req.argv = three;
    ev = run(&req);
    CHECK(ev.code == 3 && ev.sig == 0);

    char *self_kill[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
    req.argv = self_kill;
    ev = run(&req);
    CHECK(ev.code == -1 && ev.sig == SIGKILL && !ev.core);

    /* the daemon's own stdio (the other shared set of file actions) */
    char *sh_io[] = { "/bin/sh", "-c", "test -t 0 || test -e /proc/self/fd/0", NULL };
    spawn_req inherit = { .argv = sh_io, .in_mode = SPAWN_IN_INHERIT, .out_mode = SPAWN_OUT_INHERIT };
    ev = run(&inherit);
    CHECK(ev.code == 0);

    /* PATH search without a slash */
    char *bare[] = { "true", NULL };
    req.argv = bare;
    ev = run(&req);
    CHECK(ev.code == 0);
}

static void test_killed_group(void)
{
    /* sh and a background sleep share the new group; one signal to the group ends both */
    char *argv[] = { "/bin/sh", "-c", "sleep 1000 & echo $!; sleep 1000", NULL };
    spawn_req req = { .argv = argv, .out_mode = SPAWN_OUT_PIPE };
    spawn_result res;
    CHECK(spawn_start(&req, &res) == 0);
    CHECK(getpgid(res.pid) == res.pid);
    CHECK(reaper_watch(rp, res.pid, res.pidfd) == 0);
    char line[64] = "";
    size_t n = 0;
    while (n < sizeof line - 1 && (n == 0 || line[n - 1] != '\n'))
        if (read(res.out_fd, line + n, 1) == 1)
            n++;
        else
            break;
    line[n] = 0;
    pid_t bg = atoi(line);
    CHECK(bg > 0);
    pid_t pgrp = 0;
    CHECK(proc_state(bg, NULL, &pgrp) != 0 && pgrp == res.pid);
    CHECK(reaper_signal_group(res.pid, res.pidfd, SIGTERM) == 0);
    reaper_event ev = wait_exit(res.pid);
    CHECK(ev.sig == SIGTERM && ev.code == -1);
    CHECK(dead_within(bg, 2000));
    close(res.out_fd);
    CHECK(reaper_signal_group(1, -1, 0) == EINVAL);
    CHECK(reaper_signal_group(0, -1, 0) == EINVAL);
    CHECK(reaper_signal_group(-5, -1, 0) == EINVAL);
}

static void test_kill_on_exit(void)
{
    /* A timed-out run: when its leader ends, what is left of its group is killed before the reap. */
    char *argv[] = { "/bin/sh", "-c", "trap '' TERM; sleep 1000 & echo $!; read x; exit 0", NULL };
    spawn_req req = { .argv = argv, .in_mode = SPAWN_IN_PIPE, .out_mode = SPAWN_OUT_PIPE };
    spawn_result res;
    CHECK(spawn_start(&req, &res) == 0);
    CHECK(res.in_fd > 2 && res.out_fd > 2);
    CHECK(reaper_watch(rp, res.pid, res.pidfd) == 0);
    char line[64];
    size_t n = 0;
    while (n < sizeof line - 1 && (n == 0 || line[n - 1] != '\n') && read(res.out_fd, line + n, 1) == 1)
        n++;
    line[n] = 0;
    pid_t bg = atoi(line);
    CHECK(bg > 0);
    CHECK(reaper_kill_on_exit(rp, res.pid, res.pidfd) == 0);
    CHECK(reaper_signal_group(res.pid, res.pidfd, SIGTERM) == 0); /* ignored by both */
    usleep(50000);
    CHECK(proc_state(bg, NULL, NULL) == 'S');
    close(res.in_fd); /* read x sees EOF: the leader exits 0, the sleep still runs */
    reaper_event ev = wait_exit(res.pid);
    CHECK(ev.code == 0);
    CHECK(dead_within(bg, 2000));
    close(res.out_fd);
}

static void test_argv_bytes(void)
{
    char *argv[] = { "/bin/sh", "-c", "for a; do printf '%s\\0' \"$a\"; done", "sh",
                     ";", "$(touch X)", "`touch X`", "'\"", "a|b&c>d", "new\nline", "\t*{a,b}",
                     "-n", "\xff\xfe\x80 invalid", "", NULL };
    char expect[512];
    size_t elen = 0;
    for (int i = 4; argv[i]; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(expect + elen, argv[i], l);
        elen += l;
    }
    char cwd[256];
    CHECK(scratch_dir(cwd, sizeof cwd, "inflow-test-spawn") != NULL);
    spawn_req req = { .argv = argv, .cwd = cwd };
    char out[512];
    size_t n = 0;
    reaper_event ev = run_capture(&req, out, sizeof out, &n);
    CHECK(ev.code == 0);
    CHECK(n == elen && memcmp(out, expect, elen) == 0);
    char marker[sizeof cwd + 2];
    snprintf(marker, sizeof marker, "%s/X", cwd);
    CHECK(access(marker, F_OK) != 0);
    CHECK(rmdir(cwd) == 0);
}

static void test_no_inherited_fds(void)
{
    /* fds above 2 without close-on-exec: a plain fork+exec would hand them down */
    int a = dup(1), b = dup2(1, 200);
    CHECK(a > 2 && b == 200);
    char *argv[] = { "/bin/ls", "/proc/self/fd", NULL };
    spawn_req req = { .argv = argv };
    char out[256];
    reaper_event ev = run_capture(&req, out, sizeof out, NULL);
    CHECK(ev.code == 0);
    /* 3 is ls's own handle on the directory: an inherited 3 would push it to 4 */
    CHECK(strcmp(out, "0\n1\n2\n3\n") == 0);
    if (strcmp(out, "0\n1\n2\n3\n") != 0)
        fprintf(stderr, "child fds:\n%s", out);
    close(a);
    close(b);
}

static void test_signals_reset(void)
{
    /* Our blocked and ignored signals must not reach the child. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    struct sigaction ign = { .sa_handler = SIG_IGN }, oldint, oldpipe;
    sigaction(SIGINT, &ign, &oldint);
    sigaction(SIGPIPE, &ign, &oldpipe);
    char *argv[] = { "/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
    spawn_req req = { .argv = argv };
    char out[256];
    reaper_event ev = run_capture(&req, out, sizeof out, NULL);
    CHECK(ev.code == 0);
    CHECK(strcmp(out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n") == 0);
    if (ev.code != 0 || strcmp(out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n") != 0)
        fprintf(stderr, "child signals:\n%s", out);
    sigaction(SIGINT, &oldint, NULL);
    sigaction(SIGPIPE, &oldpipe, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* se.slice from /proc/<pid>/sched in ns, or 0 when the kernel does not show it. */
static unsigned long long slice_in(const char *text)
{
    const char *p = strstr(text, "se.slice");
    unsigned long long ns = 0;
    if (p && sscanf(strchr(p, ':') + 1, "%llu", &ns) != 1)
        ns = 0;
    return ns;
}

static void *short_slice_thread(void *arg)
{
    (void)arg;
    int err = sched_slice_request(SCHED_SLICE_SHORT_NS);
    if (err) {
        printf("skip test_child_slice: no custom scheduler slices here (%s)\n", strerror(err));
        return NULL;
    }
    char own[4096];
    int fd = open("/proc/thread-self/sched", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read_all(fd, own, sizeof own) == 0 || slice_in(own) == 0) {
        printf("skip test_child_slice: /proc/thread-self/sched has no se.slice\n");
        return NULL;
    }
    CHECK(slice_in(own) == SCHED_SLICE_SHORT_NS);
    /* The child runs with the default slice, not ours. The spawner resets it once posix_spawn
     * returns, so the child looks only when told to, after that. */
    char *argv[] = { "/bin/sh", "-c", "read go; exec cat /proc/self/sched", NULL };
    spawn_req req = { .argv = argv };
    char out[8192];
    CHECK(run_with_input(&req, "go\n", out, sizeof out).code == 0);
    CHECK(slice_in(out) != 0 && slice_in(out) != SCHED_SLICE_SHORT_NS);
    if (slice_in(out) == SCHED_SLICE_SHORT_NS)
        fprintf(stderr, "the child kept the spawning thread's slice\n");
    return NULL;
}

static void test_child_slice(void)
{
    pthread_t t;
    CHECK(pthread_create(&t, NULL, short_slice_thread, NULL) == 0);
    pthread_join(t, NULL);
}

static void test_cwd_env_stdin(void)
{
    char *argv[] = { "/bin/sh", "-c", "pwd; echo \"$FOO\"; echo \"${HOME-unset}\"; cat", NULL };
    char *envp[] = { "FOO=b\xe4r", "PATH=/usr/bin:/bin", NULL };
    spawn_req req = { .argv = argv, .envp = envp, .cwd = "/usr" };
    char out[256];
    CHECK(run_with_input(&req, "a\nb\n", out, sizeof out).code == 0);
    CHECK(strcmp(out, "/usr\nb\xe4r\nunset\na\nb\n") == 0);
}

static void test_errors(void)
{
    char *missing[] = { "/nonexistent/program", NULL };
    spawn_req req = { .argv = missing };
    spawn_result res;
    CHECK(spawn_start(&req, &res) == ENOENT);
    CHECK(res.pid == -1 && res.pidfd == -1);
    char *bare[] = { "no-such-program-inflow", NULL };
    req.argv = bare;
    req.out_mode = SPAWN_OUT_PIPE;
    req.in_mode = SPAWN_IN_PIPE;
    int rc = spawn_start(&req, &res);
    CHECK(rc == ENOENT || rc == EACCES); /* EACCES: a directory in PATH we may not search */
    char *t[] = { "/bin/true", NULL };
    spawn_req bad_cwd = { .argv = t, .cwd = "/nonexistent/dir" };
    CHECK(spawn_start(&bad_cwd, &res) == ENOENT);
    spawn_req empty = { .argv = NULL };
    CHECK(spawn_start(&empty, &res) == EINVAL);
    CHECK(reaper_watch(rp, -1, 0) == EINVAL);
    CHECK(reaper_watch(rp, REAPER_TAG_MAX + 1, 0) == EINVAL);
    CHECK(reaper_watch_output(rp, -1, 0) == EINVAL);
    /* glibc reaped the children whose exec failed */
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

static void test_output_through_reaper(void)
{
    char *argv[] = { "/bin/sh", "-c", "echo one; echo two >&2; echo three", NULL };
    spawn_req req = { .argv = argv, .out_mode = SPAWN_OUT_PIPE };
    spawn_result res;
    CHECK(spawn_start(&req, &res) == 0);
    CHECK(reaper_watch_output(rp, res.pid, res.out_fd) == 0);
    CHECK(reaper_watch(rp, res.pid, res.pidfd) == 0);
    char out[256];
    size_t n = 0;
    int exited = 0, eof = 0;
    for (int rounds = 0; rounds < 100 && !(exited && eof); rounds++) {
        reaper_event ev[8];
        int k = reaper_wait(rp, 100, ev, 8);
        for (int i = 0; i < k; i++) {
            CHECK(ev[i].tag == res.pid);
            if (ev[i].kind == REAPER_EXIT) {
                CHECK(ev[i].pid == res.pid);
                CHECK(ev[i].code == 0);
                exited = 1;
            } else {
                CHECK(ev[i].fd == res.out_fd);
                ssize_t r;
                while ((r = read(ev[i].fd, out + n, sizeof out - 1 - n)) > 0)
                    n += (size_t)r;
                if (r == 0) {
                    eof = 1;
                    CHECK(reaper_close_output(rp, ev[i].fd) == 0);
                } else {
                    CHECK(errno == EAGAIN);
                }
            }
        }
    }
    out[n] = 0;
    CHECK(exited && eof);
    CHECK(strcmp(out, "one\ntwo\nthree\n") == 0);
}

static void test_wake(void)
{
    reaper_wake(rp);
    reaper_event ev[4];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(reaper_wait(rp, 5000, ev, 4) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(b.tv_sec - a.tv_sec < 2);
    CHECK(reaper_wait(rp, 10, ev, 4) == 0); /* consumed */
}

static void test_helper(void)
{
    char out[512];
    char *bad[] = { (char *)helper, "x", "1", "--", "/bin/true", NULL };
    spawn_req req = { .argv = bad };
    reaper_event ev = run_capture(&req, out, sizeof out, NULL);
    CHECK(ev.code == 127 && strstr(out, "not a numeric id: x"));
    char *noprog[] = { (char *)helper, "0", "0", "--", NULL };
    req.argv = noprog;
    ev = run_capture(&req, out, sizeof out, NULL);
    CHECK(ev.code == 127 && strstr(out, "usage"));

    char *ids[] = { "/bin/sh", "-c", "id -u; id -g; id -G; pwd", NULL };
    gid_t groups[] = { 65534, 12345 };
    spawn_req as = { .argv = ids, .helper = helper, .uid = 65534, .gid = 65534, .groups = groups,
                     .ngroups = 2, .cwd = "/" };
    if (getuid() != 0) {
        /* not root: the switch must fail cleanly, nothing run */
        ev = run_capture(&as, out, sizeof out, NULL);
        CHECK(ev.code == 127 && strstr(out, "inflow-exec: setgroups"));
        fprintf(stderr, "test_spawn: not root, so the user switch itself was not tested\n");
        return;
    }
    ev = run_capture(&as, out, sizeof out, NULL);
    CHECK(ev.code == 0);
    CHECK(strcmp(out, "65534\n65534\n65534 12345\n/\n") == 0);
    if (strcmp(out, "65534\n65534\n65534 12345\n/\n") != 0)
        fprintf(stderr, "as nobody:\n%s", out);
    as.ngroups = 0;
    ev = run_capture(&as, out, sizeof out, NULL);
    CHECK(ev.code == 0 && strcmp(out, "65534\n65534\n65534\n/\n") == 0);
    char *missing[] = { "no-such-program-inflow", NULL };
    as.argv = missing;
    ev = run_capture(&as, out, sizeof out, NULL);
    CHECK(ev.code == 127 && strstr(out, "inflow-exec: cannot run no-such-program-inflow"));
}

static void test_many(void)
{
    char *t[] = { "/bin/true", NULL };
    spawn_req req = { .argv = t };
    run(&req); /* warm: the cached /dev/null fd */
    int before = count_fds();
    for (int i = 0; i < 1000; i++) {
        reaper_event ev = run(&req);
        if (ev.code != 0) {
            CHECK(ev.code == 0);
            break;
        }
    }
    CHECK(count_fds() == before);
    CHECK(our_zombies() == 0);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
    CHECK(spawn_bench_loop("/bin/true", 100) == 0);
    CHECK(spawn_bench_loop("/nonexistent", 1) == ENOENT);
    CHECK(count_fds() == before);
}

/* Spawning threads and the reaping thread at once: a pidfd closed while another thread's
 * posix_spawn holds a copy of the fd table must not come back as a stale event. */
#define THREADS 4
#define PER_THREAD 250

static int spawned_pid[THREADS * PER_THREAD];

static void *spawn_many(void *arg)
{
    int base = (int)(intptr_t)arg * PER_THREAD;
    char *t[] = { "/bin/true", NULL };
    spawn_req req = { .argv = t, .out_mode = SPAWN_OUT_PIPE };
    for (int i = 0; i < PER_THREAD; i++) {
        spawn_result res;
        if (spawn_start(&req, &res) != 0) {
            spawned_pid[base + i] = -1;
            continue;
        }
        spawned_pid[base + i] = res.pid;
        /* the output pipe: watched, so closes of both kinds race with spawns */
        if (reaper_watch_output(rp, base + i, res.out_fd) != 0 || reaper_watch(rp, base + i, res.pidfd) != 0)
            spawned_pid[base + i] = -2;
    }
    return NULL;
}

static void test_threads(void)
{
    static char seen[THREADS * PER_THREAD], eof[THREADS * PER_THREAD];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, spawn_many, (void *)(intptr_t)i);
    int exits = 0, eofs = 0, bad = 0;
    for (int rounds = 0; rounds < 3000 && (exits < THREADS * PER_THREAD || eofs < THREADS * PER_THREAD); rounds++) {
        reaper_event ev[64];
        int n = reaper_wait(rp, 10, ev, 64);
        for (int i = 0; i < n; i++) {
            int tag = ev[i].tag;
            if (tag < 0 || tag >= THREADS * PER_THREAD) {
                bad++;
                continue;
            }
            if (ev[i].kind == REAPER_EXIT) {
                if (seen[tag] || ev[i].pid <= 0 || ev[i].code != 0)
                    bad++;
                seen[tag] = 1;
                exits++;
            } else {
                char buf[64];
                ssize_t r = read(ev[i].fd, buf, sizeof buf);
                if (r == 0) {
                    if (eof[tag])
                        bad++;
                    eof[tag] = 1;
                    eofs++;
                    reaper_close_output(rp, ev[i].fd);
                } else if (!(r < 0 && errno == EAGAIN)) {
                    bad++;
                }
            }
        }
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS * PER_THREAD; i++)
        if (spawned_pid[i] <= 0 || !seen[i])
            bad++;
    CHECK(exits == THREADS * PER_THREAD);
    CHECK(eofs == THREADS * PER_THREAD);
    CHECK(bad == 0);
    if (bad || exits != THREADS * PER_THREAD)
        fprintf(stderr, "threads: %d exits, %d eofs, %d bad\n", exits, eofs, bad);
    CHECK(our_zombies() == 0);
}

int main(int argc, char **argv)
{
    helper = argc > 1 ? argv[1] : "inflow-exec";
    int err = 0;
    rp = reaper_new(&err);
    CHECK(rp != NULL);
    if (!rp)
        return 1;
    test_exit_codes();
    test_killed_group();
    test_kill_on_exit();
    test_argv_bytes();
    test_no_inherited_fds();
    test_signals_reset();
    test_child_slice();
    test_cwd_env_stdin();
    test_errors();
    test_output_through_reaper();
    test_wake();
    test_helper();
    test_many();
    test_threads();
    reaper_free(rp);
    CHECK_DONE();
}
