/* Scratch directories for the C unit tests. */
#ifndef INFLOW_SCRATCH_H
#define INFLOW_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

/* Makes NAME-XXXXXX under $TMPDIR (else /tmp) with mkdtemp; returns buf, or NULL on failure. */
static inline char *scratch_dir(char *buf, size_t size, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(buf, size, "%s/%s-XXXXXX", tmp, name);
    if (n < 0 || (size_t)n >= size)
        return NULL;
    return mkdtemp(buf);
}

#endif
