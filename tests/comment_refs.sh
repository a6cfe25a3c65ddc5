#!/usr/bin/env bash
# Comments cite the repository only: no comment may point at an issue number, at a path outside
# the checkout (/work/, the team's shared notes) or at ALGORITHMS.md other than docs/ALGORITHMS.md.
# Scans the tracked sources and scripts (not Markdown, measured results or reference data).
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "not a git checkout: skipped"; exit 77; }
pattern='/work/|shared/notes|(^|[^/])ALGORITHMS\.md|[Ii]ssues? ?#?[0-9]+'
mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.cu' '*.cuh' '*.h' '*.py' '*.sh' '*.cmake' \
  'CMakeLists.txt' '*/CMakeLists.txt' 'tools/*' | grep -v -e '^tests/comment_refs\.sh$' \
  -e '/results/' -e '^tests/refdata/' | sort -u)
if hits=$(grep -nE "$pattern" "${files[@]}"); then
  printf 'hashsieve: comments must cite the repository (docs/ALGORITHMS.md), not issues or outside paths:\n%s\n' "$hits" >&2
  exit 1
fi
echo "hashsieve: ${#files[@]} files cite only the repository"
