#!/usr/bin/env bash
# Side by side: the values Python 2.7 assigns when it runs a config file (as inosync and inorun
# did) and the values inflow's reader takes from it without running Python. Needs a python2
# (PYTHON2=/path/to/python2) and the built jar. Dict items are printed sorted: Python 2 dicts have
# no order (inflow keeps the file's).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=$(cd "$here/../../.." && pwd)
py=${PYTHON2:-python2}
for f in "${@:-$here/tricky.py}"; do
  a=$("$py" "$here/dump-python2.py" "$f")
  b=$(java -cp "$home/java/target/inflow-all.jar" "$here/DumpInflow.java" "$f")
  if [[ "$a" == "$b" ]]; then echo "same: $f"; else echo "DIFFERENT: $f"; diff <(echo "$a") <(echo "$b") || true; fi
done
