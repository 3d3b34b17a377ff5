# inorun configuration in the shape inorun's users write: emask maps each event to the program
# to run. Each program runs once per node with three arguments: the node, the watched path and
# the changed path relative to it. `inflow inorun -c FILE` reads the file as it is.

# directory that should be watched for changes
wpath = "/var/www/"

# remote addresses: each program runs once per node
rnodes = [
	"a.mirror.com",
	"b.mirror.com",
]

# event -> program (absolute paths; checked at start)
emask = {
	"IN_CLOSE_WRITE": "/bin/echo",
	"IN_DELETE": "/bin/echo",
	"IN_MOVED_TO": "/bin/echo",
}

# seconds: duplicates of one event on one file within this time run once
edelay = 1

# run IN_CLOSE_WRITE's program once for the watched path itself at start
initevent = "IN_CLOSE_WRITE"

# accepted and unused
#logfile = "/var/log/inorun.log"
