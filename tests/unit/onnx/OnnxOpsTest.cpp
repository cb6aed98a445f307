//===- tests/unit/onnx/OnnxOpsTest.cpp - Per-op import semantics ----------===//
//
// Attribute resolution of the op importers: auto_pad, Reshape's 0 and -1,
// opset-dependent forms (attributes vs constant inputs), axis normalization
// and the inference-only restrictions. Expected values are worked out by
// hand from the ONNX operator specs (comments show the arithmetic).
//
//===----------------------------------------------------------------------===//
#include "OnnxTestModel.h"

#include "compiler/onnx/OpImporters.h"

#include <gtest/gtest.h>

#include <limits>

using namespace rtc;
using namespace rtc::onnx;
using namespace rtc::onnx::test;
using ::onnx::TensorProto;

namespace {

using Ints = llvm::SmallVector<int64_t, 4>;

Ints autoPad(llvm::StringRef mode, llvm::ArrayRef<int64_t> in,
             llvm::ArrayRef<int64_t> k, llvm::ArrayRef<int64_t> s,
             llvm::ArrayRef<int64_t> d, llvm::ArrayRef<int64_t> pads = {}) {
  return llvm::cantFail(resolveAutoPad(mode, in, k, s, d, pads));
}

TEST(OnnxOps, AutoPadSame) {
  // in 5, k 4, s 1: out = ceil(5/1) = 5, total = (5-1)*1 + 4 - 5 = 3.
  EXPECT_EQ(autoPad("SAME_UPPER", {5}, {4}, {1}, {1}), (Ints{1, 2}));
  EXPECT_EQ(autoPad("SAME_LOWER", {5}, {4}, {1}, {1}), (Ints{2, 1}));
  // in 7, k 3, s 2: out = 4, total = 3*2 + 3 - 7 = 2.
  EXPECT_EQ(autoPad("SAME_UPPER", {7}, {3}, {2}, {1}), (Ints{1, 1}));
  // in 6, k 3, dilation 2 (effective 5), s 1: total = 5 + 5 - 6 = 4.
  EXPECT_EQ(autoPad("SAME_LOWER", {6}, {3}, {1}, {2}), (Ints{2, 2}));
  // in 4, k 1, s 2: out = 2, total = 2 + 1 - 4 < 0 -> no padding.
  EXPECT_EQ(autoPad("SAME_UPPER", {4}, {1}, {2}, {1}), (Ints{0, 0}));
  // 2-D: dim 0 as the first case, dim 1 as the third: [b0, b1, e0, e1].
  EXPECT_EQ(autoPad("SAME_UPPER", {5, 7}, {4, 3}, {1, 2}, {1, 1}),
            (Ints{1, 1, 2, 1}));
}

TEST(OnnxOps, AutoPadValidAndNotSet) {
  EXPECT_EQ(autoPad("VALID", {5, 5}, {3, 3}, {1, 1}, {1, 1}),
            (Ints{0, 0, 0, 0}));
  EXPECT_EQ(autoPad("NOTSET", {5, 5}, {3, 3}, {1, 1}, {1, 1}),
            (Ints{0, 0, 0, 0}));
  EXPECT_EQ(autoPad("NOTSET", {5, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 2, 3, 4}),
            (Ints{1, 2, 3, 4}));
  auto bad = resolveAutoPad("SAME", {5}, {3}, {1}, {1}, {});
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("unknown auto_pad 'SAME'"),
            std::string::npos);
}

TEST(OnnxOps, ConvAutoPadIsResolvedFromStaticShapes) {
  TestModel m;
  m.input("x", {1, 1, 5, 7});
  m.initSplat("w", {1, 1, 4, 3}, 1.0f);
  auto &conv = m.node("Conv", {"x", "w"}, {"y"}, "conv");
  TestModel::attrString(conv, "auto_pad", "SAME_UPPER");
  TestModel::attrInts(conv, "strides", {1, 2});
  // Output: ceil(5/1) x ceil(7/2).
  m.output("y", {1, 1, 5, 4});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  const Node *n = findNode(*g, OpKind::Conv);
  EXPECT_EQ(n->getAttrs<ConvAttrs>().pads, (Ints{1, 1, 2, 1}));
  EXPECT_EQ(n->getAttrs<ConvAttrs>().kernelShape,
            (llvm::SmallVector<int64_t, 2>{4, 3}));
  EXPECT_EQ(g->getType(g->getOutputs()[0]),
            TensorType(DType::F32, {1, 1, 5, 4}));
}

