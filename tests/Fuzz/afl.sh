#!/usr/bin/env bash
# Coverage-guided fuzzing of one VerbRing target under AFL++ with SharpFuzz (docs/fuzzing.md, "Coverage-guided
# fuzzing"): installs afl++ and the SharpFuzz instrumenter if missing, publishes tests/Fuzz, instruments the
# Registers, Verbs and Kernel assemblies, writes the seed corpora, fuzzes for SECONDS, then replays every crash and
# hang on the uninstrumented build, so that each finding prints its message.
# usage: tests/Fuzz/afl.sh assembler|sqes [SECONDS=600] [OUT=/tmp/verbring-afl]
set -euo pipefail
target=${1:?usage: afl.sh assembler|sqes [SECONDS] [OUT]}
seconds=${2:-600}
out=${3:-/tmp/verbring-afl}
root=$(cd "$(dirname "$0")/../.." && pwd)

command -v afl-fuzz >/dev/null || { apt-get update -q && apt-get install -y afl++; }
tools=$out/tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools"

# Two copies, one per target (a campaign of the other target may still be using its own): plain for the seeds and
# the replay, instrumented for AFL++ (instrumented code writes to AFL's shared memory, and outside AFL it crashes).
plain=$out/plain-$target
bin=$out/bin-$target
rm -rf "$plain" "$bin"
dotnet publish "$root/tests/Fuzz" -c Release -o "$plain" -v quiet
cp -r "$plain" "$bin"
for dll in VerbRing.Registers VerbRing.Verbs VerbRing.Kernel; do
  "$tools/sharpfuzz" "$bin/$dll.dll" # the code under test reports its edges to AFL; the harness (Tooling) does not
done
dotnet "$plain/VerbRing.Fuzz.dll" seeds "$out/seeds" "$root"

dictionary=()
[ "$target" = assembler ] && dictionary=(-x "$out/seeds/assembler.dict") # the language's words: AFL++ splices them in
rm -rf "${out:?}/$target"
# dotnet itself is not instrumented (SKIP_BIN_CHECK); the machine is shared (NO_AFFINITY); crashes are exceptions
# reported through SharpFuzz, not core dumps (MISSING_CRASHES).
AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  afl-fuzz -V "$seconds" -i "$out/seeds/$target" -o "$out/$target" "${dictionary[@]}" -t 10000 -m none \
  -- dotnet "$bin/VerbRing.Fuzz.dll" "$target" > "$out/$target.log" 2>&1

grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs) ' "$out/$target/default/fuzzer_stats"
for found in crashes hangs; do
  if compgen -G "$out/$target/default/$found/id:*" > /dev/null; then
    echo "== $found"
    dotnet "$plain/VerbRing.Fuzz.dll" "$target" --replay "$out/$target/default/$found" || true
  fi
done
