//===- tests/unit/ir/DiagnosticsTest.cpp - Locations and errors -----------===//
#include "ir/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {

std::string render(llvm::Error err, unsigned *count = nullptr) {
  std::string out;
  llvm::raw_string_ostream os(out);
  unsigned n = renderErrors(std::move(err), os, "tool");
  if (count)
    *count = n;
  return out;
}

TEST(Diagnostics, LocationStrings) {
  EXPECT_EQ(Location::unknown().str(), "");
  EXPECT_TRUE(Location::unknown().isUnknown());
  EXPECT_EQ(Location::inFile("m.onnx").str(), "m.onnx");
  EXPECT_EQ(Location::fileLineCol("a.rtg", 12, 8).str(), "a.rtg:12:8");
  EXPECT_EQ(Location::onnxNode("m.onnx", "conv_3", "Conv", 4, 13).str(),
            "m.onnx: node 'conv_3' (Conv, opset 13)");
  EXPECT_EQ(Location::onnxNode("m.onnx", "", "Relu", 7, -1).str(),
            "m.onnx: node #7 (Relu)");
  EXPECT_EQ(Location::insn("p.rtb", 1234, "shift").str(),
            "p.rtb: insn #1234 (shift)");
  EXPECT_EQ(Location::insn("p.rtb", 5, "").str(), "p.rtb: insn #5");
}

TEST(Diagnostics, DiagnosticStrWithNotes) {
  Diagnostic d;
  d.loc = Location::fileLineCol("a.rtg", 1, 2);
  d.message = "bad thing";
  d.notes.push_back("see here");
  EXPECT_EQ(d.str(), "a.rtg:1:2: error: bad thing\na.rtg:1:2: note: see here");
  Diagnostic w;
  w.severity = Severity::Warning;
  w.message = "hmm";
  EXPECT_EQ(w.str(), "warning: hmm");
}

TEST(Diagnostics, EmitErrorFormats) {
  llvm::Error err =
      emitError(Location::fileLineCol("f.rtg", 3, 4), "got {} of {}", 2, "x");
  EXPECT_EQ(render(std::move(err)), "f.rtg:3:4: error: got 2 of x\n");
}

TEST(Diagnostics, RenderPrefixesToolForUnlocatedErrors) {
  unsigned n = 0;
  EXPECT_EQ(render(makeError({}, "no location"), &n),
            "tool: error: no location\n");
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(render(llvm::createStringError("plain")), "tool: error: plain\n");
  EXPECT_EQ(render(llvm::Error::success(), &n), "");
  EXPECT_EQ(n, 0u);
}

TEST(Diagnostics, AttachLocationOnlyFillsMissingLocations) {
  Location here = Location::fileLineCol("h.rtg", 9, 1);
  llvm::Error joined = llvm::joinErrors(
      makeError({}, "first"),
      llvm::joinErrors(makeError(Location::inFile("other"), "second"),
                       llvm::createStringError("third")));
  unsigned n = 0;
  EXPECT_EQ(render(attachLocation(std::move(joined), here), &n),
            "h.rtg:9:1: error: first\n"
            "other: error: second\n"
            "h.rtg:9:1: error: third\n");
  EXPECT_EQ(n, 3u);
  EXPECT_FALSE(bool(attachLocation(llvm::Error::success(), here)));
}

TEST(Diagnostics, ErrorListCollectsAndResets) {
  ErrorList list;
  EXPECT_TRUE(list.empty());
  list.add(llvm::Error::success()); // not counted
  list.add(makeError(Location::fileLineCol("a", 1, 1), "one"));
  list.add(makeError(Location::fileLineCol("a", 2, 1), "two"));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(render(list.take()), "a:1:1: error: one\na:2:1: error: two\n");
  EXPECT_TRUE(list.empty());
  EXPECT_FALSE(bool(list.take()));
}

} // namespace