TEST(OnnxOps, MaxPoolSameLower) {
  TestModel m;
  m.input("x", {1, 1, 5, 5});
  auto &pool = m.node("MaxPool", {"x"}, {"y"}, "pool");
  TestModel::attrInts(pool, "kernel_shape", {2, 2});
  TestModel::attrString(pool, "auto_pad", "SAME_LOWER");
  m.output("y", {1, 1, 5, 5});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  // total = 4 + 2 - 5 = 1, the odd element goes to the beginning.
  EXPECT_EQ(findNode(*g, OpKind::MaxPool)->getAttrs<PoolAttrs>().pads,
            (Ints{1, 1, 0, 0}));
}

TEST(OnnxOps, WindowAttributeErrors) {
  TestModel m;
  m.input("x", {1, 1, 5, 5});
  m.initSplat("w", {1, 1, 3, 3}, 1.0f);
  auto &c1 = m.node("Conv", {"x", "w"}, {"a"}, "both");
  TestModel::attrString(c1, "auto_pad", "VALID");
  TestModel::attrInts(c1, "pads", {1, 1, 1, 1});
  auto &c2 = m.node("Conv", {"x", "w"}, {"b"}, "kernel");
  TestModel::attrInts(c2, "kernel_shape", {2, 2});
  auto &c3 = m.node("Conv", {"x", "w"}, {"c"}, "strides");
  TestModel::attrInts(c3, "strides", {1, 1, 1});
  auto &p = m.node("AveragePool", {"x"}, {"d"}, "nokernel");
  (void)p;
  for (const char *o : {"a", "b", "c", "d"})
    m.output(o, {1, 1, "h", "w"});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 4u) << text;
  for (const char *e :
       {"node 'both' (Conv, opset 13): error: attributes 'pads' and "
        "'auto_pad' (VALID) cannot be used together",
        "node 'kernel' (Conv, opset 13): error: kernel_shape [2, 2] does "
        "not match the weight tensor<1x1x3x3xf32>",
        "node 'strides' (Conv, opset 13): error: attribute 'strides' has 3 "
        "entries, expected 2",
        "node 'nokernel' (AveragePool, opset 13): error: missing required "
        "attribute 'kernel_shape'"})
    EXPECT_NE(text.find(e), std::string::npos) << e << "\nin:\n" << text;
}

llvm::Expected<Ints> reshape(llvm::ArrayRef<int64_t> in,
                             llvm::ArrayRef<int64_t> target,
                             bool allowZero = false) {
  return resolveReshapeTarget(in, target, allowZero);
}

TEST(OnnxOps, ReshapeResolvesZeroAndMinusOne) {
  EXPECT_EQ(llvm::cantFail(reshape({2, 3, 4}, {0, -1})), (Ints{2, 12}));
  EXPECT_EQ(llvm::cantFail(reshape({2, 3, 4}, {-1})), (Ints{24}));
  // 0 copies dim 1 (3); -1 = 24 / (4 * 3) = 2.
  EXPECT_EQ(llvm::cantFail(reshape({2, 3, 4}, {4, 0, -1})), (Ints{4, 3, 2}));
  EXPECT_EQ(llvm::cantFail(reshape({2, 3, 4}, {6, 4})), (Ints{6, 4}));
  // allowzero: 0 is a real zero-sized dim.
  EXPECT_EQ(llvm::cantFail(reshape({0, 3}, {3, 0}, true)), (Ints{3, 0}));
}

