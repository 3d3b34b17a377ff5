package org.inflow.kernel;

/** Mirrors native/src/abi.h: the record layout of a batch and the version both sides agree on. */
public final class Abi {
    /** Must equal INFLOW_ABI_VERSION of the loaded library. */
    public static final int VERSION = 6;

    public static final int REC_HEADER = 28;

    public static final int KIND_EVENT = 1;
    public static final int KIND_OVERFLOW = 2;
    public static final int KIND_READY = 3;
    public static final int KIND_WARNING = 4;
    public static final int KIND_ROOT_WAITING = 5;
    public static final int KIND_ROOT_ARMED = 6;
    public static final int KIND_RESCAN_BEGIN = 7;
    public static final int KIND_RESCAN_END = 8;
    public static final int KIND_ROOT_GONE = 9;
    public static final int KIND_ROOT_MISSING = 10;

    public static final int F_SYNTHETIC = 1;
    public static final int F_RESCAN = 2;
    public static final int F_INTERNAL = 4;
    public static final int F_FILE = 8;

    public static final int ROOT_EXCLUDE_ICASE = 1;
    public static final int ROOT_INCLUDE_ICASE = 2;
    public static final int ROOT_WAIT_MISSING = 4;
    public static final int ROOT_NOFOLLOW = 8;

    public static final int SINK_OK = 0;
    public static final int SINK_FULL = 1;

    private Abi() {
    }
}
