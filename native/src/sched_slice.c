/* EEVDF (Linux 6.12+) lets a SCHED_OTHER thread ask for a shorter slice through sched_attr's
 * sched_runtime, no privilege needed. A woken thread with a short slice gets an early deadline,
 * so it preempts a task that is running out a default slice instead of queueing behind it. On
 * two vCPUs that task is usually the child we just started: posix_spawn's thread, woken when the
 * child execs, used to wait most of the child's 0.3-0.6 ms start-up before it could go on. The
 * weight, and so the CPU share, does not change. Children must not inherit it: reset-on-fork
 * does not clear a custom slice, and exec keeps it, so the spawner resets each child. */
#include "sched_slice.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1); glibc before 2.41 has no wrapper. */
struct kernel_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

#define FLAG_RESET_ON_FORK 0x01ULL

static __thread int has_short_slice;

static int get_attr(pid_t tid, struct kernel_sched_attr *a)
{
    memset(a, 0, sizeof *a);
    return syscall(SYS_sched_getattr, tid, a, sizeof *a, 0) == 0 ? 0 : errno;
}

/* Sets a's policy and nice again with this runtime; the other flags (utilisation clamps) are
 * not ours to touch, so only reset-on-fork is carried over. */
static int set_runtime(pid_t tid, struct kernel_sched_attr *a, unsigned long long ns)
{
    a->size = sizeof *a;
    a->sched_flags &= FLAG_RESET_ON_FORK;
    a->sched_runtime = ns;
    return syscall(SYS_sched_setattr, tid, a, 0) == 0 ? 0 : errno;
}

int sched_slice_request(unsigned long long ns)
{
    struct kernel_sched_attr a;
    int err = get_attr(0, &a);
    if (err)
        return err;
    if (a.sched_policy != SCHED_OTHER && a.sched_policy != SCHED_BATCH)
        return ENOTSUP;
    err = set_runtime(0, &a, ns);
    if (err)
        return err;
    /* Older kernels take sched_runtime for a fair thread without a word and ignore it. */
    if (get_attr(0, &a) != 0 || a.sched_runtime == 0)
        return ENOTSUP;
    has_short_slice = 1;
    return 0;
}

void sched_slice_reset_child(pid_t child)
{
    if (!has_short_slice)
        return;
    struct kernel_sched_attr a;
    /* The child has our policy and nice; only the slice goes back to the default. Failure is
     * left alone: a child that ended needs nothing, and one already running a set-user-ID
     * program (we may lack the right then) keeps the short slice, which changes when it is
     * preempted, not its share of the CPU. */
    if (get_attr(0, &a) == 0 && (a.sched_policy == SCHED_OTHER || a.sched_policy == SCHED_BATCH))
        set_runtime(child, &a, 0);
}