TEST(OnnxOps, ReshapeErrors) {
  auto expectError = [](llvm::Expected<Ints> r, const char *msg) {
    ASSERT_FALSE(bool(r));
    std::string text = llvm::toString(r.takeError());
    EXPECT_NE(text.find(msg), std::string::npos) << text;
  };
  expectError(reshape({2, 3, 4}, {-1, -1}), "more than one -1");
  expectError(reshape({2, 3, 4}, {5, -1}), "-1 cannot be inferred");
  expectError(reshape({2, 3, 4}, {7}), "cannot reshape 24 elements to 7");
  expectError(reshape({24}, {4, 0}), "copies dim 1 (0) but the input has "
                                     "rank 1");
  expectError(reshape({2, 3, 4}, {0, -1}, true), "both 0 and -1");
  expectError(reshape({2, 3, 4}, {-2, 12}), "invalid entry -2");
}

TEST(OnnxOps, ReshapeWithAllowZeroAttribute) {
  TestModel m(14);
  m.input("x", {2, 3});
  m.initInts("shape", {3, 0, 2});
  auto &r = m.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
  TestModel::attrInt(r, "allowzero", 0);
  m.output("y", {3, 3, 2});
  // allowzero=0: the 0 copies input dim 1 (3), so 3*3*2 != 6 is an error.
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_NE(renderToString(g.takeError())
                .find("node 'reshape' (Reshape, opset 14): error: cannot "
                      "reshape 6 elements to 18 elements"),
            std::string::npos);
}

/// Imports x[dims] -> Squeeze or Unsqueeze -> y and returns the axes
/// attribute, or the error text.
std::string squeezeLike(int64_t opset, const char *op,
                        std::initializer_list<Dim> in,
                        std::initializer_list<Dim> out,
                        std::optional<std::vector<int64_t>> axes,
                        Ints *resolved) {
  TestModel m(opset);
  m.input("x", in);
  if (opset >= 13 && axes) {
    m.initInts("axes", *axes);
    m.node(op, {"x", "axes"}, {"y"}, "n");
  } else {
    auto &n = m.node(op, {"x"}, {"y"}, "n");
    if (axes) {
      auto *a = n.add_attribute();
      a->set_name("axes");
      a->set_type(::onnx::AttributeProto::INTS);
      for (int64_t v : *axes)
        a->add_ints(v);
    }
  }
  m.output("y", out);
  auto g = m.import();
  if (!g)
    return renderToString(g.takeError());
  const Node *n =
      findNode(*g, llvm::StringRef(op) == "Squeeze" ? OpKind::Squeeze
                                                    : OpKind::Unsqueeze);
  *resolved = Ints(n->getAttrs<AxesAttrs>().axes.begin(),
                   n->getAttrs<AxesAttrs>().axes.end());
  return "";
}

TEST(OnnxOps, SqueezeAxesAttributeVersusInput) {
  Ints axes;
  // Opset 11: attribute; -1 of rank 2 is 1.
  EXPECT_EQ(squeezeLike(11, "Squeeze", {3, 1}, {3}, {{-1}}, &axes), "");
  EXPECT_EQ(axes, (Ints{1}));
  // Opset 13: constant input.
  EXPECT_EQ(squeezeLike(13, "Squeeze", {1, 3}, {3}, {{0}}, &axes), "");
  EXPECT_EQ(axes, (Ints{0}));
  // No axes: every dim of size 1.
  EXPECT_EQ(squeezeLike(13, "Squeeze", {1, 3, 1}, {3}, std::nullopt, &axes),
            "");
  EXPECT_EQ(axes, (Ints{0, 2}));
}

