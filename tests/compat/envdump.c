/* A direvent handler for side-by-side runs: appends one line to $HLOG with its cwd, argv, the
 * DIREVENT_* environment (in order) and which of the descriptors 0-31 are open. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    const char *log = getenv("HLOG");
    char cwd[4096];
    int open_fds[32];
    int n = 0;
    /* look before opening the log, so its descriptor is not counted */
    for (int i = 0; i < 32; i++)
        if (fcntl(i, F_GETFD) >= 0)
            open_fds[n++] = i;
    int fd = open(log ? log : "/dev/stderr", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return 3;
    FILE *f = fdopen(fd, "a");
    if (!f)
        return 3;
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, "?");
    fprintf(f, "cwd=%s argv:", cwd);
    for (int i = 0; i < argc; i++)
        fprintf(f, " <%s>", argv[i]);
    fprintf(f, " env:");
    for (char **e = environ; *e; e++)
        if (!strncmp(*e, "DIREVENT", 8) || !strncmp(*e, "ENVT_", 5))
            fprintf(f, " %s", *e);
    fprintf(f, " fds:");
    for (int i = 0; i < n; i++)
        fprintf(f, " %d", open_fds[i]);
    fprintf(f, "\n");
    fclose(f);
    return argc > 1 && !strcmp(argv[1], "fail") ? 7 : 0;
}
