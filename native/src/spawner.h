/* The spawner (spawn.c): posix_spawn of an argv (never a shell unless argv names one) into a new
 * process group, with the signal mask and dispositions reset, no inherited fd above 2, an optional
 * cwd and environment, stdio from /dev/null, inherited or a pipe, and a pidfd for the reaper.
 * Running as another user goes through the exec helper (exec_helper.c): the spawned program is
 * then `HELPER UID GID GROUPS... -- argv...`, and credentials change only in that single-threaded
 * process, never in a child that shares our memory.
 * (Named spawner.h: a spawn.h here would shadow the system <spawn.h>.) */
#ifndef INFLOW_SPAWN_H
#define INFLOW_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* stdin */
enum spawn_in { SPAWN_IN_NULL = 0, SPAWN_IN_INHERIT = 1, SPAWN_IN_PIPE = 2 };
/* stdout + stderr (one pipe for both, in write order) */
enum spawn_out { SPAWN_OUT_NULL = 0, SPAWN_OUT_INHERIT = 1, SPAWN_OUT_PIPE = 2 };
/* stderr on its own (then out_mode is for stdout only): for tools that log the two apart */
enum spawn_err { SPAWN_ERR_WITH_OUT = 0, SPAWN_ERR_NULL = 1, SPAWN_ERR_PIPE = 2 };

typedef struct spawn_req {
    char *const *argv;       /* NULL-terminated, argv[0] is the program (PATH is searched without '/') */
    char *const *envp;       /* NULL-terminated "NAME=value"; NULL: our own environment */
    const char *cwd;         /* NULL: ours */
    int in_mode;             /* enum spawn_in */
    int out_mode;            /* enum spawn_out */
    int err_mode;            /* enum spawn_err (0: stderr goes where stdout goes) */
    int close_unused;        /* 1: what would be /dev/null among fds 0-2 is closed instead */
    const char *helper;      /* non-NULL: run argv as uid/gid/groups through this exec helper */
    uid_t uid;
    gid_t gid;
    const gid_t *groups;     /* supplementary groups, ngroups of them (may be 0) */
    size_t ngroups;
} spawn_req;

typedef struct spawn_result {
    pid_t pid;      /* also the process group id */
    int pidfd;      /* close-on-exec; hand it to the reaper */
    int in_fd;      /* SPAWN_IN_PIPE: write end of the child's stdin, else -1 */
    int out_fd;     /* SPAWN_OUT_PIPE: read end of the child's stdout+stderr, else -1 */
    int err_fd;     /* SPAWN_ERR_PIPE: read end of the child's stderr, else -1 */
} spawn_result;

/* Starts the child. Returns 0, or an errno value (ENOENT, EACCES, ... from the exec as well:
 * glibc reports a failed exec synchronously), with nothing left open and no child left over. */
int spawn_start(const spawn_req *req, spawn_result *res);

/* The benchmark baseline: n times posix_spawn(path) with default attributes and stdio on
 * /dev/null, then waitpid.
 * Returns 0 or an errno value. */
int spawn_bench_loop(const char *path, int n);

#endif
