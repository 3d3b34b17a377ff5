/*
 * gentree - deterministic directory tree generator for the watch set-up
 * benchmark (bench/compare/watch-setup).
 *
 * Usage: gentree [-F FANOUT] [-m] DIR NDIRS FILES_PER_DIR
 *
 * The tree holds exactly NDIRS directories, DIR itself included: DIR is
 * directory number 0 and directories 1 .. NDIRS-1 are created below it in
 * breadth-first order with a fan-out of FANOUT (default 10), so the depth is
 * about log_FANOUT(NDIRS): -F 2 gives deep narrow trees, -F 1000 flat ones.
 * Directory i (i >= 1) is child k = (i-1) % FANOUT of directory
 * (i-1) / FANOUT, so a recursive watcher of DIR places exactly NDIRS watches.
 * Every directory, DIR included, gets FILES_PER_DIR empty regular files.
 *
 * Names: child k is "d<k>", file k is "f<k>".  With -m (mixed names) one
 * name in four of each kind has spaces, one Latin-1 letters in UTF-8 and one
 * CJK letters, so the tools are measured on names that need quoting and
 * multi-byte decoding, as in real trees.  The name depends only on k, so the
 * tree is the same on every run.
 *
 * When it is done, gentree writes DIR/.gentree-done recording the
 * parameters (one extra regular file in DIR).  A later run with the same
 * parameters finds it and returns at once, so reruns reuse the tree.  A run
 * without the marker (e.g. after an interrupted one) completes the tree in
 * place: existing entries are kept.  A marker with other parameters is an
 * error: remove DIR or pick another one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_FANOUT 10UL
#define MAX_FANOUT 100000UL
#define MARKER ".gentree-done"
#define MARKER_TMP ".gentree-done.tmp"
#define MAX_NDIRS 100000000UL
#define MAX_FILES 1000000UL

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("gentree: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (e)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(1);
}

static unsigned long parse_ulong(const char *s, const char *what,
				 unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "gentree: bad %s '%s' (want %lu..%lu)\n",
			what, s, min, max);
		exit(2);
	}
	return v;
}

/* mkdir -p */
static void mkdir_p(const char *dir)
{
	char *p = strdup(dir), *s;

	if (!p)
		die("out of memory");
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		die("mkdir %s", p);
	free(p);
}

static unsigned long fanout = DEFAULT_FANOUT;
static int mixed;

/* Name of child or file K: KIND is 'd' or 'f'. */
static void entry_name(char kind, unsigned long k, char *buf, size_t cap)
{
	/* Spaces at both ends too: a tool that trims or splits on blanks shows it. */
	static const char *const fmt[4] = {
		"%c%lu", "%c %lu with spaces ", "%c%lu-\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa9",
		"%c%lu-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	};

	snprintf(buf, cap, fmt[mixed ? k % 4 : 0], kind, k);
}

/* Path of directory i relative to the root: "." or "d3/d0/d7". */
static void relpath(unsigned long i, char *buf, size_t cap)
{
	unsigned long comp[64];
	char name[64];
	int n = 0;
	size_t len = 0;

	if (i == 0) {
		snprintf(buf, cap, ".");
		return;
	}
	while (i > 0) {
		comp[n++] = (i - 1) % fanout;
		i = (i - 1) / fanout;
	}
	while (n-- > 0) {
		entry_name('d', comp[n], name, sizeof name);
		len += (size_t)snprintf(buf + len, cap - len, "%s%s",
					len ? "/" : "", name);
		if (len >= cap)
			die("path of directory too long (lower NDIRS or raise -F)");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir;
	unsigned long ndirs, nfiles, p, f, k;
	unsigned long made_dirs = 0, made_files = 0;
	char want[160], have[160], rel[4096], name[64];
	int rootfd, fd, opt;
	unsigned long depth = 0, span;
	ssize_t n;
	double t0;

	while ((opt = getopt(argc, argv, "+F:m")) != -1) {
		switch (opt) {
		case 'F':
			fanout = parse_ulong(optarg, "FANOUT", 1, MAX_FANOUT);
			break;
		case 'm':
			mixed = 1;
			break;
		default:
			argc = 0;
			break;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr,
			"usage: gentree [-F FANOUT] [-m] DIR NDIRS FILES_PER_DIR\n"
			"  NDIRS counts DIR itself (directory 0); breadth-first, fan-out\n"
			"  FANOUT (default 10); -m: mixed names (spaces, UTF-8).\n");
		return 2;
	}
	dir = argv[optind];
	ndirs = parse_ulong(argv[optind + 1], "NDIRS", 1, MAX_NDIRS);
	nfiles = parse_ulong(argv[optind + 2], "FILES_PER_DIR", 0, MAX_FILES);
	/* The v1 text is kept for plain names so trees made before -m are reused. */
	snprintf(want, sizeof want,
		 "gentree-v1 ndirs=%lu files_per_dir=%lu fanout=%lu%s\n",
		 ndirs, nfiles, fanout, mixed ? " names=mixed" : "");
	for (span = 1, p = 1; p < ndirs; depth++) {
		span *= fanout;
		p += span;
	}

	t0 = now();
	mkdir_p(dir);
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("open %s", dir);

	fd = openat(rootfd, MARKER, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, have, sizeof have - 1);
		close(fd);
		have[n > 0 ? n : 0] = '\0';
		if (strcmp(have, want) == 0) {
			printf("gentree: %s: reusing tree (%lu dirs, %lu files/dir)\n",
			       dir, ndirs, nfiles);
			return 0;
		}
		errno = 0;
		die("%s/%s records other parameters (%.*s); remove %s or use another DIR",
		    dir, MARKER, (int)strcspn(have, "\n"), have, dir);
	} else if (errno != ENOENT) {
		die("open %s/%s", dir, MARKER);
	}

	for (p = 0; p < ndirs; p++) {
		int pfd;

		relpath(p, rel, sizeof rel);
		pfd = openat(rootfd, rel,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (pfd < 0)
			die("open %s/%s", dir, rel);
		for (f = 0; f < nfiles; f++) {
			entry_name('f', f, name, sizeof name);
			fd = openat(pfd, name,
				    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				    0644);
			if (fd >= 0) {
				close(fd);
				made_files++;
			} else if (errno != EEXIST) {
				die("create %s/%s/%s", dir, rel, name);
			}
		}
		for (k = 0; k < fanout; k++) {
			unsigned long c = p * fanout + 1 + k;

			if (c >= ndirs)
				break;
			entry_name('d', k, name, sizeof name);
			if (mkdirat(pfd, name, 0755) == 0)
				made_dirs++;
			else if (errno != EEXIST)
				die("mkdir %s/%s/%s", dir, rel, name);
		}
		close(pfd);
	}

	fd = openat(rootfd, MARKER_TMP,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create %s/%s", dir, MARKER_TMP);
	if (write(fd, want, strlen(want)) != (ssize_t)strlen(want))
		die("write %s/%s", dir, MARKER_TMP);
	if (close(fd) < 0)
		die("close %s/%s", dir, MARKER_TMP);
	if (renameat(rootfd, MARKER_TMP, rootfd, MARKER) < 0)
		die("rename %s/%s", dir, MARKER_TMP);
	close(rootfd);

	printf("gentree: %s: %lu dirs (incl. root), %lu files/dir, fan-out %lu, "
	       "depth %lu%s; created %lu dirs and %lu files in %.2f s\n",
	       dir, ndirs, nfiles, fanout, depth, mixed ? ", mixed names" : "",
	       made_dirs, made_files, now() - t0);
	return 0;
}
