//===- tests/unit/passes/PassManagerTest.cpp - Pipelines and registry -----===//
#include "passes/PassManager.h"

#include "ir/Graph.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {

TensorType f32(llvm::ArrayRef<int64_t> shape) {
  return TensorType(DType::F32, shape);
}

/// x -> relu -> output, plus a dead sigmoid.
Graph makeGraph() {
  Graph g("g");
  ValueId x = g.addInput(f32({2}), "x");
  NodeId r = g.addNode(OpKind::Relu, {x}, {f32({2})}, NoAttrs{});
  g.addNode(OpKind::Sigmoid, {x}, {f32({2})}, NoAttrs{});
  g.addOutput(g.getNode(r).results[0]);
  return g;
}

/// Test pass that corrupts the graph (wrong result type) or fails.
class BreakingPass : public GraphPass {
public:
  explicit BreakingPass(bool fail) : fail(fail) {}
  llvm::StringRef getName() const override { return "break"; }
  llvm::StringRef getDescription() const override { return "test"; }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override {
    ctx.stats().add("break", "runs");
    if (fail)
      return makeError({}, "cannot do it");
    g.getValue(g.getOutputs()[0]).type = f32({7});
    return Changed::Yes;
  }

private:
  bool fail;
};

/// Counts how often it ran.
class CountingPass : public GraphPass {
public:
  explicit CountingPass(int &runs) : runs(runs) {}
  llvm::StringRef getName() const override { return "count"; }
  llvm::StringRef getDescription() const override { return "test"; }
  llvm::Expected<Changed> run(Graph &, PassContext &) override {
    ++runs;
    return Changed::No;
  }

private:
  int &runs;
};

std::string render(llvm::Error err) {
  std::string out;
  llvm::raw_string_ostream os(out);
  renderErrors(std::move(err), os, "t");
  return out;
}

TEST(PassRegistry, ListsAndCreatesRegisteredPasses) {
  llvm::ArrayRef<PassRegistryEntry> passes = getRegisteredPasses();
  ASSERT_FALSE(passes.empty());
  EXPECT_EQ(passes[0].name, "dce");
  for (const PassRegistryEntry &e : passes) {
    std::unique_ptr<GraphPass> p = createPassByName(e.name);
    ASSERT_NE(p, nullptr) << e.name.str();
    EXPECT_EQ(p->getName(), e.name);
    EXPECT_EQ(p->getDescription(), e.description);
  }
  EXPECT_EQ(createPassByName("nope"), nullptr);
}

TEST(PassRegistry, ParsesPipelines) {
  PassManager pm;
  EXPECT_FALSE(bool(parsePassPipeline("", pm)));
  EXPECT_EQ(pm.size(), 0u);
  EXPECT_FALSE(bool(parsePassPipeline("dce, dce", pm)));
  EXPECT_EQ(pm.size(), 2u);
  EXPECT_EQ(render(parsePassPipeline("dce,nope", pm)),
            "t: error: unknown pass 'nope' (registered passes: dce, canonicalize, fold-constants, fold-batchnorm, fuse-activation, im2col, fold-qdq, quantize)\n");
  EXPECT_EQ(render(parsePassPipeline("dce,,dce", pm)),
            "t: error: empty pass name in pipeline 'dce,,dce'\n");
}

TEST(PassManager, RunsPassesInOrder) {
  Graph g = makeGraph();
  PassManager pm;
  ASSERT_FALSE(bool(parsePassPipeline("dce", pm)));
  PassContext ctx;
  EXPECT_FALSE(bool(pm.run(g, ctx)));
  EXPECT_EQ(g.getNumNodes(), 1u);
}

TEST(PassManager, VerifyEachNamesTheBrokenPass) {
  Graph g = makeGraph();
  int runs = 0;
  PassManager pm;
  pm.addPass(std::make_unique<BreakingPass>(false));
  pm.addPass(std::make_unique<CountingPass>(runs));
  PassContext ctx;
  std::string errs = render(pm.run(g, ctx));
  EXPECT_EQ(errs.rfind("t: error: verification failed after pass 'break'\n", 0),
            0u)
      << errs;
  EXPECT_NE(errs.find("'relu' result #0 has type tensor<7xf32>"),
            std::string::npos)
      << errs;
  EXPECT_EQ(runs, 0); // the pipeline stopped
}

