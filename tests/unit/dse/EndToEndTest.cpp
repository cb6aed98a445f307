//===- tests/unit/dse/EndToEndTest.cpp - runSweep on a committed model ----===//
//
// A small real sweep through the library: the reports of a run are
// well-formed (the SVGs checked by XmlCheck.h), and a second run reuses
// every point.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Runner.h"

#include "tools/rtdse/Report.h"

#include "XmlCheck.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace rtc;
using namespace rtc::dse;
using namespace rtc::dse::test;

static std::string source(const char *rel) {
  return std::string(RTC_SOURCE_DIR) + "/" + rel;
}

TEST(EndToEnd, RealSweepWritesWellFormedReportsAndResumes) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("rtdse-e2e", dir));
  RunOptions opts;
  Manifest &m = opts.manifest;
  m.models = {{"lenet5", {source("testdata/models/lenet5/model.onnx"), ""}}};
  m.calib.path = source("testdata/fashion_mnist/calib.npy");
  m.eval.path = source("testdata/fashion_mnist/eval_x.npy");
  m.labels.path = source("testdata/fashion_mnist/eval_y.npy");
  for (FileRef *f : {&m.models[0].file, &m.calib, &m.eval, &m.labels}) {
    auto hash = hashFile(f->path);
    ASSERT_TRUE(bool(hash)) << llvm::toString(hash.takeError());
    f->sha256 = *hash;
  }
  m.evalLimit = 5;
  m.spec.axes = {{"ports_per_track", {"1", "4"}}};
  m.spec.bits = {8, 4};
  m.spec.placements = {racetrack::place::Strategy::Ofu};
  opts.outDir = dir.str().str();
  opts.jobs = 2;
  opts.quiet = true;

  std::string log;
  llvm::raw_string_ostream logStream(log);
  auto first = runSweep(opts, logStream);
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  EXPECT_EQ(first->points, 4u);
  EXPECT_EQ(first->computed, 4u);
  EXPECT_EQ(first->failed, 0u);
  EXPECT_EQ(opts.manifest.evalSamples, 5);
  EXPECT_EQ(log, ""); // quiet

  for (const std::string &name : getReportFileNames()) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    auto buf = llvm::MemoryBuffer::getFile(path);
    ASSERT_TRUE(bool(buf)) << name;
    std::string text = (*buf)->getBuffer().str();
    if (llvm::StringRef(name).ends_with(".svg")) {
      EXPECT_EQ(checkXml(text), "") << name;
    }
    if (name == "results.csv") {
      EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
    }
  }

  auto second = runSweep(opts, logStream);
  ASSERT_TRUE(bool(second)) << llvm::toString(second.takeError());
  EXPECT_EQ(second->computed, 0u);
  EXPECT_EQ(second->reused, 4u);
  llvm::sys::fs::remove_directories(dir);
}
