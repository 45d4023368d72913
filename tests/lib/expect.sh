# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The check shared by the shell-driven tests (sourced; needs $TMP, a
# scratch folder, and counts into $passed and $failed).
#
# expect NAME RC STDOUT STDERR_SUBSTRING -- COMMAND...
#   Runs COMMAND (stdin from $STDIN, default /dev/null) and checks its exit
#   status is RC, its stdout is exactly STDOUT (unless '*') and its stderr
#   contains STDERR_SUBSTRING (unless '*'; '' demands an empty stderr).
passed=${passed:-0}
failed=${failed:-0}

expect() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  local out err rc
  out=$("$@" <"${STDIN:-/dev/null}" 2>"$TMP/stderr")
  rc=$?
  err=$(cat "$TMP/stderr")
  local why=""
  if [ "$rc" -ne "$want_rc" ]; then
    why="exit status $rc, expected $want_rc"
  elif [ "$want_out" != '*' ] && [ "$out" != "$want_out" ]; then
    why="stdout differs"
  elif [ -z "$want_err" ] && [ -n "$err" ]; then
    why="unexpected stderr"
  elif [ "$want_err" != '*' ] && [[ "$err" != *"$want_err"* ]]; then
    why="stderr does not contain '$want_err'"
  fi
  if [ -z "$why" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why"
    printf '  stdout: %s\n' "${out//$'\n'/$'\n'  stdout: }"
    [ -n "$err" ] && printf '  stderr: %s\n' "${err//$'\n'/$'\n'  stderr: }"
  fi
}
