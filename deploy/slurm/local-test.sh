#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine from Debian's packages
# (slurm-wlm, munge), submits a hashflight sweep as an array of 2 shards plus
# the dependent merge job, waits, checks that the merged result equals the
# same sweep run in one process, and stops everything it started.
#
#   bash deploy/slurm/local-test.sh [SWEEP.ron]
#
# Needs root (it installs packages and runs the daemons). Everything else it
# writes lives in a temporary directory that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
sweep=${1:-scenarios/sweeps/ci-smoke.ron}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge
fi
cargo build --release --locked --quiet
export HASHFLIGHT="${CARGO_TARGET_DIR:-$root/target}/release/hashflight"

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    rm -rf "$work"
}
trap cleanup EXIT

# munge: a fresh key and socket of our own.
mkdir -p "$work/munge" && chmod 700 "$work/munge"
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chmod 400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" \
    --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
    --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" &
pids+=($!)

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool" "$work/log"
cat > "$work/slurm.conf" <<CONF
ClusterName=hashflight-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
printf 'ConstrainCores=no\nConstrainRAMSpace=no\n' > "$work/cgroup.conf"

slurmctld -D -i &
pids+=($!)
slurmd -D &
pids+=($!)
for _ in $(seq 60); do
    sinfo -h -o '%T' 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo

out="$work/out"
name=$(grep -oP 'name:\s*"\K[^"]+' "$sweep" | head -1)
jid=$(sbatch --parsable --array=1-2 --cpus-per-task=1 --chdir="$root" \
    --output="$work/log/shard-%a.log" deploy/slurm/sweep.sbatch "$sweep" "$out")
mid=$(sbatch --parsable --dependency=afterok:"$jid" --chdir="$root" \
    --output="$work/log/merge.log" deploy/slurm/merge.sbatch "$out/sweeps/$name")
echo "submitted array $jid (2 shards) and merge $mid"
for _ in $(seq 300); do
    [ -z "$(squeue -h -j "$jid,$mid" 2>/dev/null)" ] && break
    sleep 1
done
cat "$work"/log/shard-*.log "$work/log/merge.log"

# The merged sweep must equal the sweep run in one process.
"$HASHFLIGHT" sweep "$sweep" --out "$work/single" --quiet
for f in runs.csv points.csv; do
    cmp "$out/sweeps/$name/$f" "$work/single/sweeps/$name/$f"
done
ls "$out/sweeps/$name"
echo "slurm local test: 2 shards merged; runs.csv and points.csv equal the single-process sweep"
