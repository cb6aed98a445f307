#!/usr/bin/env bash
# The main job: build, then import the bundled LeNet-5 (trained on
# Fashion-MNIST), print its IR, and classify a bundled test image with the
# float reference interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
B=${BUILD_DIR:-build}
MODEL=testdata/models/lenet5/model.onnx
echo "== rtcc $MODEL --emit=ir --elide-constants"
"$B/compiler/rtcc" "$MODEL" --emit=ir --elide-constants
echo
echo "== rtcc $MODEL --reference testdata/fashion_mnist/sample0.npy"
"$B/compiler/rtcc" "$MODEL" --reference testdata/fashion_mnist/sample0.npy \
  --class-names testdata/fashion_mnist/classes.txt
