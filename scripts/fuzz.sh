#!/usr/bin/env bash
# Longer fuzzing: the property-based FuzzTests with N cases per property (default 40,000; CI runs 400).
# A failure prints the failing input and a `.fixedSeed(...)` to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
RECDECK_FUZZ_COUNT="${1:-40000}" swift test --filter FuzzTests
