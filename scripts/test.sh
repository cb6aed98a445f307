#!/usr/bin/env bash
# Builds with warnings as errors and runs every test (gtest, lit, ONNX
# conformance, source checks) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
RTC_WERROR=ON scripts/setup.sh
B=${BUILD_DIR:-build}
ctest --test-dir "$B" --output-on-failure -j "$(nproc)"
