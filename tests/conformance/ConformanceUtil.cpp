//===- tests/conformance/ConformanceUtil.cpp - Shared runner helpers ------===//
#include "tests/conformance/ConformanceUtil.h"

#include "ir/Diagnostics.h"
#include "ir/TensorFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

using namespace rtc;
using namespace rtc::conformance;

llvm::StringRef conformance::statusName(Status s) {
  switch (s) {
  case Status::Pass:
    return "PASS";
  case Status::Fail:
    return "FAIL";
  case Status::Skip:
    return "SKIP";
  }
  return "?";
}

std::string conformance::errorText(llvm::Error err, bool dropLocations) {
  std::string text;
  llvm::raw_string_ostream os(text);
  renderErrors(std::move(err), os, "");
  os.flush();
  llvm::StringRef trimmed = llvm::StringRef(text).rtrim();
  llvm::SmallVector<llvm::StringRef, 4> lines;
  trimmed.split(lines, '\n');
  if (dropLocations)
    for (llvm::StringRef &line : lines) {
      size_t pos = line.find("error: ");
      if (pos != llvm::StringRef::npos)
        line = line.drop_front(pos + 7);
    }
  return llvm::join(lines, "; ");
}

std::string conformance::getModelPath(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "model.onnx");
  return std::string(path);
}

std::string conformance::getDataDir(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "test_data_set_0");
  return std::string(path);
}

/// Case directories under \p root (or \p root itself), sorted.
static std::vector<std::string> findCaseDirs(llvm::StringRef root) {
  if (llvm::sys::fs::exists(getModelPath(root)))
    return {root.str()};
  std::vector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::exists(getModelPath(it->path())))
      dirs.push_back(it->path());
  llvm::sort(dirs);
  return dirs;
}

llvm::Expected<std::vector<TestCase>>
conformance::findCases(llvm::ArrayRef<std::string> roots,
                       llvm::StringRef filter) {
  std::vector<TestCase> cases;
  for (const std::string &root : roots) {
    if (!llvm::sys::fs::is_directory(root))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "'" + root + "' is not a directory");
    std::string suite =
        llvm::sys::path::filename(llvm::StringRef(root).rtrim('/')).str();
    for (std::string &dir : findCaseDirs(root)) {
      std::string name = suite + "/" + llvm::sys::path::filename(dir).str();
      if (!filter.empty() && !llvm::StringRef(name).contains(filter))
        continue;
      cases.push_back({std::move(dir), std::move(name)});
    }
  }
  return cases;
}

llvm::Expected<std::vector<Tensor>>
conformance::readTensors(llvm::StringRef dataDir, llvm::StringRef prefix) {
  std::vector<Tensor> tensors;
  for (unsigned i = 0;; ++i) {
    llvm::SmallString<256> path(dataDir);
    llvm::sys::path::append(path, fmt::format("{}_{}.pb", prefix.str(), i));
    if (!llvm::sys::fs::exists(path))
      return tensors;
    auto nt = readTensorFile(path, nullptr);
    if (!nt)
      return nt.takeError();
    tensors.push_back(std::move(nt->tensor));
  }
}

std::vector<std::string>
conformance::getUnsupportedOpTypes(const onnx::ModelSummary &s) {
  std::vector<std::string> unsupported;
  for (const std::string &op : s.opTypes)
    if (!onnx::isSupportedOpType(op))
      unsupported.push_back(op);
  return unsupported;
}

std::string conformance::getOpsetProblem(const onnx::ModelSummary &s) {
  if (s.opset >= onnx::minSupportedOpset && s.opset <= onnx::maxSupportedOpset)
    return "";
  return fmt::format("opset {} outside the supported range {}-{}", s.opset,
                     onnx::minSupportedOpset, onnx::maxSupportedOpset);
}

std::string conformance::escapeMarkdown(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

