#!/usr/bin/env bash
# Scores check and env required on the real-projects corpus: bash bench/real-projects/score.sh [name...]
# Needs the CLI built in Release (dotnet build src/DevOpsAgent.Cli -c Release). Each project is cloned from
# /work/.mirror/<owner>+<name>/repo when that mirror exists, else from https://github.com/<owner>/<name>.git,
# and checked out at its pinned commit in a temporary folder; nothing fetched is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec python3 "$here/score.py" "$@"
