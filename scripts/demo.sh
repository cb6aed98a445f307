#!/usr/bin/env bash
# The main job: build, compile the bundled LeNet-5 (trained on Fashion-MNIST)
# for the racetrack target at 8 bits, and run it on a bundled test image with
# the bit-exact simulator: prediction and per-layer profile.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
B=${BUILD_DIR:-build}
MODEL=testdata/models/lenet5/model.onnx
DATA=testdata/fashion_mnist
echo "== rtcc $MODEL --calib $DATA/calib.npy --bits 8 -o $B/lenet5.rtbin"
"$B/compiler/rtcc" "$MODEL" --calib "$DATA/calib.npy" --bits 8 \
  -o "$B/lenet5.rtbin"
echo
echo "== rtrun $B/lenet5.rtbin $DATA/sample0.npy   (label: 9, Ankle boot)"
"$B/runtime/rtrun" "$B/lenet5.rtbin" "$DATA/sample0.npy" --top 3
