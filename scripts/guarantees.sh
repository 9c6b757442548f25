#!/usr/bin/env bash
# The README's Guarantees: the guarantee tests, then the long runs with figures (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --filter 'GuaranteesTests|killedImportKeepsWholeBatches|HostileCorpusTests|TUIEndToEndTests|FuzzTests|readOnly'
swift build -c release --product recdeck
swift build -c release --product recdeck-bench
.build/release/recdeck-bench crash --count "${CRASH_COUNT:-200000}" --kills "${CRASH_KILLS:-10}"
.build/release/recdeck-bench concurrency --processes 8 --keys 1000
scripts/fuzz.sh "${FUZZ_COUNT:-40000}"
