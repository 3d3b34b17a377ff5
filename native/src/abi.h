/* The contract between libinflow and org.inflow.kernel: record layout and ABI version.
 * Java mirrors these numbers in org.inflow.kernel.Abi; bump INFLOW_ABI_VERSION on any change. */
#ifndef INFLOW_ABI_H
#define INFLOW_ABI_H

#define INFLOW_ABI_VERSION 6

/* A batch is a run of records, each 4-byte aligned:
 *   u32 size (whole record, padded)  u16 kind  u16 flags
 *   u32 mask  u32 cookie  i32 root  u32 dir_len  u32 name_len
 *   dir bytes (no trailing slash)  name bytes  zero padding */
#define INFLOW_REC_HEADER 28

enum inflow_kind {
    INFLOW_EVENT = 1,        /* a file event: mask holds IN_* bits */
    INFLOW_OVERFLOW = 2,     /* events were lost (kernel queue or ring); a rescan follows */
    INFLOW_READY = 3,        /* the root's initial crawl is complete (dir = root path) */
    INFLOW_WARNING = 4,      /* name holds a human-readable message about dir */
    INFLOW_ROOT_WAITING = 5, /* root missing; watched for from dir (nearest ancestor) */
    INFLOW_ROOT_ARMED = 6,   /* root appeared (again) and is watched */
    INFLOW_RESCAN_BEGIN = 7, /* reconciliation of the root starts: RESCAN-flagged events list what exists */
    INFLOW_RESCAN_END = 8,
    INFLOW_ROOT_GONE = 9,    /* root deleted, moved or unmounted */
    INFLOW_ROOT_MISSING = 10 /* root cannot be watched at all (name: the reason) */
};

enum inflow_flags {
    INFLOW_F_SYNTHETIC = 1,  /* made by listing a new directory, not reported by the kernel */
    INFLOW_F_RESCAN = 2,     /* made by a reconciliation rescan after an overflow */
    INFLOW_F_INTERNAL = 4,   /* the overflow was our own ring, not the kernel queue */
    INFLOW_F_FILE = 8        /* on READY: the root is a single file, not a directory */
};

/* Root options (bit flags passed to inflow_engine_add_root). */
enum inflow_root_opts {
    INFLOW_ROOT_EXCLUDE_ICASE = 1,
    INFLOW_ROOT_INCLUDE_ICASE = 2,
    INFLOW_ROOT_WAIT_MISSING = 4, /* a missing root is watched for instead of failing */
    INFLOW_ROOT_NOFOLLOW = 8      /* a root that is a symlink is watched as the link itself */
};

/* Values the Java sink returns from its batch upcall. */
#define INFLOW_SINK_OK 0
#define INFLOW_SINK_FULL 1

#endif
