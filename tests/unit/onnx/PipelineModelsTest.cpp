//===- tests/unit/onnx/PipelineModelsTest.cpp - Float pipeline on models --===//
//
// The float pipeline (passes/Pipelines.h) on the committed trained models:
// batch norms fold, Relu fuses into Conv/Gemm, and the reference outputs on
// the committed sample input do not change beyond float rounding (and still
// match the outputs torch recorded with the model); im2col lowering on top
// keeps them as well.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "ir/TensorFile.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "passes/Pipelines.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace rtc;

namespace {

unsigned countKind(const Graph &g, OpKind kind) {
  unsigned n = 0;
  for (NodeId id : g.getNodeIds())
    n += g.getNode(id).kind == kind;
  return n;
}

/// \returns the number of Relu/Clip nodes reading a Conv or Gemm result
/// (each one a missed fusion).
unsigned countUnfusedActivations(const Graph &g) {
  unsigned n = 0;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    if (node.kind != OpKind::Relu && node.kind != OpKind::Clip)
      continue;
    const Node *producer = g.getProducer(node.operands[0]);
    n += producer && (producer->kind == OpKind::Conv ||
                      producer->kind == OpKind::Gemm);
  }
  return n;
}

unsigned countFusedActivations(const Graph &g) {
  unsigned n = 0;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    if (node.kind == OpKind::Conv)
      n += node.getAttrs<ConvAttrs>().activation.kind != ActivationKind::None;
    if (node.kind == OpKind::Gemm)
      n += node.getAttrs<GemmAttrs>().activation.kind != ActivationKind::None;
  }
  return n;
}

void expectClose(const Tensor &expected, const Tensor &actual, float rtol,
                 float atol, const std::string &what) {
  ASSERT_EQ(expected.getShape(), actual.getShape()) << what;
  for (int64_t i = 0; i < expected.getNumElements(); ++i) {
    double e = expected.getAsDouble(i), a = actual.getAsDouble(i);
    EXPECT_LE(std::fabs(e - a), atol + rtol * std::fabs(e))
        << what << " element " << i;
  }
}

struct ModelCase {
  const char *name;
  unsigned batchNorms; ///< in the imported model
  unsigned fusions;    ///< Relu nodes the pipeline fuses
};

class PipelineModels : public ::testing::TestWithParam<ModelCase> {};

TEST_P(PipelineModels, FloatPipelineFoldsFusesAndKeepsResults) {
  const ModelCase &mc = GetParam();
  std::string dir = std::string(RTC_SOURCE_DIR) + "/testdata/models/" +
                    mc.name;
  auto imported = onnx::importModelFile(dir + "/model.onnx");
  ASSERT_TRUE(bool(imported)) << llvm::toString(imported.takeError());
  Graph before = *imported;
  EXPECT_EQ(countKind(before, OpKind::BatchNorm), mc.batchNorms);

  Graph after = before;
  PassManager pm;
  buildFloatPipeline(pm, CompileOptions{});
  PassContext ctx;
  ASSERT_FALSE(bool(pm.run(after, ctx)));
  ASSERT_FALSE(bool(verify(after)));
  EXPECT_EQ(countKind(after, OpKind::BatchNorm), 0u);
  EXPECT_EQ(countUnfusedActivations(after), 0u);
  EXPECT_EQ(countFusedActivations(after), mc.fusions);
  EXPECT_EQ(countKind(before, OpKind::Relu) - countKind(after, OpKind::Relu),
            mc.fusions);

  auto input = readTensorFile(dir + "/test_data_set_0/input_0.pb", nullptr);
  auto expected = readTensorFile(dir + "/test_data_set_0/output_0.pb",
                                 nullptr);
  ASSERT_TRUE(bool(input)) << llvm::toString(input.takeError());
  ASSERT_TRUE(bool(expected)) << llvm::toString(expected.takeError());
  auto a = interpret(before, {input->tensor});
  auto b = interpret(after, {input->tensor});
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  expectClose((*a)[0], (*b)[0], 1e-4f, 1e-5f, "before vs after");
  expectClose(expected->tensor, (*b)[0], 1e-4f, 1e-4f, "torch vs after");

  // Lowering every conv to im2col + matmul keeps the results too.
  Graph lowered = after;
  PassManager lower;
  lower.addPass(createPassByName("im2col"));
  ASSERT_FALSE(bool(lower.run(lowered, ctx)));
  EXPECT_EQ(countKind(lowered, OpKind::Conv), 0u);
  auto c = interpret(lowered, {input->tensor});
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  expectClose((*a)[0], (*c)[0], 1e-4f, 1e-4f, "before vs im2col");
}

// lenet5: conv+relu twice, gemm+relu twice. lenet5_k3_wide: conv+bn+relu
// twice, gemm+relu once. dwres: three conv+bn (two followed by relu); the
// relu after the residual add stays.
INSTANTIATE_TEST_SUITE_P(Models, PipelineModels,
                         ::testing::Values(ModelCase{"lenet5", 0, 4},
                                           ModelCase{"lenet5_k3_wide", 2, 3},
                                           ModelCase{"dwres", 3, 2}),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

} // namespace
