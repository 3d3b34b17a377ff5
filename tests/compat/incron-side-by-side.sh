#!/usr/bin/env bash
# Runs the real incron 0.5.12 (Debian package `incron`) and inflow's bin/incrond side by side
# over the compatible scenarios of the incron spec, each with a config pointing every directory
# into its own temp dir, and prints a comparison table of what the commands received (argv,
# $% and $& values) and of the table / allow / deny / pid-file behaviour; then a second table
# of incron's known bugs (spec §5-6) as each daemon behaves on them.
# Needs root (incron only runs as root) and /usr/sbin/incrond. Exit 0 when every compatible row
# matches (rows marked "design" are deliberate differences). Takes about two minutes.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=$(cd "$here/../.." && pwd)
REAL_INCROND=${REAL_INCROND:-/usr/sbin/incrond}
REAL_INCRONTAB=${REAL_INCRONTAB:-/usr/bin/incrontab}
[[ $(id -u) == 0 ]] || { echo "skip: incron runs as root only"; exit 0; }
[[ -x $REAL_INCROND && -x $REAL_INCRONTAB ]] || { echo "skip: install Debian's incron first (apt-get install incron)"; exit 0; }

work=$(mktemp -d -t incron-sbs.XXXXXX)
trap 'for p in $(cat "$work"/*/daemon.pid 2>/dev/null); do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

# setup DIR: config, table dirs, a handler that logs its argv as one line
setup() {
  local T=$1
  mkdir -p "$T/sys" "$T/user" "$T/lock" "$T/w" "$T/w2" "$T/nr" "$T/one" "$T/sync" "$T/dirs/d"
  cat > "$T/conf" <<CONF
system_table_dir = $T/sys
user_table_dir = $T/user
allowed_users = $T/allow
denied_users = $T/deny
lockfile_dir = $T/lock
lockfile_name = incrond
CONF
  cat > "$T/h.sh" <<'H'
#!/bin/bash
line="argc=$#"
for a in "$@"; do line+="[$a]"; done
printf '%s\n' "$line" >> "${0%/h.sh}/log"
H
  chmod +x "$T/h.sh"
  echo x > "$T/w/existing"
  # the entries (system tables): one per scenario family
  {
    printf '%s IN_ALL_EVENTS %s w $@ $# $%% $&\n' "$T/w" "$T/h.sh"
    printf '%s IN_CREATE %s w2 $$HOME x$HOME ${HOME} $1 100$ "$#" q$#q\n' "$T/w2" "$T/h.sh"
  } > "$T/sys/main"
  # by design: incron hands bash "$NAME" (a variable named by the file); inflow a literal "$NAME"
  printf '%s IN_CREATE %s w3 $$$#\n' "$T/w2" "$T/h.sh" > "$T/sys/design"
  printf '%s IN_CREATE,recursive=false %s nr $@ $# $%%\n' "$T/nr" "$T/h.sh" > "$T/sys/nonrec"
  printf '%s 12abc %s num $@ $# $%% $&\n' "$T/one" "$T/h.sh" > "$T/sys/numeric"
  printf '%s IN_OPEN,IN_ACCESS,IN_CLOSE_NOWRITE %s dirs $@ $# $%% $&\n' "$T/dirs" "$T/h.sh" > "$T/sys/dirs"
  printf '%s IN_CREATE %s sync $#\n' "$T/sync" "$T/h.sh" > "$T/sys/sync"
  # user tables: root is allowed (listed in the allow file); a table named after no user is not
  mkdir -p "$T/u"
  echo root > "$T/allow"
  printf '%s IN_CREATE %s usr $#\n' "$T/u" "$T/h.sh" > "$T/user/root"
  printf '%s IN_CREATE %s ghost $#\n' "$T/u" "$T/h.sh" > "$T/user/nosuchuser_zz"
  printf '%s IN_CREATE %s twin $#\n' "$T/sync" "$T/h.sh" > "$T/sys/sync-twin"
}

# sync DIR N: a marker through the daemon; returns once its command has run (both tables)
sync_on() {
  local T=$1 n=$2 i
  touch "$T/sync/m$n"
  for i in $(seq 1 100); do
    if grep -q "^argc=2\[sync\]\[m$n\]" "$T/log" 2>/dev/null && grep -q "^argc=2\[twin\]\[m$n\]" "$T/log" 2>/dev/null; then
      sleep 0.3; return 0
    fi
    sleep 0.1
  done
  echo "  (sync $n timed out in $T)" >&2
}

