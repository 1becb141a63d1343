#!/bin/bash
# Keyframes of every video of a CSV on a Slurm array: task I of N processes the CSV's data rows r
# with (r-1) mod N == I, so the tasks split the rows between them without talking to each other.
#
# Submit, then merge once every task has finished (the merge waits on the whole array; OUT in your
# shell names the same folder as below):
#   jobid=$(sbatch --parsable slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap "video-batch-kernel merge $OUT"
# Watch it meanwhile, from any machine that sees the shared folder:
#   video-batch-kernel status "$OUT"
# `merge` exits 0 when every shard is complete and 3, naming the unfinished shards, otherwise.
# A task that failed for good leaves that merge pending (DependencyNeverSatisfied): requeue the
# task (scontrol requeue <jobid>_<task>), then run the merge yourself.
#
# Keep the array whole, of consecutive ids (0-63, or 0-63%8 to run 8 at a time): --shard auto
# takes the shard count from the array's size, so a new array of a few tasks would split the rows
# anew instead of finishing the old shards.
#
# Exit codes of a task:
#   0    its shard is done (failed videos are data, listed in the results, not a crash)
#   1    the environment failed mid-run (disk full, …): fix it and requeue the task
#   2    unusable input (a missing CSV or column, a bad flag): nothing ran
#   130  interrupted (the time limit, a preemption): its checkpoint is saved and the task
#        requeues itself (below); a requeued task resumes its shard video by video, on any node.
# A task whose node died resumes the same way once the dead node's lease on its checkpoint has
# expired (60 s by default, VBK_LEASE_SECONDS); the nodes' clocks must agree (NTP).
#
#SBATCH --job-name=vbk-keyframes
#SBATCH --array=0-63
#SBATCH --requeue
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=vbk-keyframes-%A_%a.log
#SBATCH --open-mode=append
# SIGTERM to this script 120 s before the time limit, so the run stops cleanly and requeues.
#SBATCH --signal=B:TERM@120
set -euo pipefail

# Edit these, or set them when submitting (CSV=… OUT=… sbatch slurm-array.sh): both must be on
# storage that every node sees, and every task of the job must be given the same ones.
CSV=${CSV:-/shared/data/videos.csv}
OUT=${OUT:-/shared/out/videos-keyframes}
# How often an interrupted task requeues itself before it leaves the rest to you.
MAX_REQUEUES=${MAX_REQUEUES:-3}

# In the background so that this shell can pass Slurm's SIGTERM on to it: a foreground child
# would only see the signal at the time limit itself, with seconds left to stop.
video-batch-kernel process "$CSV" --video-col video_path --id-col video_id --fn keyframes --num-frames 16 --shard auto --out "$OUT" --workers "${SLURM_CPUS_PER_TASK:-4}" &
run=$!
trap 'kill -TERM "$run" 2>/dev/null || true' TERM INT

status=0
# A trapped signal ends `wait` early while the run is still saving: wait again until it has exited.
while :; do
  wait "$run" && status=0 || status=$?
  kill -0 "$run" 2>/dev/null || break
done

if [ "$status" -eq 130 ] && [ -n "${SLURM_JOB_ID:-}" ] && [ "${SLURM_RESTART_COUNT:-0}" -lt "$MAX_REQUEUES" ]; then
  # The checkpoint holds every finished video: the requeued task carries on from there.
  scontrol requeue "$SLURM_JOB_ID" || true
fi
exit "$status"
