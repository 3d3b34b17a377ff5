/* Reading a directory with getdents64: entry names and types, "." and ".." skipped, a stat only
 * when the filesystem does not give the type (DT_UNKNOWN), symlinks never followed. */
#ifndef INFLOW_DIRENTS_H
#define INFLOW_DIRENTS_H

#include <stddef.h>

typedef struct dir_reader {
    int fd;
    long len, off;
    char buf[32768] __attribute__((aligned(8)));
} dir_reader;

void dir_reader_init(dir_reader *d, int fd);

/* The next entry: 1 with name (NUL-terminated), its length and its DT_* type; 0 at the end
 * (or on a read error, which ends the listing like the end does). */
int dir_next(dir_reader *d, const char **name, size_t *len, int *type);

#endif