TEST(PassManager, WithoutVerifyEachBrokenIrPasses) {
  Graph g = makeGraph();
  PassManagerOptions opts;
  opts.verifyEach = false;
  PassManager pm(opts);
  pm.addPass(std::make_unique<BreakingPass>(false));
  PassContext ctx;
  EXPECT_FALSE(bool(pm.run(g, ctx)));
}

TEST(PassManager, PassErrorsStopThePipeline) {
  Graph g = makeGraph();
  int runs = 0;
  std::string dump;
  llvm::raw_string_ostream dumpOs(dump);
  PassManagerOptions opts;
  opts.printIrOnFailure = true;
  opts.dumpStream = &dumpOs;
  PassManager pm(opts);
  pm.addPass(std::make_unique<BreakingPass>(true));
  pm.addPass(std::make_unique<CountingPass>(runs));
  PassContext ctx;
  EXPECT_EQ(render(pm.run(g, ctx)), "t: error: cannot do it\n");
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(dump.rfind("// -----// IR Dump After break Failed //----- //\n"
                       "graph @g(",
                       0),
            0u)
      << dump;
}

TEST(PassManager, PrintIrOnVerifierFailure) {
  Graph g = makeGraph();
  std::string dump;
  llvm::raw_string_ostream dumpOs(dump);
  PassManagerOptions opts;
  opts.printIrOnFailure = true;
  opts.dumpStream = &dumpOs;
  PassManager pm(opts);
  pm.addPass(std::make_unique<BreakingPass>(false));
  PassContext ctx;
  llvm::consumeError(pm.run(g, ctx));
  EXPECT_NE(dump.find("// -----// IR Dump After break Failed Verification "
                      "//----- //\n"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("%0 = relu %x : tensor<7xf32>"), std::string::npos)
      << dump;
}

TEST(PassManager, PrintAfterSelectedPasses) {
  Graph g = makeGraph();
  int runs = 0;
  std::string dump;
  llvm::raw_string_ostream dumpOs(dump);
  PassManagerOptions opts;
  opts.printAfter = {"dce"};
  opts.dumpStream = &dumpOs;
  PassManager pm(opts);
  pm.addPass(std::make_unique<CountingPass>(runs));
  ASSERT_FALSE(bool(parsePassPipeline("dce", pm)));
  PassContext ctx;
  ASSERT_FALSE(bool(pm.run(g, ctx)));
  EXPECT_EQ(dump, "// -----// IR Dump After dce //----- //\n"
                  "graph @g(%x: tensor<2xf32>) -> (tensor<2xf32>) {\n"
                  "  %0 = relu %x : tensor<2xf32>\n"
                  "  return %0\n"
                  "}\n\n");
  // print-after-all prints after both passes.
  dump.clear();
  opts.printAfter.clear();
  opts.printAfterAll = true;
  PassManager all(opts);
  all.addPass(std::make_unique<CountingPass>(runs));
  ASSERT_FALSE(bool(parsePassPipeline("dce", all)));
  ASSERT_FALSE(bool(all.run(g, ctx)));
  EXPECT_NE(dump.find("IR Dump After count "), std::string::npos);
  EXPECT_NE(dump.find("IR Dump After dce "), std::string::npos);
}

TEST(PassManager, TimePassesReport) {
  Graph g = makeGraph();
  std::string dump;
  llvm::raw_string_ostream dumpOs(dump);
  PassManagerOptions opts;
  opts.timePasses = true;
  opts.dumpStream = &dumpOs;
  PassManager pm(opts);
  ASSERT_FALSE(bool(parsePassPipeline("dce", pm)));
  PassContext ctx;
  ASSERT_FALSE(bool(pm.run(g, ctx)));
  EXPECT_NE(dump.find("Pass execution timing report"), std::string::npos);
  EXPECT_NE(dump.find("  dce\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("  (verifier)\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("  Total\n"), std::string::npos) << dump;
}

TEST(Statistics, PrintsSortedSums) {
  Statistics stats;
  EXPECT_TRUE(stats.empty());
  stats.add("zeta", "a", 2);
  stats.add("alpha", "b");
  stats.add("zeta", "a", 3);
  stats.add("alpha", "a", -1);
  std::string out;
  llvm::raw_string_ostream os(out);
  stats.print(os);
  EXPECT_EQ(out, "alpha.a = -1\nalpha.b = 1\nzeta.a = 5\n");
}

} // namespace
