#!/bin/sh
# Ready-to-run `inflow watch` command lines (each is what you would type; pick one).
dir=${1:-.}
here=$(dirname "$0")/..

# Everything that changes under a tree, inotifywait style:
#   "$here/bin/inflow" watch -m -r "$dir"
# Finished writes only, one JSON object per line (names that are not UTF-8 stay lossless):
#   "$here/bin/inflow" watch -m -r -e close_write,moved_to --json "$dir"
# NUL-terminated full paths for xargs -0, ignoring .git:
#   "$here/bin/inflow" watch -m -r -q -e close_write --exclude '/\.git(/|$)' --format '%w%f%0' --no-newline "$dir"
exec "$here/bin/inflow" watch -m -r -e create,close_write,delete,move "$dir"
