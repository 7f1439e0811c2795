#!/usr/bin/env bash
# Runs the same BenchmarkDotNet groups on two commits back to back, on the same machine in one session, and prints
# each group's tables one above the other: the before/after record for a change to the hot path. Each commit's
# ratios are against its own baseline in its own run, so the comparison is of ratios (machine noise cancels within
# a run) as well as of absolute times.
#
#   tests/Benchmarks/compare-commits.sh BASE HEAD [GROUP...]      e.g. ... 70548a0 main NopBatch Chain LinkCost
#
# GROUP is a benchmark class name without "Benchmarks" (default: NopBatch Chain LinkCost). Extra BenchmarkDotNet
# arguments go in BDN_ARGS (default: --job short).
set -euo pipefail
base=${1:?base commit}; head=${2:?head commit}; shift 2
groups=("$@"); [ ${#groups[@]} -gt 0 ] || groups=(NopBatch Chain LinkCost)
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/verbring-compare-XXXXXX)
trap 'git -C "$repo" worktree remove --force "$work/base" >/dev/null 2>&1 || true; git -C "$repo" worktree remove --force "$work/head" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for side in base head; do
    commit=${!side}
    git -C "$repo" worktree add -q --detach "$work/$side" "$commit"
    dotnet build -c Release -v q -nologo "$work/$side/tests/Benchmarks" >/dev/null
    echo "$side = $(git -C "$repo" log -1 --format='%h %s' "$commit" | cut -c1-100)"
done
for group in "${groups[@]}"; do
    for side in base head; do
        (cd "$work/$side" && dotnet run -c Release --no-build --project tests/Benchmarks -- \
            --filter "*.${group}Benchmarks.*" ${BDN_ARGS:---job short} >"$work/$side-$group.log" 2>&1) || {
            echo "$side $group failed; log follows" >&2; tail -40 "$work/$side-$group.log" >&2; exit 1; }
        echo; echo "### $group — $side"
        cat "$work/$side"/BenchmarkDotNet.Artifacts/results/*"${group}Benchmarks-report-github.md" | sed -n '/^|/p'
    done
done