TEST(OnnxOps, UnsqueezeAxesAreNormalizedByOutputRank) {
  Ints axes;
  // Output rank 3: -1 is 2; the result is sorted.
  EXPECT_EQ(squeezeLike(11, "Unsqueeze", {3}, {1, 3, 1}, {{-1, 0}}, &axes), "");
  EXPECT_EQ(axes, (Ints{0, 2}));
  EXPECT_EQ(squeezeLike(13, "Unsqueeze", {3}, {1, 3, 1}, {{-1, 0}}, &axes), "");
  EXPECT_EQ(axes, (Ints{0, 2}));
  std::string err =
      squeezeLike(13, "Unsqueeze", {3}, {1, 1, 3}, {{0, -3}}, &axes);
  EXPECT_NE(err.find("axes [0, -3] contain a duplicate"), std::string::npos)
      << err;
  err = squeezeLike(11, "Unsqueeze", {3}, {3}, std::nullopt, &axes);
  EXPECT_NE(err.find("missing required attribute 'axes'"), std::string::npos)
      << err;
}

TEST(OnnxOps, SqueezeAxesAttributeIsNotInOpset13) {
  TestModel m(13);
  m.input("x", {1, 3});
  auto &n = m.node("Squeeze", {"x"}, {"y"}, "sq");
  TestModel::attrInts(n, "axes", {0});
  m.output("y", {3});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_EQ(renderToString(g.takeError()),
            "test.onnx: node 'sq' (Squeeze, opset 13): error: attribute "
            "'axes' is not part of Squeeze at opset 13\n");
}

TEST(OnnxOps, SoftmaxBeforeOpset13Flattens) {
  TestModel m(11);
  m.input("x", {2, 3, 4});
  auto &n = m.node("Softmax", {"x"}, {"y"}, "sm");
  TestModel::attrInt(n, "axis", 1);
  m.output("y", {2, 3, 4});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  // [2,3,4] at axis 1 -> [2, 3*4], softmax over dim 1, back to [2,3,4].
  ASSERT_EQ(g->getNumNodes(), 3u);
  llvm::SmallVector<NodeId, 0> ids = g->getNodeIds();
  const Node &r1 = g->getNode(ids[0]), &sm = g->getNode(ids[1]),
             &r2 = g->getNode(ids[2]);
  EXPECT_EQ(r1.kind, OpKind::Reshape);
  EXPECT_EQ(r1.getAttrs<ReshapeAttrs>().shape, (Ints{2, 12}));
  EXPECT_EQ(sm.kind, OpKind::Softmax);
  EXPECT_EQ(sm.getAttrs<AxisAttrs>().axis, 1);
  EXPECT_EQ(r2.kind, OpKind::Reshape);
  EXPECT_EQ(r2.getAttrs<ReshapeAttrs>().shape, (Ints{2, 3, 4}));
  EXPECT_EQ(g->getValue(r2.results[0]).name, "y");
}

TEST(OnnxOps, SoftmaxOnLastAxisNeedsNoReshape) {
  for (int64_t opset : {11, 13}) {
    TestModel m(opset);
    m.input("x", {2, 3, 4});
    auto &n = m.node("Softmax", {"x"}, {"y"}, "sm");
    // Opset 13 defaults to -1; opset 11 is given the last axis.
    if (opset == 11)
      TestModel::attrInt(n, "axis", 2);
    m.output("y", {2, 3, 4});
    auto g = m.import();
    ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
    EXPECT_EQ(g->getNumNodes(), 1u);
    EXPECT_EQ(findNode(*g, OpKind::Softmax)->getAttrs<AxisAttrs>().axis, 2);
  }
}

