# Runs /bin/echo for every finished write, delete and rename under /tmp/inflow-example/src, once
# per node; with -v the daemon logs each run and what it printed.
# Run: mkdir -p /tmp/inflow-example/src && bin/inflow inorun -v -c examples/inorun/local.py

wpath = "/tmp/inflow-example/src/"

rnodes = ["node-a", "node-b"]

emask = {
    "IN_CLOSE_WRITE": "/bin/echo",
    "IN_DELETE": "/bin/echo",
    "IN_MOVED_FROM": "/bin/echo",
    "IN_MOVED_TO": "/bin/echo",
}

edelay = 1
initevent = "IN_CLOSE_WRITE"
