//===- tests/unit/passes/PipelineTest.cpp - The production pipelines ------===//
#include "passes/Pipelines.h"

#include "TestUtils.h"

using namespace rtc;
using namespace rtc::test;

namespace {

/// x -> identity -> conv -> batch_norm -> relu -> flatten -> matmul(w) + b
/// -> relu: every pass of the float pipeline has something to do.
Graph makeSmallCnn() {
  Graph g("cnn");
  ValueId x = g.addInput(f32Type({1, 2, 4, 4}), "x");
  ValueId id = build(g, OpKind::Identity, {x});
  ConvAttrs a;
  a.kernelShape = {3, 3};
  a.strides = {1, 1};
  a.dilations = {1, 1};
  a.pads = {1, 1, 1, 1};
  ValueId z = build(g, OpKind::Conv, {id, randomConstant(g, {3, 2, 3, 3}, 1)},
                    a);
  ValueId bn = build(g, OpKind::BatchNorm,
                     {z, randomConstant(g, {3}, 2, "", 0.5, 1.5),
                      randomConstant(g, {3}, 3), randomConstant(g, {3}, 4),
                      randomConstant(g, {3}, 5, "", 0.5, 2.0)},
                     BatchNormAttrs{});
  ValueId r = build(g, OpKind::Relu, {bn});
  ValueId flat = build(g, OpKind::Flatten, {r}, AxisAttrs{1});
  // The weight arrives transposed, as exporters often write it.
  ValueId wt = randomConstant(g, {5, 48}, 6);
  ValueId w = build(g, OpKind::Transpose, {wt}, TransposeAttrs{{1, 0}});
  ValueId mm = build(g, OpKind::MatMul, {flat, w});
  ValueId sum = build(g, OpKind::Add, {mm, randomConstant(g, {5}, 7)});
  g.addOutput(build(g, OpKind::Relu, {sum}, NoAttrs{}, "y"));
  return g;
}

TEST(Pipelines, FloatPipelineFoldsAndFuses) {
  Graph g = makeSmallCnn();
  Graph before = g;
  PassManager pm;
  buildFloatPipeline(pm, CompileOptions{});
  PassContext ctx;
  ASSERT_FALSE(bool(pm.run(g, ctx)));
  EXPECT_EQ(countNodes(g, OpKind::Identity), 0u);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Relu), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Transpose), 0u);
  EXPECT_EQ(countNodes(g, OpKind::MatMul), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Add), 0u);
  const Node *conv = findNode(g, OpKind::Conv);
  const Node *gemm = findNode(g, OpKind::Gemm);
  ASSERT_NE(conv, nullptr);
  ASSERT_NE(gemm, nullptr);
  EXPECT_EQ(conv->getAttrs<ConvAttrs>().activation.kind,
            ActivationKind::Relu);
  EXPECT_EQ(gemm->getAttrs<GemmAttrs>().activation.kind,
            ActivationKind::Relu);
  // Constants: conv weight and bias, gemm weight and bias.
  EXPECT_EQ(countNodes(g, OpKind::Constant), 4u);
  EXPECT_EQ(g.getNumNodes(), 7u); // + conv, flatten, gemm
  expectSameResults(before, g, 8);

  // A second run changes nothing (the pipeline reaches a fixed point).
  Graph once = g;
  PassManager again;
  buildFloatPipeline(again, CompileOptions{});
  ASSERT_FALSE(bool(again.run(g, ctx)));
  EXPECT_TRUE(g == once);
}

TEST(Pipelines, DefaultPipelineLowersIm2ColWhenAsked) {
  Graph g = makeSmallCnn();
  Graph before = g;
  CompileOptions options;
  options.lowerIm2Col = true;
  PassManager pm;
  buildDefaultPipeline(pm, options);
  PassContext ctx;
  ASSERT_FALSE(bool(pm.run(g, ctx)));
  EXPECT_EQ(countNodes(g, OpKind::Conv), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Im2Col), 1u);
  expectSameResults(before, g, 9);
}

TEST(Pipelines, QuantizeAddsPasses) {
  CompileOptions options;
  PassManager plain, quantized;
  buildDefaultPipeline(plain, options);
  options.quantize = true;
  buildDefaultPipeline(quantized, options);
  // quantize, fold-constants and dce.
  EXPECT_EQ(quantized.size(), plain.size() + 3);
}

} // namespace
