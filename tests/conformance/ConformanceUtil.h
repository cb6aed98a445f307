//===- tests/conformance/ConformanceUtil.h - Shared helpers ----*- C++ -*-===//
//
// What the ONNX conformance tools (rtc-conformance, rtc-backend-conformance)
// share: the case status, finding test case directories (model.onnx plus
// test_data_set_0/{input,output}_<i>.pb) under the given roots, reading
// their tensors, the frontend's pre-import skip checks, one-line error text
// and the Markdown summary's helpers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/onnx/OnnxImporter.h"
#include "ir/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace rtc::conformance {

/// The outcome of a case (or of one config of a case).
enum class Status { Pass, Fail, Skip };

/// \returns "PASS", "FAIL" or "SKIP".
llvm::StringRef statusName(Status s);

/// Renders every error in \p err on one line, separated by "; ". With
/// \p dropLocations, each message loses its "file: node ... : error: "
/// prefix (a node test has one node; the case name says which model).
std::string errorText(llvm::Error err, bool dropLocations = false);

/// One test case directory.
struct TestCase {
  std::string dir;  ///< the directory holding model.onnx
  std::string name; ///< "<suite>/<case>", e.g. "node/test_add"
};

/// The cases under each of \p roots, in root order and sorted by path
/// within a root: a root holding model.onnx is one case, otherwise each of
/// its subdirectories holding one is; a case's suite is its root's name.
/// Only cases whose name contains \p filter (if not empty) are listed.
/// Errors if a root is not a directory.
llvm::Expected<std::vector<TestCase>>
findCases(llvm::ArrayRef<std::string> roots, llvm::StringRef filter);

/// \returns <dir>/model.onnx.
std::string getModelPath(llvm::StringRef dir);
/// \returns <dir>/test_data_set_0.
std::string getDataDir(llvm::StringRef dir);

/// Reads <dataDir>/<prefix>_<i>.pb for i = 0, 1, ... until one is missing.
llvm::Expected<std::vector<Tensor>> readTensors(llvm::StringRef dataDir,
                                                llvm::StringRef prefix);

/// \returns the op types of \p s the ONNX frontend does not support, in
/// model order.
std::vector<std::string> getUnsupportedOpTypes(const onnx::ModelSummary &s);

/// \returns "opset N outside the supported range 7-17" if \p s's opset is
/// outside the frontend's range, else "".
std::string getOpsetProblem(const onnx::ModelSummary &s);

/// \returns \p s fit for a Markdown table cell: '|' escaped, newlines as
/// spaces.
std::string escapeMarkdown(llvm::StringRef s);


} // namespace rtc::conformance
