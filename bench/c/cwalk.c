/*
 * cwalk - minimal C baseline for recursive inotify watch set-up.
 *
 * Usage: cwalk [-m [-p]] DIR
 *
 * One inotify instance; a depth-first walk of DIR that, for every directory,
 * adds a watch by path (with the same mask a recursive monitor uses) and
 * then reads the directory with the raw getdents64 system call, descending
 * into entries whose d_type is DT_DIR (fstatat only for DT_UNKNOWN).
 * Symbolic links are never followed.  When every directory is watched it
 * prints the number of watches to stdout and "Watches established." to
 * stderr, then exits 0; with -m it stays alive like a monitor (reading and
 * discarding events) until it is killed; with -p as well it prints one line
 * per event ("WD MASK NAME", or "Q_OVERFLOW" when the kernel queue
 * overflowed), flushed after each read, the floor for bench/compare's drain.
 *
 * Exit status: 0 on success, 1 if DIR could not be watched or the watch
 * limit (fs.inotify.max_user_watches) was reached, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WATCH_MASK (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | \
		    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
		    IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB | \
		    IN_CLOSE_WRITE | IN_MODIFY)
#define DENTS_BUF 32768

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int ifd;
static char path[PATH_MAX];
static char **bufs;		/* one getdents64 buffer per depth */
static size_t nbufs;
static unsigned long nwatches, nskipped, nstats;

static char *depth_buf(size_t depth)
{
	if (depth >= nbufs) {
		size_t n = nbufs ? nbufs * 2 : 16;
		char **nb;

		while (n <= depth)
			n *= 2;
		nb = realloc(bufs, n * sizeof *bufs);
		if (!nb) {
			perror("cwalk: realloc");
			exit(1);
		}
		memset(nb + nbufs, 0, (n - nbufs) * sizeof *nb);
		bufs = nb;
		nbufs = n;
	}
	if (!bufs[depth]) {
		bufs[depth] = malloc(DENTS_BUF);
		if (!bufs[depth]) {
			perror("cwalk: malloc");
			exit(1);
		}
	}
	return bufs[depth];
}

/*
 * Watch the directory whose path is path[0..len) (NUL-terminated) and that
 * is reachable as NAME from PARENTFD, then everything below it.
 */
static void watch_tree(int parentfd, const char *name, size_t len, size_t depth)
{
	char *buf;
	int fd;

	if (inotify_add_watch(ifd, path, WATCH_MASK) < 0) {
		if (errno == ENOSPC) {
			fprintf(stderr,
				"cwalk: inotify_add_watch %s: %s (raise fs.inotify.max_user_watches)\n",
				path, strerror(errno));
			exit(1);
		}
		if (depth == 0) {
			fprintf(stderr, "cwalk: inotify_add_watch %s: %s\n",
				path, strerror(errno));
			exit(1);
		}
		/* vanished, replaced by a non-directory, no permission... */
		nskipped++;
		return;
	}
	nwatches++;

	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (depth == 0) {
			fprintf(stderr, "cwalk: open %s: %s\n", path, strerror(errno));
			exit(1);
		}
		nskipped++;
		return;
	}

	buf = depth_buf(depth);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, DENTS_BUF);
		long off;

		if (n < 0) {
			fprintf(stderr, "cwalk: getdents64 %s: %s\n", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		for (off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			const char *nm = d->d_name;
			unsigned char type = d->d_type;
			size_t nl, sep;

			off += d->d_reclen;
			if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
				continue;
			if (type == DT_UNKNOWN) {
				struct stat st;

				nstats++;
				if (fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode))
					type = DT_DIR;
			}
			if (type != DT_DIR)
				continue;
			nl = strlen(nm);
			sep = path[len - 1] != '/';
			if (len + sep + nl >= sizeof path) {
				nskipped++;	/* too long to watch by path */
				continue;
			}
			if (sep)
				path[len] = '/';
			memcpy(path + len + sep, nm, nl + 1);
			watch_tree(fd, nm, len + sep + nl, depth + 1);
			path[len] = '\0';
		}
	}
	close(fd);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The whole buffer as lines: what a minimal consumer that hands events on does. */
static void print_events(const char *buf, ssize_t n)
{
	const char *p = buf;

	while (p < buf + n) {
		const struct inotify_event *ev = (const void *)p;

		if (ev->mask & IN_Q_OVERFLOW)
			fputs("Q_OVERFLOW\n", stdout);
		else
			printf("%d %x %s\n", ev->wd, ev->mask, ev->len ? ev->name : "");
		p += sizeof *ev + ev->len;
	}
	fflush(stdout);
}

static void monitor(int print)
{
	static char evbuf[65536]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd = { .fd = ifd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("cwalk: poll");
			exit(1);
		}
		while ((n = read(ifd, evbuf, sizeof evbuf)) > 0)
			if (print)
				print_events(evbuf, n);
	}
}

int main(int argc, char **argv)
{
	int opt, keep = 0, print = 0;
	size_t len;

	while ((opt = getopt(argc, argv, "mp")) != -1) {
		if (opt == 'm')
			keep = 1;
		else if (opt == 'p')
			print = 1;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;

	len = strlen(argv[optind]);
	if (len == 0 || len >= sizeof path) {
		fprintf(stderr, "cwalk: bad DIR\n");
		return 2;
	}
	memcpy(path, argv[optind], len + 1);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';

	raise_fd_limit();
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0) {
		perror("cwalk: inotify_init1");
		return 1;
	}

	watch_tree(AT_FDCWD, path, len, 0);

	printf("cwalk: %lu watches, %lu skipped, %lu stat calls\n",
	       nwatches, nskipped, nstats);
	fflush(stdout);
	fputs("Watches established.\n", stderr);
	if (keep)
		monitor(print);
	return 0;

usage:
	fprintf(stderr, "usage: cwalk [-m [-p]] DIR\n");
	return 2;
}
