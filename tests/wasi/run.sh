#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# WASI end to end: runs the wasm32-wasi test programs through the real
# `wasmbox run` with temporary directories, and checks stdout exactly,
# the exit status, stderr where it matters, and the host file system
# afterwards.
#
#   tests/wasi/run.sh WASMBOX PROGS_DIR SWAPPER
#
# PROGS_DIR holds the compiled programs (build/<preset>/tests/wasi/progs),
# SWAPPER the native race adversary. Prints one line per failure and
# "wasi: N passed, M failed"; exits 1 if anything failed.
set -u

if [ $# -ne 3 ]; then
  echo "usage: $0 WASMBOX PROGS_DIR SWAPPER" >&2
  exit 2
fi
WASMBOX=$1
P=$2
SWAPPER=$3
TMP=$(mktemp -d)
SWAPPER_PID=
cleanup() {
  [ -n "$SWAPPER_PID" ] && kill "$SWAPPER_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
failed=0

# shellcheck source=../lib/expect.sh
. "$(dirname "$0")/../lib/expect.sh"

# check NAME CONDITION-COMMAND...: a host-side check after a run.
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}

W=$WASMBOX

# {====================== stdio, argv, exit status ======================}
expect hello 0 $'hello from wasi\nargc=1\nargv[0]='"$P/hello.wasm"$'\n42 3.142 str z ff' \
  'to stderr' -- "$W" run "$P/hello.wasm"
# argv[0] is the file name exactly as given.
expect hello-argv0 0 $'hello from wasi\nargc=1\nargv[0]=hello.wasm\n42 3.142 str z ff' '*' -- \
  bash -c 'cd "$1" && "$2" run hello.wasm' _ "$P" "$W"
expect hello-args 5 '*' 'to stderr' -- "$W" run "$P/hello.wasm" a 5
expect hello-args-out 5 $'hello from wasi\nargc=3\nargv[0]='"$P/hello.wasm"$'\nargv[1]=a\nargv[2]=5\n42 3.142 str z ff' \
  '*' -- "$W" run "$P/hello.wasm" a 5
expect hello-dashdash 0 $'hello from wasi\nargc=4\nargv[0]='"$P/hello.wasm"$'\nargv[1]=-x\nargv[2]=--y\nargv[3]=0\n42 3.142 str z ff' \
  '*' -- "$W" run "$P/hello.wasm" -- -x --y 0
expect hello-options-first 0 '*' '*' -- "$W" run --clock --random "$P/hello.wasm"

expect exit-code 7 'buffered before exit' '' -- "$W" run "$P/exit.wasm" exit 7
expect exit-zero 0 'buffered before exit' '' -- "$W" run "$P/exit.wasm" exit 0
expect _Exit-code 44 '' '' -- "$W" run "$P/exit.wasm" _Exit 300 # 300 & 0xff, as natively
expect main-returns 0 '' '' -- "$W" run "$P/exit.wasm"
expect trap 134 '' 'trap: unreachable' -- "$W" run "$P/exit.wasm" trap
expect trap-backtrace 134 '' ' main' -- "$W" run "$P/exit.wasm" trap
expect trap-start-frame 134 '' ' _start' -- "$W" run "$P/exit.wasm" trap

STDIN=$TMP/stdin.txt
printf 'one\ntwo\nthree\n' >"$STDIN"
expect stdin 0 $'bytes=14 lines=3\nONE\nTWO\nTHREE' '' -- "$W" run "$P/stdin.wasm"
STDIN=
expect stdin-empty 0 'bytes=0 lines=0' '' -- "$W" run "$P/stdin.wasm"
expect stdin-pipe 0 $'bytes=6 lines=2\nAB\nCD' '' -- \
  bash -c 'printf "ab\ncd\n" | "$1" run "$2"' _ "$W" "$P/stdin.wasm"

# {====================== environment ======================}
expect env-none 0 $'FOO=(unset)\nHOME=(unset)\nentries=0' '' -- "$W" run "$P/env.wasm" FOO HOME
expect env-set 0 $'FOO=bar\nHOME=(unset)\nentries=1' '' -- "$W" run --env FOO=bar "$P/env.wasm" FOO HOME
expect env-replace 0 $'FOO=baz\nentries=1' '' -- "$W" run --env FOO=bar --env=FOO=baz "$P/env.wasm" FOO
expect env-equals 0 $'A=b=c\nentries=1' '' -- "$W" run --env A=b=c "$P/env.wasm" A
expect env-empty-value 0 $'E=\nentries=1' '' -- "$W" run --env E= "$P/env.wasm" E
expect env-inherit-first-line 0 'WB_WASI_TEST=xyz' '' -- \
  bash -c 'WB_WASI_TEST=xyz "$1" run --inherit-env "$2" WB_WASI_TEST | head -1' _ "$W" "$P/env.wasm"
expect env-allow-all 0 'WB_WASI_TEST=xyz' '' -- \
  bash -c 'WB_WASI_TEST=xyz "$1" run --allow-all "$2" WB_WASI_TEST | head -1' _ "$W" "$P/env.wasm"
expect env-override-inherited 0 'WB_WASI_TEST=mine' '' -- \
  bash -c 'WB_WASI_TEST=xyz "$1" run --inherit-env --env WB_WASI_TEST=mine "$2" WB_WASI_TEST | head -1' \
  _ "$W" "$P/env.wasm"
expect env-no-leak 0 $'WB_WASI_TEST=(unset)\nentries=0' '' -- \
  env WB_WASI_TEST=xyz "$W" run "$P/env.wasm" WB_WASI_TEST
expect env-bad 1 '' '--env needs NAME=VALUE' -- "$W" run --env FOO "$P/env.wasm"

# {====================== clocks and randomness ======================}
expect clock-denied 0 'clock denied: ok' '' -- "$W" run "$P/clock.wasm"
expect clock-granted 0 'clock granted: ok' '' -- "$W" run --clock "$P/clock.wasm" granted
expect clock-allow-all 0 'clock granted: ok' '' -- "$W" run --allow-all "$P/clock.wasm" granted
expect random-denied 0 'random denied: ok' '' -- "$W" run "$P/random.wasm"
expect random-granted 0 'random granted: ok' '' -- "$W" run --random "$P/random.wasm" granted
expect random-allow-all 0 'random granted: ok' '' -- "$W" run --allow-all "$P/random.wasm" granted

# {====================== files ======================}
expect nodir 0 'nodir: nothing reachable' '' -- "$W" run "$P/nodir.wasm"
# --allow-all never grants a directory.
expect nodir-allow-all 0 'nodir: nothing reachable' '' -- "$W" run --allow-all "$P/nodir.wasm"

mkdir -p "$TMP/rw"
printf 'hello, file\n' >"$TMP/rw/input.txt"
FILES_OUT=$'stdio: ok\nposix io: ok\nls: input.txt out.txt raw.bin\ndirectories: ok\nlinks and times: ok\nls: input.txt\nfiles: ok'
expect files 0 "$FILES_OUT" '' -- "$W" run --dir "$TMP/rw::/sandbox" "$P/files.wasm" /sandbox
check files-host-state test "$(ls -A "$TMP/rw")" = input.txt
check files-host-content test "$(cat "$TMP/rw/input.txt")" = 'hello, file'
# Without ::GUEST the guest sees the host path.
expect files-same-name 0 "$FILES_OUT" '' -- "$W" run --dir "$TMP/rw" "$P/files.wasm" "$TMP/rw"
expect files-relative-guest 0 "$FILES_OUT" '' -- "$W" run --dir "$TMP/rw::data" "$P/files.wasm" data
expect dir-missing 1 '' "--dir: $TMP/nope: No such file or directory" -- \
  "$W" run --dir "$TMP/nope" "$P/hello.wasm"
expect dir-not-a-dir 1 '' 'Not a directory' -- "$W" run --dir "$TMP/rw/input.txt" "$P/hello.wasm"
expect dir-empty 1 '' '--dir needs HOST[::GUEST]' -- "$W" run --dir= "$P/hello.wasm"

mkdir -p "$TMP/ro/dir"
printf 'read only\n' >"$TMP/ro/data.txt"
touch -d '2001-02-03 04:05:06' "$TMP/ro/data.txt"
before=$(cd "$TMP/ro" && ls -lAR --time-style=full-iso)
expect readonly 0 'readonly: every write refused' '' -- \
  "$W" run --dir-ro "$TMP/ro::/ro" "$P/readonly.wasm" /ro
expect readonly-files-fail 1 '*' '' -- "$W" run --dir-ro "$TMP/ro::/ro" "$P/files.wasm" /ro
check readonly-unchanged test "$before" = "$(cd "$TMP/ro" && ls -lAR --time-style=full-iso)"

# {====================== escapes ======================}
E=$TMP/escape
mkdir -p "$E/d"
printf 'inside\n' >"$E/inside.txt"
ln -s /etc/passwd "$E/abs"
ln -s ../../../../../../../../etc/passwd "$E/rel"
ln -s /etc "$E/etcdir"
ln -s .. "$E/updir"
ln -s loop2 "$E/loop1"
ln -s loop1 "$E/loop2"
ln -s ../.. "$E/d/up"
expect escape 0 $'raw escapes: refused\nlibc escapes: refused' '' -- \
  "$W" run --dir "$E::/sb" "$P/escape.wasm" /sb
check escape-nothing-created test ! -e "$TMP/evil" -a ! -e "$TMP/moved" -a ! -e "$E/mine"

# The race: the swapper flips names between inside and /etc while the
# guest opens them thousands of times.
R=$TMP/race
mkdir -p "$R"
"$SWAPPER" "$R" 120 >"$TMP/swapper.out" 2>&1 &
SWAPPER_PID=$!
for _ in $(seq 100); do
  grep -q ready "$TMP/swapper.out" 2>/dev/null && break
  sleep 0.05
done
expect race 0 'race: never escaped' '' -- "$W" run --dir "$R::/sb" "$P/escape.wasm" /sb race
kill "$SWAPPER_PID" 2>/dev/null
wait "$SWAPPER_PID" 2>/dev/null
SWAPPER_PID=

# {====================== reactors ======================}
expect reactor 0 $'add(2, 3)\n1005' '' -- "$W" run "$P/reactor.wasm" --invoke add 2 3
expect reactor-no-invoke 1 '' 'no _start export; use --invoke NAME' -- "$W" run "$P/reactor.wasm"

echo "wasi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