# run NAME INCROND: start, play the scenarios, stop
run() {
  local name=$1 incrond=$2 T="$work/$1"
  setup "$T"
  (cd "$T" && exec "$incrond" -n -f "$T/conf" >"$T/daemon.out" 2>&1) &
  echo $! > "$T/daemon.pid"
  local i=0
  for i in $(seq 1 300); do touch "$T/sync/m0"; grep -q 'sync\]\[m0\]' "$T/log" 2>/dev/null && break; sleep 0.2; rm -f "$T/sync/m0"; done
  sync_on "$T" 1
  : > "$T/log"
  # 1: touch / write / chmod / mv / rm (and names with blanks)
  touch "$T/w/f1"; sync_on "$T" 2
  echo data >> "$T/w/f1"; sync_on "$T" 3
  chmod 600 "$T/w/f1"; sync_on "$T" 4
  mv "$T/w/f1" "$T/w/f2"; sync_on "$T" 5
  rm "$T/w/f2"; sync_on "$T" 6
  touch "$T/w/a b" "$T/w/two  spaces"; sync_on "$T" 7
  cat "$T/w/existing" > /dev/null; sync_on "$T" 8
  # 2: $$, $X, trailing $, quoted wildcards (plain names: quoting differs by design for odd ones)
  touch "$T/w2/plain"; sync_on "$T" 9
  # 3: recursive=false: a file in a new subdirectory is not reported
  mkdir "$T/nr/sub"; sleep 1.5; touch "$T/nr/sub/f"; touch "$T/nr/top"; sync_on "$T" 10
  # 4: numeric mask 12abc = IN_ATTRIB|IN_CLOSE_WRITE
  touch "$T/one/n1"; sync_on "$T" 11
  # 5: IN_OPEN / IN_ACCESS / IN_CLOSE_NOWRITE on a directory (IN_ISDIR in $% and $&)
  ls "$T/dirs" > /dev/null; sync_on "$T" 12
  # 6: a user table of an allowed user runs; one of no user does not
  touch "$T/u/x"; sync_on "$T" 13
  # pid file: the daemon's pid without a newline
  local pidfile="$T/lock/incrond.pid" daemon
  daemon=$(cat "$T/daemon.pid")
  if [[ -f $pidfile ]]; then
    if [[ $(cat "$pidfile") == "$daemon" ]]; then echo "holds the daemon's pid" > "$T/pidfile"; else echo "holds another pid" > "$T/pidfile"; fi
    [[ $(tail -c1 "$pidfile" | od -An -c | tr -d ' ') == '\n' ]] && echo "newline" >> "$T/pidfile" || echo "no newline" >> "$T/pidfile"
  else echo "no pid file" > "$T/pidfile"; fi
  # second instance
  (cd "$T" && "$incrond" -n -f "$T/conf" > "$T/second.out" 2>&1); echo "second instance exit=$?" > "$T/second"
  # stop with -k
  "$incrond" -k -f "$T/conf" > "$T/kill.out" 2>&1; echo "kill exit=$?" > "$T/kill"
  for i in $(seq 1 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
  [[ -e $pidfile ]] && echo "pid file left after stop" >> "$T/kill" || echo "pid file removed after stop" >> "$T/kill"
  "$incrond" -k -f "$T/conf" > "$T/kill2.out" 2>&1; echo "kill again exit=$?" >> "$T/kill"
  sed "s#$T#\$T#g" "$T/log" | grep -v '^argc=2\[\(sync\|twin\)\]' | sort > "$T/log.sorted"
}

# incrontab over allow/deny: NAME INCRONTAB; records messages and exit codes
tabs() {
  local name=$1 incrontab=$2 T="$work/$1" out="$work/$1/tab"
  : > "$out"
  t() { local label=$1; shift; local o; o=$("$incrontab" "$@" 2>&1); echo "$label: exit=$? $(echo "$o" | sed "s#$T#\$T#g" | tr '\n' '|')" >> "$out"; }
  rm -f "$T/allow" "$T/deny" "$T/user/root"
  t "no allow/deny, -t" -f "$T/conf" -t
  t "no table, -l" -f "$T/conf" -l
  t "no op" -f "$T/conf"
  t "op + file" -f "$T/conf" -l somefile
  printf '%s IN_CREATE echo $#\n' "$T/w" > "$T/import"
  t "import" -f "$T/conf" "$T/import"
  t "-d" -f "$T/conf" -d
  t "-r" -f "$T/conf" -r
  t "-r again" -f "$T/conf" -r
  t "-u nosuchuser" -f "$T/conf" -u nosuchuser_xyz -l
  t "import missing" -f "$T/conf" "$T/nonexistent"
  : > "$T/allow"
  t "empty allow, -t" -f "$T/conf" -t
  echo root > "$T/allow"
  t "root allowed, -l" -f "$T/conf" -l
  rm -f "$T/allow"; echo root > "$T/deny"
  t "root denied, -l" -f "$T/conf" -l
  rm -f "$T/deny"; echo someone > "$T/deny"
  t "other denied, -l" -f "$T/conf" -l
}


# fix_start NAME INCROND KEY: a fresh daemon with only the sync tables; sets T and daemon
fix_start() {
  T="$work/fix-$1-$3"
  mkdir -p "$T/sys" "$T/user" "$T/lock" "$T/sync"
  printf 'system_table_dir = %s/sys\nuser_table_dir = %s/user\nlockfile_dir = %s/lock\nallowed_users = %s/allow\ndenied_users = %s/deny\n' "$T" "$T" "$T" "$T" "$T" > "$T/conf"
  cat > "$T/h.sh" <<'H'
#!/bin/bash
line="argc=$#"
for a in "$@"; do line+="[$a]"; done
printf '%s\n' "$line" >> "${0%/h.sh}/log"
H
  chmod +x "$T/h.sh"
  printf '%s IN_CREATE %s sync $#\n' "$T/sync" "$T/h.sh" > "$T/sys/sync"
  printf '%s IN_CREATE %s twin $#\n' "$T/sync" "$T/h.sh" > "$T/sys/sync-twin"
}
fix_run() {
  local incrond=$1 i
  (cd "$T" && exec "$incrond" -n -f "$T/conf" >"$T/daemon.out" 2>&1) &
  daemon=$!
  disown "$daemon" # incron dies of SIGHUP: no job report for that
  echo $daemon > "$T/daemon.pid"
  for i in $(seq 1 300); do touch "$T/sync/m0"; grep -q 'sync\]\[m0\]' "$T/log" 2>/dev/null && break; sleep 0.2; rm -f "$T/sync/m0"; done
}
fix_stop() {
  local i
  kill "$daemon" 2>/dev/null
  for i in $(seq 1 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
}

# fixes NAME INCROND: the spec's bug scenarios, each in a fresh daemon, each one outcome
fixes() {
  local name=$1 incrond=$2 out="$work/fix-$1.result" daemon T
  : > "$out"
  # file names with shell syntax (spec 2.5): does any run as code?
  fix_start "$name" "$incrond" inj; mkdir -p "$T/inj"
  printf '%s IN_CREATE %s inj $#\n' "$T/inj" "$T/h.sh" > "$T/sys/inj"
  fix_run "$incrond"
  touch "$T/inj/y;date>INJ4" "$T/inj/\$(id>INJ5)" "$T/inj/\`id>INJ6\`"; sync_on "$T" 1; sleep 0.5
  ls "$T"/INJ* >/dev/null 2>&1 && echo "names run as shell code|yes ($(cd "$T" && echo INJ*))" >> "$out" || echo "names run as shell code|no" >> "$out"
  fix_stop
  # a file made at once in a new directory (row 10): seen or lost?
  fix_start "$name" "$incrond" rec; mkdir -p "$T/rec"
  printf '%s IN_CREATE %s rec $@ $#\n' "$T/rec" "$T/h.sh" > "$T/sys/rec"
  fix_run "$incrond"
  mkdir "$T/rec/sub"; touch "$T/rec/sub/f"; sync_on "$T" 1; sleep 1.5; sync_on "$T" 2
  grep -qF "[rec][$T/rec/sub][f]" "$T/log" && echo "file in a new directory|seen" >> "$out" || echo "file in a new directory|lost" >> "$out"
  fix_stop
  # IN_NO_LOOP with a handler that rewrites its file (row 22): how many runs for one write?
  fix_start "$name" "$incrond" loop; mkdir -p "$T/loop"; : > "$T/loop/f"
  cat > "$T/rewrite.sh" <<'H'
#!/bin/bash
"${0%/rewrite.sh}/h.sh" loop
[ "$(grep -c . "$1")" -lt 5 ] && echo x >> "$1"
exit 0
H
  chmod +x "$T/rewrite.sh"
  printf '%s IN_CLOSE_WRITE,IN_NO_LOOP %s $@\n' "$T/loop/f" "$T/rewrite.sh" > "$T/sys/loop"
  fix_run "$incrond"
  echo x >> "$T/loop/f"; sleep 3; sync_on "$T" 1
  echo "IN_NO_LOOP: runs for one write|$(grep -c '^argc=1\[loop\]' "$T/log")" >> "$out"
  fix_stop
  # '# IN_CREATE cmd' (rows 26-27): a comment, or a rule on every directory below the cwd?
  fix_start "$name" "$incrond" comment; mkdir -p "$T/w"
  printf '# IN_CREATE %s cmt $#\n' "$T/h.sh" > "$T/sys/comment"
  fix_run "$incrond"
  touch "$T/w/probe"; sync_on "$T" 1
  grep -q '\[cmt\]' "$T/log" && echo "'# IN_CREATE cmd' line is|a rule" >> "$out" || echo "'# IN_CREATE cmd' line is|a comment" >> "$out"
  fix_stop
  # SIGHUP (row 43): dead, or reloaded and running?
  fix_start "$name" "$incrond" hup
  fix_run "$incrond"
  kill -HUP "$daemon"; sleep 2
  if kill -0 "$daemon" 2>/dev/null; then sync_on "$T" 1; echo "after SIGHUP|running" >> "$out"; else echo "after SIGHUP|dead" >> "$out"; fi
  fix_stop
}

run incron "$REAL_INCROND"
run inflow "$home/bin/incrond"
tabs incron "$REAL_INCRONTAB"
tabs inflow "$home/bin/incrontab"

fail=0
row() { # label, incron value, inflow value
  local mark=same
  if [[ "$2" != "$3" ]]; then
    if [[ "$2$3" == *"[w3]"* ]]; then mark=design; else mark=DIFF; fail=1; fi
  fi
  printf '%-5s %-34s | %-60s | %s\n' "$mark" "$1" "${2:0:60}" "${3:0:60}"
}
printf '%-5s %-34s | %-60s | %s\n' "" "scenario" "incron 0.5.12" "inflow"
mapfile -t a < "$work/incron/log.sorted"
mapfile -t b < "$work/inflow/log.sorted"
# one row per command run, matched by content
for line in $(printf '%s\n' "${a[@]}" "${b[@]}" | sort -u | tr ' ' '\001'); do
  l=${line//$'\001'/ }
  ia=$(grep -cxF -- "$l" "$work/incron/log.sorted"); ib=$(grep -cxF -- "$l" "$work/inflow/log.sorted")
  # The kernel merges identical consecutive events it has not delivered yet, so how often an
  # identical run repeats depends on timing, for both daemons: compare whether it ran.
  pa=$([[ $ia -gt 0 ]] && echo ran || echo "not run"); pb=$([[ $ib -gt 0 ]] && echo ran || echo "not run")
  row "command (runs: $ia / $ib)" "$pa: $l" "$pb: $l"
done
row "pid file" "$(tr '\n' ' ' < "$work/incron/pidfile")" "$(tr '\n' ' ' < "$work/inflow/pidfile")"
row "second instance" "$(cat "$work/incron/second")" "$(cat "$work/inflow/second")"
row "-k" "$(tr '\n' ' ' < "$work/incron/kill")" "$(tr '\n' ' ' < "$work/inflow/kill")"
row "-k output" "$(tr '\n' '|' < "$work/incron/kill.out")" "$(tr '\n' '|' < "$work/inflow/kill.out")"
row "-k when not running" "$(tr '\n' '|' < "$work/incron/kill2.out")" "$(tr '\n' '|' < "$work/inflow/kill2.out")"
paste -d '\n' "$work/incron/tab" "$work/inflow/tab" | while IFS= read -r x && IFS= read -r y; do
  row "incrontab ${x%%:*}" "${x#*: }" "${y#*: }"
done
echo
printf '\n%-34s | %-28s | %s\n' "known incron bug (spec §5-6)" "incron 0.5.12" "inflow"
fixes incron "$REAL_INCROND"
fixes inflow "$home/bin/incrond"
paste -d '|' "$work/fix-incron.result" "$work/fix-inflow.result" | while IFS='|' read -r label a _ b; do
  printf '%-34s | %-28s | %s\n' "$label" "$a" "$b"
done
echo
echo "same: identical in both; design: a deliberate difference (a file name never becomes shell code:"
echo "\$\$\$# is a literal '\$' before the name, not a variable named by the file); DIFF: a compatibility bug"
exit $fail
