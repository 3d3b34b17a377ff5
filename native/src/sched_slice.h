/* Short scheduler slices for the threads on the event → exec path. See sched_slice.c. */
#ifndef INFLOW_SCHED_SLICE_H
#define INFLOW_SCHED_SLICE_H

#include <sys/types.h>

/* What the latency-critical threads ask for: the kernel's smallest custom slice. */
#define SCHED_SLICE_SHORT_NS 100000ULL

/* Asks for a slice of ns for the calling thread. 0 when the kernel applied it; ENOTSUP when it
 * accepted the call but has no custom slices (before Linux 6.12), or the thread is not under the
 * fair scheduler (an administrator's real-time choice is left alone); else the errno. */
int sched_slice_request(unsigned long long ns);

/* After a spawn from this thread: gives the child the default slice back (it inherited ours and
 * keeps it across exec). Nothing when this thread has no custom slice. The child must not have
 * been reaped yet (its pid is ours until then). */
void sched_slice_reset_child(pid_t child);

#endif
