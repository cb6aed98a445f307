#!/usr/bin/env bash
# Source rules that a compiler cannot check (run by ctest):
#  * no exceptions in library code: `throw`/`catch` only in the ONNX boundary
#    file, where libonnx/protobuf exceptions become llvm::Error;
#  * no <iostream> in libraries;
#  * no exit()/abort() in libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
libs=(ir passes targets runtime compiler/onnx tools)
hits=$(grep -rnE '\b(throw|catch)\b' --include='*.cpp' --include='*.h' \
  "${libs[@]}" | grep -v '^compiler/onnx/OnnxBoundary.cpp:' |
  grep -vE ':[0-9]+:\s*(//|///|\*)' || true)
if [[ -n $hits ]]; then
  echo "check-sources: throw/catch outside compiler/onnx/OnnxBoundary.cpp:"
  echo "$hits"
  status=1
fi
hits=$(grep -rn '#include <iostream>' "${libs[@]}" || true)
if [[ -n $hits ]]; then
  echo "check-sources: <iostream> in library code:"
  echo "$hits"
  status=1
fi
hits=$(grep -rnE '\b(std::)?(exit|abort)\s*\(' --include='*.cpp' \
  --include='*.h' "${libs[@]}" | grep -vE ':[0-9]+:\s*(//|///|\*)' || true)
if [[ -n $hits ]]; then
  echo "check-sources: exit()/abort() in library code:"
  echo "$hits"
  status=1
fi
[[ $status -eq 0 ]] && echo "check-sources: ok"
exit $status
