#!/usr/bin/env bash
# Compiles the benchmark's C helpers (bench/c/*.c) into bench/c/build/.
# Idempotent: a program is rebuilt only when its source (or this script)
# is newer than the binary.  CC and CFLAGS may be overridden.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/../c"
out="$src/build"
cc=${CC:-gcc}
cflags=${CFLAGS:--O2 -Wall -Wextra -Werror}

mkdir -p "$out"
for prog in gentree cwalk; do
    bin="$out/$prog"
    if [[ -x "$bin" && "$bin" -nt "$src/$prog.c" && "$bin" -nt "${BASH_SOURCE[0]}" ]]; then
        continue
    fi
    # shellcheck disable=SC2086  # cflags is a list of words
    "$cc" $cflags -o "$bin.tmp.$$" "$src/$prog.c"
    mv -f "$bin.tmp.$$" "$bin"
    echo "build.sh: built bench/c/build/$prog" >&2
done