TEST(OnnxOps, ClipBoundsFromAttributesOrInputs) {
  {
    TestModel m(10);
    m.input("x", {4});
    auto &n = m.node("Clip", {"x"}, {"y"}, "clip");
    TestModel::attrFloat(n, "min", -1.0f);
    TestModel::attrFloat(n, "max", 2.5f);
    m.output("y", {4});
    auto g = m.import();
    ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
    const auto &a = findNode(*g, OpKind::Clip)->getAttrs<ClipAttrs>();
    EXPECT_EQ(a.min, -1.0f);
    EXPECT_EQ(a.max, 2.5f);
  }
  {
    // Opset 11: max only (min omitted with an empty name).
    TestModel m(11);
    m.input("x", {4});
    m.initFloats("hi", {}, {6.0f});
    m.node("Clip", {"x", "", "hi"}, {"y"}, "clip");
    m.output("y", {4});
    auto g = m.import();
    ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
    const auto &a = findNode(*g, OpKind::Clip)->getAttrs<ClipAttrs>();
    EXPECT_EQ(a.min, -std::numeric_limits<float>::infinity());
    EXPECT_EQ(a.max, 6.0f);
  }
  {
    TestModel m(11);
    m.input("x", {4});
    m.input("lo", {});
    m.node("Clip", {"x", "lo"}, {"y"}, "clip");
    m.output("y", {4});
    auto g = m.import();
    ASSERT_FALSE(bool(g));
    EXPECT_NE(renderToString(g.takeError())
                  .find("operand 'min' ('lo', input 1) must be a "
                        "compile-time constant"),
              std::string::npos);
  }
}

TEST(OnnxOps, PadAttributesOrInputs) {
  {
    TestModel m(10);
    m.input("x", {2, 3});
    auto &n = m.node("Pad", {"x"}, {"y"}, "pad");
    TestModel::attrInts(n, "pads", {0, 1, 1, 2});
    TestModel::attrString(n, "mode", "reflect");
    m.output("y", {3, 6});
    auto g = m.import();
    ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
    const auto &a = findNode(*g, OpKind::Pad)->getAttrs<PadAttrs>();
    EXPECT_EQ(a.pads, (llvm::SmallVector<int64_t, 8>{0, 1, 1, 2}));
    EXPECT_EQ(a.mode, PadMode::Reflect);
  }
  {
    TestModel m(13);
    m.input("x", {2, 3});
    m.initInts("pads", {1, 0, 0, 0});
    m.initFloats("v", {}, {-2.5f});
    m.node("Pad", {"x", "pads", "v"}, {"y"}, "pad");
    m.output("y", {3, 3});
    auto g = m.import();
    ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
    const auto &a = findNode(*g, OpKind::Pad)->getAttrs<PadAttrs>();
    EXPECT_EQ(a.pads, (llvm::SmallVector<int64_t, 8>{1, 0, 0, 0}));
    EXPECT_EQ(a.mode, PadMode::Constant);
    EXPECT_EQ(a.value, -2.5);
  }
  {
    TestModel m(13);
    m.input("x", {2, 3});
    m.initInts("pads", {1, 0});
    auto &n = m.node("Pad", {"x", "pads"}, {"y"}, "pad");
    TestModel::attrString(n, "mode", "wrap");
    m.output("y", {3, 3});
    auto g = m.import();
    ASSERT_FALSE(bool(g));
    unsigned count = 0;
    std::string text = renderToString(g.takeError(), &count);
    EXPECT_EQ(count, 1u) << text;
    EXPECT_NE(text.find("unsupported pad mode 'wrap'"), std::string::npos)
        << text;
  }
}

TEST(OnnxOps, DropoutIsIdentityInInference) {
  TestModel m(10);
  m.input("x", {4});
  auto &n = m.node("Dropout", {"x"}, {"y"}, "drop");
  TestModel::attrFloat(n, "ratio", 0.3f);
  m.output("y", {4});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  EXPECT_EQ(g->getNumNodes(), 1u);
  EXPECT_NE(findNode(*g, OpKind::Identity), nullptr);
}

