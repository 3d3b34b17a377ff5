# inosync configuration in the shape inosync's own sample has: a Python module that only
# assigns values. `inflow inosync -c FILE` reads it as it is (no Python is run).

# directory that should be watched for changes
wpath = "/var/www/"

# common remote path
rpath = "/var/www/"

# remote locations in rsync syntax
rnodes = [
	"a.mirror.com:" + rpath,
	"b.mirror.com:" + rpath,
]

# rsync exclude patterns (rsync syntax; excluded paths are not watched either)
#rexcludes = [
#	"/localhost",
#]

# limit remote sync speed (in KB/s, 0 = no limit)
#rspeed = 0

# event mask (only sync on these events)
#emask = [
#	"IN_CLOSE_WRITE",
#	"IN_CREATE",
#	"IN_DELETE",
#	"IN_MOVED_FROM",
#	"IN_MOVED_TO",
#]

# event delay in seconds (bursts of changes become one sync)
#edelay = 10

# rsync binary path
#rsync = "/usr/bin/rsync"

# passed to rsync as --log-file
#logfile = "/var/log/inosync.log"
