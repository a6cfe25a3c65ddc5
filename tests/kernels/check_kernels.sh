#!/bin/sh
# Checks the compiled CUDA kernels (PTX from the hashsieve_cuda_ptx object library):
#  1. no PTX contains a fused multiply-add (`fma.`): PDQ and pHash are bit-exact only when every
#     product is rounded before the add (-fmad=false, __fmul_rn/__fadd_rn);
#  2. every kernel's registers and spill bytes (ptxas -v) are within kernels/kernel_budget.txt,
#     and every kernel has a budget line.
# usage: check_kernels.sh PTXAS ARCH BUDGET FILE.ptx...   |   check_kernels.sh --self-test PTXAS ARCH
set -eu

fail=0

# check_fma FILE: fails when FILE contains an fma instruction.
check_fma() {
  if grep -n '^[[:space:]]*\(@[^[:space:]]*[[:space:]]*\)\{0,1\}fma\.' "$1"; then
    echo "FAIL: $1 contains fma (a contracted multiply-add breaks bit-exactness)"
    fail=1
  fi
}

# check_budget PTXAS ARCH BUDGET FILE: ptxas -v on FILE, each kernel against BUDGET.
check_budget() {
  report=$(mktemp)
  cubin=$(mktemp)
  "$1" -v -arch="$2" -o "$cubin" "$4" >"$report" 2>&1 || { cat "$report"; fail=1; return; }
  # One line per kernel: demangled name, registers, spill stores + loads.
  sed -n "s/.*Compiling entry function '\([^']*\)'.*/\1/p" "$report" | c++filt >"$report.names"
  grep 'Used [0-9]* registers' "$report" | sed 's/.*Used \([0-9]*\) registers.*/\1/' \
    >"$report.regs"
  grep 'spill stores' "$report" |
    sed 's/.* \([0-9]*\) bytes spill stores, \([0-9]*\) bytes spill loads.*/\1 \2/' |
    awk '{ print $1 + $2 }' >"$report.spills"
  paste -d'|' "$report.names" "$report.regs" "$report.spills" >"$report.rows"
  if ! awk -F'|' -v budget="$3" -v file="$4" '
    BEGIN {
      while ((getline line < budget) > 0) {
        if (line ~ /^#/ || line ~ /^[[:space:]]*$/) continue
        n = split(line, f, /[[:space:]][[:space:]]+/)
        if (n < 3) continue
        ++count; key[count] = f[1]; maxReg[count] = f[2] + 0; maxSpill[count] = f[3] + 0
      }
    }
    {
      found = 0
      for (i = 1; i <= count; ++i) if (index($1, key[i]) > 0) { found = i; break }
      if (!found) { printf "FAIL: %s: no budget line for %s\n", file, $1; bad = 1; next }
      status = ($2 + 0 > maxReg[found] || $3 + 0 > maxSpill[found]) ? "FAIL" : "ok"
      if (status == "FAIL") bad = 1
      printf "%-4s %-28s %4d registers (budget %d), %d spill bytes (budget %d)\n", status,
             key[found], $2, maxReg[found], $3, maxSpill[found]
    }
    END { exit bad }' "$report.rows"; then
    fail=1
  fi
  rm -f "$report" "$report.names" "$report.regs" "$report.spills" "$report.rows" "$cubin"
}

if [ "${1:-}" = "--self-test" ]; then
  # The checks must have teeth: an fma is found, a kernel over budget or without one fails.
  ptxas=$2 arch=$3
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cat >"$dir/k.ptx" <<'PTX'
.version 8.0
.target sm_90
.address_size 64
.visible .entry selfTestKernel(.param .u64 p)
{
  .reg .f32 %f<4>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [p];
  cvta.to.global.u64 %rd1, %rd1;
  ld.global.f32 %f1, [%rd1];
  fma.rn.f32 %f2, %f1, %f1, %f1;
  st.global.f32 [%rd1], %f2;
  ret;
}
PTX
  check_fma "$dir/k.ptx" >/dev/null
  [ "$fail" = 1 ] || { echo "self-test: fma not detected"; exit 1; }
  fail=0
  printf 'selfTestKernel  0  0\n' >"$dir/tight.txt"
  check_budget "$ptxas" "$arch" "$dir/tight.txt" "$dir/k.ptx" >/dev/null
  [ "$fail" = 1 ] || { echo "self-test: a kernel over its register budget passed"; exit 1; }
  fail=0
  printf 'otherKernel  255  0\n' >"$dir/none.txt"
  check_budget "$ptxas" "$arch" "$dir/none.txt" "$dir/k.ptx" >/dev/null
  [ "$fail" = 1 ] || { echo "self-test: a kernel without a budget line passed"; exit 1; }
  fail=0
  printf 'selfTestKernel  255  0\n' >"$dir/loose.txt"
  check_budget "$ptxas" "$arch" "$dir/loose.txt" "$dir/k.ptx" >/dev/null
  [ "$fail" = 0 ] || { echo "self-test: a kernel within its budget failed"; exit 1; }
  echo "self-test passed"
  exit 0
fi

[ $# -ge 4 ] || { echo "usage: $0 PTXAS ARCH BUDGET FILE.ptx..."; exit 2; }
ptxas=$1 arch=$2 budget=$3
shift 3
for ptx in "$@"; do
  echo "== $(basename "$ptx")"
  check_fma "$ptx"
  check_budget "$ptxas" "$arch" "$budget" "$ptx"
done
exit "$fail"
