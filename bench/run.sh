#!/usr/bin/env bash
# Builds rtc-bench in build/ (or $BUILD_DIR) if needed and runs it; any
# arguments go to rtc-bench (e.g. --images 500, --json bench.json). With
# none it benchmarks the three committed models on 200 images at 8 bits.
# Dependencies: scripts/setup.sh installs them (and builds everything).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD_DIR" --target rtc-bench >/dev/null
exec "$BUILD_DIR/bench/rtc-bench" "$@"
