#!/bin/sh
# check-placements.sh MODEL.onnx CALIB.npy SAMPLE.npy TMP [--set k=v ...]
#
# For one model and one hardware config: rtcc --report-placement (which
# fails unless every strategy's predicted shifts equal the simulator's and
# auto beats or ties every strategy), then every strategy compiled and run,
# its dequantized outputs byte-identical to the integer golden model.
set -eu
model=$1 calib=$2 sample=$3 tmp=$4
shift 4
rtcc "$model" --calib "$calib" --bits 8 "$@" --report-placement > "$tmp.report"
rtcc "$model" --calib "$calib" --bits 8 --golden "$sample" -o "$tmp.golden.npy"
for p in ofu liao chen shiftsreduce interleave auto; do
  rtcc "$model" --calib "$calib" --bits 8 "$@" --placement=$p -o "$tmp.$p.rtbin" > /dev/null
  rtrun "$tmp.$p.rtbin" "$sample" "$@" -o "$tmp.$p.npy" > /dev/null
  cmp "$tmp.$p.npy" "$tmp.golden.npy"
done
cat "$tmp.report"
