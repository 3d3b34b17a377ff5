/* The reaper: one epoll set of pidfds (children to reap) and capture pipes (output to read), plus
 * an eventfd to wake its single waiting thread. It waits only for the children it was given:
 * no waitpid(-1), no SIGCHLD handler. */
#ifndef INFLOW_REAPER_H
#define INFLOW_REAPER_H

#include <sys/types.h>

typedef struct reaper reaper;

enum reaper_kind {
    REAPER_EXIT = 1,   /* a child ended and is reaped; its pidfd is closed */
    REAPER_OUTPUT = 2  /* a capture pipe is readable (data or end of file): read it; at EOF reaper_close_output */
};

typedef struct reaper_event {
    int kind;  /* enum reaper_kind */
    int tag;   /* the caller's tag given to reaper_watch / reaper_watch_output */
    pid_t pid; /* EXIT: the child's pid (0 if its status was lost) */
    int fd;    /* OUTPUT: the pipe's read end; EXIT: the pidfd, already closed */
    int code;  /* EXIT: exit status 0..255; -1 when a signal ended it or the status was lost */
    int sig;   /* EXIT: the signal that ended it, else 0 */
    int core;  /* EXIT: 1 when it dumped core */
} reaper_event;

reaper *reaper_new(int *err);
/* Closes the epoll set and the eventfd; pidfds and pipes still watched stay open (the caller's). */
void reaper_free(reaper *r);

/* Tags: 0 .. REAPER_TAG_MAX, chosen by the caller and reported with each event. A tag is how the
 * caller finds its child again: unlike a pid or an fd number, it is not reused behind its back
 * once the child is reaped and the pidfd closed. */
#define REAPER_TAG_MAX 0x3fffffff

/* Watches a child's pidfd (from spawn_start); reaper_wait reaps the child and closes the pidfd. */
int reaper_watch(reaper *r, int tag, int pidfd);
/* Marks a watched child: when it ends, its process group gets SIGKILL before the child is reaped
 * (a timed-out run: what is left of its group ends with it, while the group id is still ours). */
int reaper_kill_on_exit(reaper *r, int tag, int pidfd);
/* Watches a capture pipe (made non-blocking). The caller reads it, and at EOF closes it with
 * reaper_close_output (not close(): see reaper.c). */
int reaper_watch_output(reaper *r, int tag, int fd);
/* Removes a capture pipe from the set and closes it. Returns 0 or an errno value. */
int reaper_close_output(reaper *r, int fd);

/* Waits up to timeout_ms (-1: no limit) for ended children and readable pipes and returns how
 * many events it wrote to out (0: timeout, wake-up or signal), or -errno. */
int reaper_wait(reaper *r, int timeout_ms, reaper_event *out, int cap);
/* Makes a pending or the next reaper_wait return at once (from any thread). */
void reaper_wake(reaper *r);

/* kill(-pgid, sig), and the leader through its pidfd too when it left that group (setsid).
 * Only while the leader is unreaped: its pid keeps the group id from being reused.
 * Returns 0 or an errno value (ESRCH: nobody left). Refuses pgid <= 1. */
int reaper_signal_group(pid_t pgid, int pidfd, int sig);

#endif
