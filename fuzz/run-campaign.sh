#!/usr/bin/env bash
# Runs one coverage-guided libFuzzer campaign against a Sluice fuzz target.
#
#   fuzz/run-campaign.sh TARGET SECONDS [JOBS]
#
# Installs what it needs (clang-16, libfuzzer-16-dev, the SharpFuzz instrumenter), publishes Sluice.Fuzz,
# instruments Sluice's assemblies, builds our libFuzzer driver (fuzz/driver), then fuzzes TARGET for SECONDS
# starting from the checked-in corpus (fuzz/corpus/TARGET, read only) and a fresh work folder, with the
# target's dictionary. Crashers land in fuzz/findings/TARGET/. With SLUICE_FUZZ_MERGE=1 the inputs that add
# coverage are merged into the checked-in corpus afterwards (libFuzzer -merge=1), so it grows only by those;
# the merge counts edges, not hit counts (-use_counters=0), which keeps the checked-in corpus small.
# A crash ends a single-job campaign; SLUICE_FUZZ_KEEP_GOING=1 (fork mode) carries on and collects them all.
#
# Environment: SLUICE_FUZZ_BUILD (default /tmp/sluice-fuzz-build) holds the build and work folders.
set -euo pipefail

usage() {
  echo "usage: $0 TARGET SECONDS [JOBS]" >&2
  echo "targets: pg-frontend pg-backend pg-copy-text pg-copy-csv pg-copy-binary scram mask sql recording config" >&2
  exit 2
}

[[ $# -ge 2 && $# -le 3 ]] || usage
target=$1
seconds=$2
jobs=${3:-1}
[[ $seconds =~ ^[0-9]+$ && $jobs =~ ^[1-9][0-9]*$ ]] || usage

case $target in
  pg-frontend|pg-backend|pg-copy-text|pg-copy-csv|pg-copy-binary|recording|config) max_len=4096 ;;
  sql) max_len=2048 ;;
  mask) max_len=1024 ;;
  scram) max_len=512 ;;
  *) usage ;;
esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SLUICE_FUZZ_BUILD:-/tmp/sluice-fuzz-build}
publish=$build/publish-$target
work=$build/work-$target
findings=$repo/fuzz/findings/$target
corpus=$repo/fuzz/corpus/$target
dict=$repo/fuzz/dict/$target.dict
driver=$build/sluice-libfuzzer

# --- tools -------------------------------------------------------------------------------------------------
if ! command -v clang-16 >/dev/null || [[ ! -e /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a ]]; then
  echo "== installing clang-16 and libfuzzer-16-dev"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq clang-16 libfuzzer-16-dev >/dev/null
fi

export PATH="$PATH:$HOME/.dotnet/tools"
sharpfuzz_version=$(sed -n 's/.*PackageVersion Include="SharpFuzz" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")
if ! command -v sharpfuzz >/dev/null; then
  echo "== installing the SharpFuzz instrumenter $sharpfuzz_version"
  dotnet tool install --global SharpFuzz.CommandLine --version "$sharpfuzz_version" >/dev/null
fi

# --- build -------------------------------------------------------------------------------------------------
mkdir -p "$build"
# Campaigns may run side by side: one at a time builds, and the driver is replaced, never rewritten in place.
exec 9>"$build/.build-lock"
flock 9
echo "== building the driver"
clang-16 -fsanitize=fuzzer -O2 -Wall -Wextra -o "$driver.new" "$repo/fuzz/driver/sluice-libfuzzer.c"
mv -f "$driver.new" "$driver"

echo "== publishing and instrumenting Sluice.Fuzz"
rm -rf "$publish"
dotnet publish "$repo/fuzz/Sluice.Fuzz" -c Release -o "$publish" -nologo -v quiet >/dev/null
instrumented=(Sluice.Protocols.dll Sluice.Core.dll Sluice.Masking.dll)
# The YAML parser is where configuration text is read; its branches guide the config target.
[[ $target == config ]] && instrumented+=(YamlDotNet.dll)
for assembly in "${instrumented[@]}"; do
  (cd "$publish" && sharpfuzz "$assembly")
done
flock -u 9

# --- fuzz --------------------------------------------------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/corpus" "$findings"
log=$findings/campaign-$(date -u +%Y%m%dT%H%M%SZ).log
flags=(-max_total_time="$seconds" -timeout=10 -max_len="$max_len" -print_final_stats=1
       -artifact_prefix="$findings/")
[[ -f $dict ]] && flags+=(-dict="$dict")
# Several jobs, or SLUICE_FUZZ_KEEP_GOING=1, use fork mode, which also keeps fuzzing after a crash.
if [[ $jobs -gt 1 || ${SLUICE_FUZZ_KEEP_GOING:-0} == 1 ]]; then
  flags+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1)
fi

echo "== fuzzing $target for ${seconds}s with $jobs job(s); log: $log"
started=$(date +%s)
set +e
# bash's time keyword reports the CPU of the driver and of the .NET child it reaps.
TIMEFORMAT='%U %S'
cpu=$( { time SLUICE_FUZZ_DLL=$publish/Sluice.Fuzz.dll SLUICE_FUZZ_TARGET=$target \
  "$driver" "${flags[@]}" "$work/corpus" "$corpus" </dev/null >"$log" 2>&1 ; } 2>&1 )
status=$?
set -e
elapsed=$(( $(date +%s) - started ))
cpu_seconds=$(awk '{ printf "%d", $1 + $2 }' <<<"$cpu")

# --- report ------------------------------------------------------------------------------------------------
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
slots=$(sed -n 's/.*executions, \([0-9]*\) of 65536 coverage-map slots hit.*/\1/p' "$log" | tail -1)
crashers=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
echo "== $target: ${elapsed}s wall, ${cpu_seconds}s CPU, ${execs:-?} executions, ${slots:-?} map slots hit, libFuzzer exit $status"
echo "   last status: ${last:-none}"
if [[ -n $crashers ]]; then
  echo "   findings (reproduce with: dotnet run --project fuzz/Sluice.Fuzz -- $target --replay DIR):"
  echo "$crashers" | sed 's/^/     /'
else
  echo "   no findings"
fi

if [[ ${SLUICE_FUZZ_MERGE:-0} == 1 ]]; then
  before=$(find "$corpus" -type f | wc -l)
  SLUICE_FUZZ_DLL=$publish/Sluice.Fuzz.dll SLUICE_FUZZ_TARGET=$target \
    "$driver" -merge=1 -use_counters=0 -timeout=10 -max_len="$max_len" "$corpus" "$work/corpus" </dev/null >>"$log" 2>&1
  after=$(find "$corpus" -type f | wc -l)
  echo "   merged $((after - before)) coverage-adding inputs into fuzz/corpus/$target ($(du -sh "$corpus" | cut -f1))"
fi
