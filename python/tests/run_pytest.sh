#!/bin/sh
# ctest entry for the Python suite: run_pytest.sh PYTHON PACKAGE_PARENT_DIR TESTS_DIR
# Exit 77 (ctest skip) when the interpreter, pytest or numpy is missing, or pytest collected
# nothing (its exit status 5); otherwise pytest's own status.
py=$1 pkg=$2 tests=$3
if [ ! -x "$py" ] || ! "$py" -c "import pytest, numpy" 2>/dev/null; then
  echo "python_pytest: $py lacks pytest/numpy; skipped"
  exit 77
fi
PYTHONPATH="$pkg${PYTHONPATH:+:$PYTHONPATH}" "$py" -m pytest -q -rs -p no:cacheprovider "$tests"
rc=$?
[ "$rc" -eq 5 ] && { echo "python_pytest: no tests collected; skipped"; exit 77; }
exit "$rc"
