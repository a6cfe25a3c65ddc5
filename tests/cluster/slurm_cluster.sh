#!/usr/bin/env bash
# A throw-away single-node Slurm cluster for tests, run as root without systemd: munged,
# slurmctld and slurmd started from a slurm.conf written into a temporary directory (the node
# line from `slurmd -C`), on ports of their own, stopped by PID. Source it, then:
#   hs_slurm_start DIR   start everything (exports SLURM_CONF, HS_SLURM_PIDS); fails loudly
#   hs_slurm_stop        kill the daemons started here (also safe when start failed half way)
# Debian's slurmctld, slurmd, slurm-client and munge packages (tools/deps.sh).

hs_slurm_start() {
  local dir=$1
  mkdir -p "$dir"/{munge,spool,state,log}
  HS_SLURM_DIR=$dir
  HS_SLURM_PIDS=()
  # munged: its own key, socket, pid and log, so that a system munged is not disturbed.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$dir/munge/munge.key"
  chmod 0700 "$dir/munge"
  /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed" || return 1
  HS_SLURM_PIDS+=("$(cat "$dir/munge/munged.pid")")

  local node host port
  node=$(slurmd -C | head -n 1)
  host=$(hostname -s)
  # Ports from the directory name's checksum, away from the defaults (6817/6818).
  port=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000))
  cat >"$dir/slurm.conf" <<CONF
ClusterName=hstest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=2
InactiveLimit=0
SlurmdTimeout=60
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$dir/slurm.conf
  /usr/sbin/slurmctld -c -f "$SLURM_CONF" -i || return 1
  local i
  for i in $(seq 50); do [ -s "$dir/slurmctld.pid" ] && break; sleep 0.2; done
  HS_SLURM_PIDS+=("$(cat "$dir/slurmctld.pid")")
  /usr/sbin/slurmd -f "$SLURM_CONF" || return 1
  for i in $(seq 50); do [ -s "$dir/slurmd.pid" ] && break; sleep 0.2; done
  HS_SLURM_PIDS+=("$(cat "$dir/slurmd.pid")")
  # Ready when the node is idle.
  for i in $(seq 150); do
    sinfo -h -o %t 2>/dev/null | grep -q '^idle' && return 0
    sleep 0.2
  done
  echo "slurm: the node did not come up; logs in $dir/log" >&2
  sinfo -N -l >&2 || true
  return 1
}

hs_slurm_stop() {
  local pid
  # Jobs first (their processes are children of slurmstepd, which slurmd's stop ends).
  [ -n "${SLURM_CONF:-}" ] && scancel --quiet --user=root 2>/dev/null
  for pid in "${HS_SLURM_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
  done
  for pid in "${HS_SLURM_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  HS_SLURM_PIDS=()
  return 0
}
