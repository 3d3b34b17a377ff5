/* posix_spawn into a new process group, with a pidfd for the reaper. See spawn.h. */
#include "spawner.h"
#include "sched_slice.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

extern char **environ;

/* Immutable after the first spawn: shared by every call (posix_spawn only reads it). */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static posix_spawnattr_t attr;
static int attr_err;
static int devnull = -1; /* O_RDWR, close-on-exec, >= 3; -1: open it in each child instead */
/* The file actions of the requests without pipes or cwd, [in_mode][out_mode] for NULL/INHERIT,
 * built once: glibc checks each fd of each action with a getrlimit call, 7 syscalls per spawn. */
static posix_spawn_file_actions_t shared_fa[2][2];
static int shared_fa_ok[2][2];

static int move_above_stdio(int fd)
{
    if (fd > 2)
        return fd;
    int up = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int err = errno;
    close(fd);
    errno = err;
    return up;
}

/* /dev/null on target, or target closed (close_unused: a tool whose children had them closed). */
static int stdio_from_null(posix_spawn_file_actions_t *fa, int target, int close_unused)
{
    if (close_unused)
        return posix_spawn_file_actions_addclose(fa, target);
    if (devnull >= 0)
        return posix_spawn_file_actions_adddup2(fa, devnull, target);
    return posix_spawn_file_actions_addopen(fa, target, "/dev/null", O_RDWR, 0);
}

/* stdin from /dev/null, inherited or in_fd; stdout+stderr to /dev/null, inherited or out_fd
 * (stderr apart when err_mode says so: /dev/null or err_fd), each /dev/null closed instead with
 * close_unused; then cwd; then every fd above 2 closed. On failure fa is destroyed. */
static int build_actions(posix_spawn_file_actions_t *fa, int in_mode, int out_mode, int err_mode, int in_fd,
                         int out_fd, int err_fd, const char *cwd, int close_unused)
{
    int with_out = err_mode == SPAWN_ERR_WITH_OUT;
    int rc = posix_spawn_file_actions_init(fa);
    if (rc)
        return rc;
    if (in_mode == SPAWN_IN_NULL)
        rc = stdio_from_null(fa, 0, close_unused);
    else if (in_mode == SPAWN_IN_PIPE)
        rc = posix_spawn_file_actions_adddup2(fa, in_fd, 0);
    if (!rc && out_mode == SPAWN_OUT_NULL) {
        rc = stdio_from_null(fa, 1, close_unused);
        if (!rc && with_out)
            rc = stdio_from_null(fa, 2, close_unused);
    } else if (!rc && out_mode == SPAWN_OUT_PIPE) {
        rc = posix_spawn_file_actions_adddup2(fa, out_fd, 1);
        if (!rc && with_out)
            rc = posix_spawn_file_actions_adddup2(fa, out_fd, 2);
    }
    if (!rc && err_mode == SPAWN_ERR_NULL)
        rc = stdio_from_null(fa, 2, close_unused);
    else if (!rc && err_mode == SPAWN_ERR_PIPE)
        rc = posix_spawn_file_actions_adddup2(fa, err_fd, 2);
    if (!rc && cwd)
        rc = posix_spawn_file_actions_addchdir_np(fa, cwd);
    if (!rc)
        rc = posix_spawn_file_actions_addclosefrom_np(fa, 3);
    if (rc)
        posix_spawn_file_actions_destroy(fa);
    return rc;
}

static void init_once(void)
{
    sigset_t none, all;
    sigemptyset(&none);
    /* Every catchable signal back to SIG_DFL: the JVM's handlers and ignores stay with the JVM.
     * Not sigfillset: it leaves out glibc's internal signals 32 and 33, which glibc's spawn then
     * sets to SIG_IGN in the child, and an ignored signal stays ignored across exec. */
    memset(&all, 0xff, sizeof all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    int rc = posix_spawnattr_init(&attr);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                                 | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0)
        rc = posix_spawnattr_setpgroup(&attr, 0);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&attr, &all);
    attr_err = rc;
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0)
        devnull = move_above_stdio(fd);
    for (int in = 0; in < 2; in++)
        for (int out = 0; out < 2; out++)
            shared_fa_ok[in][out] = build_actions(&shared_fa[in][out], in, out, SPAWN_ERR_WITH_OUT, -1, -1, -1, NULL, 0) == 0;
}

/* A close-on-exec pipe whose both ends are above 2 (so a dup2 onto 0..2 never hits itself). */
static int make_pipe(int p[2])
{
    if (pipe2(p, O_CLOEXEC) != 0)
        return errno;
    p[0] = move_above_stdio(p[0]);
    p[1] = move_above_stdio(p[1]);
    if (p[0] < 0 || p[1] < 0) {
        int err = errno;
        if (p[0] >= 0)
            close(p[0]);
        if (p[1] >= 0)
            close(p[1]);
        return err;
    }
    return 0;
}

