/* One epoll set of pidfds and capture pipes. See reaper.h. */
#include "reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct reaper {
    int ep;
    int wake;
};

/* epoll data: fd in bits 0..31, the caller's tag in 32..61, bit 62 a capture pipe, bit 63
 * kill-on-exit. */
#define TAG_OUTPUT (UINT64_C(1) << 62)
#define TAG_KILL (UINT64_C(1) << 63)
#define TAG_WAKE UINT64_MAX

static uint64_t pack(int tag, int fd, uint64_t flags)
{
    return (uint64_t)(uint32_t)fd | ((uint64_t)(uint32_t)tag & REAPER_TAG_MAX) << 32 | flags;
}

static int tag_of(uint64_t data)
{
    return (int)((data >> 32) & REAPER_TAG_MAX);
}

reaper *reaper_new(int *err)
{
    reaper *r = calloc(1, sizeof *r);
    if (!r) {
        *err = ENOMEM;
        return NULL;
    }
    r->ep = epoll_create1(EPOLL_CLOEXEC);
    r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_WAKE };
    if (r->ep < 0 || r->wake < 0 || epoll_ctl(r->ep, EPOLL_CTL_ADD, r->wake, &ev) != 0) {
        *err = errno;
        reaper_free(r);
        return NULL;
    }
    return r;
}

void reaper_free(reaper *r)
{
    if (!r)
        return;
    if (r->ep >= 0)
        close(r->ep);
    if (r->wake >= 0)
        close(r->wake);
    free(r);
}

int reaper_watch(reaper *r, int tag, int pidfd)
{
    if (tag < 0 || tag > REAPER_TAG_MAX)
        return EINVAL;
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = pack(tag, pidfd, 0) };
    return epoll_ctl(r->ep, EPOLL_CTL_ADD, pidfd, &ev) == 0 ? 0 : errno;
}

int reaper_kill_on_exit(reaper *r, int tag, int pidfd)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = pack(tag, pidfd, TAG_KILL) };
    return epoll_ctl(r->ep, EPOLL_CTL_MOD, pidfd, &ev) == 0 ? 0 : errno;
}

int reaper_watch_output(reaper *r, int tag, int fd)
{
    if (tag < 0 || tag > REAPER_TAG_MAX)
        return EINVAL;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return errno;
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = pack(tag, fd, TAG_OUTPUT) };
    return epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

static int wait_pidfd(int fd, siginfo_t *info, int flags)
{
    int rc;
    memset(info, 0, sizeof *info);
    while ((rc = waitid((idtype_t)P_PIDFD, (id_t)fd, info, WEXITED | WNOHANG | flags)) < 0 && errno == EINTR)
        ;
    return rc;
}

/* Leaves the set, then closes. Never close alone: a posix_spawn on another thread holds a copy of
 * our fd table until its child execs, and while a copy of the file lives, the registration lives
 * on too and would be reported again under an fd number that now names something else. */
static int forget(reaper *r, int fd)
{
    epoll_ctl(r->ep, EPOLL_CTL_DEL, fd, NULL);
    return close(fd) == 0 ? 0 : errno;
}

/* Reaps one ready pidfd into *out; 0 when the child has not ended after all (nothing to report). */
static int reap(reaper *r, uint64_t data, reaper_event *out)
{
    int fd = (int)(uint32_t)data;
    siginfo_t info;
    if (data & TAG_KILL) {
        /* Peek without reaping: while the leader is a zombie its pid still holds the group id. */
        if (wait_pidfd(fd, &info, WNOWAIT) == 0 && info.si_pid > 0)
            reaper_signal_group(info.si_pid, -1, SIGKILL);
    }
    int rc = wait_pidfd(fd, &info, 0);
    if (rc == 0 && info.si_pid == 0)
        return 0; /* readable but not ended yet: stays watched */
    memset(out, 0, sizeof *out);
    out->kind = REAPER_EXIT;
    out->tag = tag_of(data);
    out->fd = fd;
    out->code = -1;
    if (rc == 0) {
        out->pid = info.si_pid;
        if (info.si_code == CLD_EXITED) {
            out->code = info.si_status;
        } else {
            out->sig = info.si_status;
            out->core = info.si_code == CLD_DUMPED;
        }
    }
    /* rc < 0 (ECHILD: someone else reaped it): the status is lost, pid 0, code -1, sig 0 say so. */
    forget(r, fd);
    return 1;
}

int reaper_wait(reaper *r, int timeout_ms, reaper_event *out, int cap)
{
    struct epoll_event evs[64];
    if (cap > 64)
        cap = 64;
    if (cap <= 0)
        return -EINVAL;
    int n = epoll_wait(r->ep, evs, cap, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    int k = 0;
    for (int i = 0; i < n; i++) {
        uint64_t d = evs[i].data.u64;
        if (d == TAG_WAKE) {
            uint64_t v;
            if (read(r->wake, &v, sizeof v) < 0) {
                /* EAGAIN: another wait consumed it; nothing else can fail on an eventfd read */
            }
        } else if (d & TAG_OUTPUT) {
            memset(&out[k], 0, sizeof out[k]);
            out[k].kind = REAPER_OUTPUT;
            out[k].tag = tag_of(d);
            out[k].fd = (int)(uint32_t)d;
            k++;
        } else {
            k += reap(r, d, &out[k]);
        }
    }
    return k;
}

int reaper_close_output(reaper *r, int fd)
{
    return forget(r, fd);
}

void reaper_wake(reaper *r)
{
    uint64_t one = 1;
    if (write(r->wake, &one, sizeof one) < 0) {
        /* EAGAIN: the counter is saturated, so a wake-up is pending anyway */
    }
}

int reaper_signal_group(pid_t pgid, int pidfd, int sig)
{
    if (pgid <= 1)
        return EINVAL; /* kill(-1) or kill(0) would reach far more than one child's group */
    int err = kill(-pgid, sig) == 0 ? 0 : errno;
    if (pidfd >= 0 && getpgid(pgid) != pgid && syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
        err = 0;
    return err;
}
