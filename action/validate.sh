#!/usr/bin/env bash
# The validate step of action.yml: annotations on the lines at fault, and,
# when asked, the same findings as SARIF for code scanning. The inputs come
# in the environment, never spliced into the script, so a path cannot run
# as code.
#
#   PATHS  files and directories, separated by white space (default: .)
#   ARGS   more options for validate, separated by white space
#   SARIF  a file to write SARIF to as well (empty: none)
set -uo pipefail

read -r -a paths <<<"${PATHS:-.}"
read -r -a args <<<"${ARGS:-}"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi

status=0
room-inspector validate --format github "${args[@]}" "${paths[@]}" || status=$?

if [ -n "${SARIF:-}" ]; then
  # The exit status is the github report's; this one only writes the file.
  sarif_status=0
  room-inspector validate --format sarif "${args[@]}" "${paths[@]}" >"$SARIF" || sarif_status=$?
  if [ "$sarif_status" -ne "$status" ]; then
    echo "room-inspector: the SARIF run ended with $sarif_status, the report with $status" >&2
  fi
fi
exit "$status"