/* argv for the helper: HELPER UID GID GROUPS... -- argv... (one allocation; free() it). */
static char **helper_argv(const spawn_req *req)
{
    size_t n = 0;
    while (req->argv[n])
        n++;
    size_t slots = 4 + req->ngroups + n + 1;
    size_t numbers = (2 + req->ngroups) * 12;
    char **v = malloc(slots * sizeof *v + numbers);
    if (!v)
        return NULL;
    char *text = (char *)(v + slots);
    size_t i = 0;
    v[i++] = (char *)req->helper;
    v[i++] = text;
    text += sprintf(text, "%u", (unsigned)req->uid) + 1;
    v[i++] = text;
    text += sprintf(text, "%u", (unsigned)req->gid) + 1;
    for (size_t g = 0; g < req->ngroups; g++) {
        v[i++] = text;
        text += sprintf(text, "%u", (unsigned)req->groups[g]) + 1;
    }
    v[i++] = "--";
    for (size_t a = 0; a < n; a++)
        v[i++] = req->argv[a];
    v[i] = NULL;
    return v;
}

int spawn_start(const spawn_req *req, spawn_result *res)
{
    res->pid = -1;
    res->pidfd = res->in_fd = res->out_fd = res->err_fd = -1;
    if (!req->argv || !req->argv[0])
        return EINVAL;
    pthread_once(&once, init_once);
    if (attr_err)
        return attr_err;

    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
    char **hv = NULL;
    int rc = 0;
    if (req->in_mode == SPAWN_IN_PIPE)
        rc = make_pipe(in);
    if (!rc && req->out_mode == SPAWN_OUT_PIPE)
        rc = make_pipe(out);
    if (!rc && req->err_mode == SPAWN_ERR_PIPE)
        rc = make_pipe(err);
    posix_spawn_file_actions_t own, *fa = &own;
    int simple = req->in_mode != SPAWN_IN_PIPE && req->out_mode != SPAWN_OUT_PIPE && !req->cwd && !req->close_unused
                 && req->err_mode == SPAWN_ERR_WITH_OUT && (unsigned)req->in_mode < 2 && (unsigned)req->out_mode < 2;
    if (!rc && simple && shared_fa_ok[req->in_mode][req->out_mode]) {
        fa = &shared_fa[req->in_mode][req->out_mode];
    } else if (!rc) {
        rc = build_actions(&own, req->in_mode, req->out_mode, req->err_mode, in[0], out[1], err[1], req->cwd,
                           req->close_unused);
    }
    if (rc) {
        for (int i = 0; i < 2; i++) {
            if (in[i] >= 0)
                close(in[i]);
            if (out[i] >= 0)
                close(out[i]);
            if (err[i] >= 0)
                close(err[i]);
        }
        return rc;
    }

    char *const *envp = req->envp ? req->envp : environ;
    pid_t pid = -1;
    if (!rc) {
        if (req->helper) {
            hv = helper_argv(req);
            rc = hv ? posix_spawn(&pid, req->helper, fa, &attr, hv, envp) : ENOMEM;
        } else if (strchr(req->argv[0], '/')) {
            rc = posix_spawn(&pid, req->argv[0], fa, &attr, req->argv, envp);
        } else {
            rc = posix_spawnp(&pid, req->argv[0], fa, &attr, req->argv, envp);
        }
    }
    if (fa == &own)
        posix_spawn_file_actions_destroy(&own);
    free(hv);
    /* The child's ends are the child's now (or nobody's). */
    if (in[0] >= 0)
        close(in[0]);
    if (out[1] >= 0)
        close(out[1]);
    if (err[1] >= 0)
        close(err[1]);
    if (!rc) {
        sched_slice_reset_child(pid);
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0) {
            /* Without a pidfd nobody would reap it: end it here (our own child, still unreaped). */
            rc = errno;
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        } else {
            res->pid = pid;
            res->pidfd = fd;
            res->in_fd = in[1];
            res->out_fd = out[0];
            res->err_fd = err[0];
            return 0;
        }
    }
    if (in[1] >= 0)
        close(in[1]);
    if (out[0] >= 0)
        close(out[0]);
    if (err[0] >= 0)
        close(err[0]);
    return rc;
}

int spawn_bench_loop(const char *path, int n)
{
    /* stdin, stdout and stderr on /dev/null, as the spawner and the ProcessBuilder it is compared
     * with have them: the baseline does the same work, no less (dup2 of one fd opened once). */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        return errno;
    null = move_above_stdio(null);
    if (null < 0)
        return errno;
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc) {
        close(null);
        return rc;
    }
    for (int fd = 0; !rc && fd < 3; fd++)
        rc = posix_spawn_file_actions_adddup2(&fa, null, fd);
    char *argv[] = { (char *)path, NULL };
    for (int i = 0; !rc && i < n; i++) {
        pid_t pid;
        rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
        while (!rc && waitpid(pid, NULL, 0) < 0)
            if (errno != EINTR)
                rc = errno;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(null);
    return rc;
}
