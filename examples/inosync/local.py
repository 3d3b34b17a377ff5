# Mirrors /tmp/inflow-example/src to two local directories, as inosync would mirror to two hosts.
# Run: mkdir -p /tmp/inflow-example/src && bin/inflow inosync -v -c examples/inosync/local.py

# the watched tree; with the trailing slash its contents (not the directory itself) are mirrored
wpath = "/tmp/inflow-example/src/"

# every destination is built from this common path
rpath = "/tmp/inflow-example/mirror"

rnodes = [
    rpath + "-a/",
    rpath + "-b/",
]

# neither synced nor watched: editor swap files and the top-level cache directory
rexcludes = [
    "*.swp",
    "/cache/",
]

# seconds between syncs of one destination: a burst of changes becomes one rsync run
edelay = 2
