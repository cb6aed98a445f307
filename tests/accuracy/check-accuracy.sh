#!/usr/bin/env bash
# check-accuracy.sh RTCC MODEL.onnx FASHION_MNIST_DIR TORCH_FLOAT_TOP1
#
# Runs `rtcc MODEL --calib calib.npy --bits 8 --evaluate eval_x.npy
# --labels eval_y.npy` and checks that
#   * it exits 0 and prints "float top-1: F" and "quantized top-1: Q";
#   * F - Q <= 0.010 (int8 within 1.0 point of float);
#   * |F - TORCH_FLOAT_TOP1| <= 0.004 (rtcc's float interpreter agrees with
#     torch, an independent oracle, up to 2 of the 500 images).
set -euo pipefail
rtcc=$1 model=$2 data=$3 torch=$4
out=$("$rtcc" "$model" --calib "$data/calib.npy" --bits 8 \
  --evaluate "$data/eval_x.npy" --labels "$data/eval_y.npy")
echo "$out"
f=$(sed -n 's/^float top-1: \([0-9.]*\)$/\1/p' <<<"$out")
q=$(sed -n 's/^quantized top-1: \([0-9.]*\)$/\1/p' <<<"$out")
if [[ -z $f || -z $q ]]; then
  echo "check-accuracy: missing 'float top-1' / 'quantized top-1' lines"
  exit 1
fi
awk -v f="$f" -v q="$q" -v t="$torch" 'BEGIN {
  status = 0
  if (f - q > 0.0100001) {
    printf "check-accuracy: int8 top-1 %s is more than 1.0 point below " \
           "float %s\n", q, f
    status = 1
  }
  d = f - t; if (d < 0) d = -d
  if (d > 0.0040001) {
    printf "check-accuracy: float top-1 %s differs from torch %s\n", f, t
    status = 1
  }
  if (status == 0)
    printf "check-accuracy: ok (float %s, int8 %s, torch %s)\n", f, q, t
  exit status
}'
