#include "dirents.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

void dir_reader_init(dir_reader *d, int fd)
{
    d->fd = fd;
    d->len = d->off = 0;
}

int dir_next(dir_reader *d, const char **name, size_t *len, int *type)
{
    for (;;) {
        if (d->off >= d->len) {
            d->len = syscall(SYS_getdents64, d->fd, d->buf, sizeof d->buf);
            d->off = 0;
            if (d->len <= 0)
                return 0;
        }
        struct linux_dirent64 *e = (struct linux_dirent64 *)(d->buf + d->off);
        d->off += e->d_reclen;
        const char *n = e->d_name;
        if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0)))
            continue;
        int t = e->d_type;
        if (t == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(d->fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; /* gone meanwhile */
            t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
        }
        *name = n;
        *len = strlen(n);
        *type = t;
        return 1;
    }
}