TEST(OnnxOps, InferenceOnlyRestrictions) {
  TestModel m(14);
  m.input("x", {1, 2, 3, 3});
  m.initFloats("s", {2}, {1, 1});
  m.initFloats("b", {2}, {0, 0});
  m.initFloats("mean", {2}, {0, 0});
  m.initFloats("var", {2}, {1, 1});
  auto &bn = m.node("BatchNormalization", {"x", "s", "b", "mean", "var"},
                    {"y1", "rm", "rv"}, "bn");
  TestModel::attrInt(bn, "training_mode", 1);
  m.node("Dropout", {"x"}, {"y2", "mask"}, "drop");
  auto &pool = m.node("MaxPool", {"x"}, {"y3", "idx"}, "pool");
  TestModel::attrInts(pool, "kernel_shape", {2, 2});
  m.initFloats("ratio", {}, {0.5f});
  m.initFloats("train", {}, {1.0f});
  m.node("Dropout", {"x", "ratio", "train"}, {"y4"}, "drop_train");
  for (const char *o : {"y1", "rm", "y2", "mask", "y3", "idx", "y4"})
    m.output(o, {"?"});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 5u) << text;
  for (const char *e :
       {"node 'bn' (BatchNormalization, opset 14): error: training_mode=1 "
        "is not supported (inference only)",
        "node 'bn' (BatchNormalization, opset 14): error: output 1 ('rm') is "
        "a training-mode statistic",
        "node 'drop' (Dropout, opset 14): error: the mask output ('mask') is "
        "not supported",
        "node 'pool' (MaxPool, opset 14): error: the Indices output ('idx') "
        "is not supported",
        "node 'drop_train' (Dropout, opset 14): error: training_mode=true is "
        "not supported"})
    EXPECT_NE(text.find(e), std::string::npos) << e << "\nin:\n" << text;
}

TEST(OnnxOps, GemmNeedsCBeforeOpset11) {
  TestModel m(9);
  m.input("a", {2, 3});
  m.initSplat("bmat", {3, 4}, 1.0f);
  m.node("Gemm", {"a", "bmat"}, {"y"}, "gemm");
  m.output("y", {2, 4});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_NE(renderToString(g.takeError())
                .find("node 'gemm' (Gemm, opset 9): error: input C is "
                      "required before opset 11"),
            std::string::npos);
}

TEST(OnnxOps, AxesAreNormalized) {
  TestModel m;
  m.input("x", {2, 3, 4});
  auto &f = m.node("Flatten", {"x"}, {"f"}, "flatten");
  TestModel::attrInt(f, "axis", -1);
  auto &c = m.node("Concat", {"x", "x"}, {"c"}, "concat");
  TestModel::attrInt(c, "axis", -2);
  m.node("Transpose", {"x"}, {"t"}, "transpose");
  m.output("f", {6, 4});
  m.output("c", {2, 6, 4});
  m.output("t", {4, 3, 2});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  EXPECT_EQ(findNode(*g, OpKind::Flatten)->getAttrs<AxisAttrs>().axis, 2);
  EXPECT_EQ(findNode(*g, OpKind::Concat)->getAttrs<AxisAttrs>().axis, 1);
  EXPECT_EQ(findNode(*g, OpKind::Transpose)->getAttrs<TransposeAttrs>().perm,
            (Ints{2, 1, 0}));
}

TEST(OnnxOps, BadAxesAndPermutations) {
  TestModel m;
  m.input("x", {2, 3});
  auto &c = m.node("Concat", {"x", "x"}, {"c"}, "concat");
  TestModel::attrInt(c, "axis", 2);
  auto &t = m.node("Transpose", {"x"}, {"t"}, "transpose");
  TestModel::attrInts(t, "perm", {0, 0});
  m.output("c", {"?", "?"});
  m.output("t", {"?", "?"});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 2u) << text;
  EXPECT_NE(text.find("node 'concat' (Concat, opset 13): error: axis 2 is "
                      "out of range for rank 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("node 'transpose' (Transpose, opset 13): error: perm "
                      "[0, 0] is not a permutation of the 2 dims"),
            std::string::npos)
      << text;
}

TEST(OnnxOps, ConstantForms) {
  TestModel m(13);
  m.input("x", {});
  auto &c = m.node("Constant", {}, {"k"}, "k");
  TestModel::attrFloat(c, "value_float", 1.5f);
  m.node("Add", {"x", "k"}, {"y"}, "add");
  m.output("y", {});
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  const Tensor *k = g->getConstantValue(findNode(*g, OpKind::Add)->operands[1]);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->getType(), TensorType(DType::F32, {}));
  EXPECT_EQ(k->getData<float>()[0], 1.5f);
}

} // namespace
