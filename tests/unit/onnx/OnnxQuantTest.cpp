//===- tests/unit/onnx/OnnxQuantTest.cpp - Pre-quantized ONNX import ------===//
//
// QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger
// and MatMulInteger keep the model's scales. Expected parameters and
// results are worked out by hand from the ONNX operator specs (comments
// show the arithmetic); the one non-trivial multiplier was computed
// independently in Python (round(r * 2^34) for r = 0.1f * 0.2f / 0.3f).
//
//===----------------------------------------------------------------------===//
#include "OnnxTestModel.h"

#include "ir/TensorFile.h"
#include "ir/reference/Interpreter.h"
#include "passes/FoldQdq.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace rtc;
using namespace rtc::onnx;
using namespace rtc::onnx::test;
using ::onnx::TensorProto;

namespace {

/// Adds an initializer of C++ element type T (raw_data) to \p m.
template <typename T>
void initRaw(TestModel &m, const std::string &name,
             std::initializer_list<int64_t> dims, std::vector<T> values,
             int32_t onnxType) {
  auto *t = m.graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnxType);
  for (int64_t d : dims)
    t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                              values.size() * sizeof(T)));
}

void scaleInit(TestModel &m, const std::string &name,
               std::initializer_list<int64_t> dims, std::vector<float> v) {
  initRaw<float>(m, name, dims, std::move(v), TensorProto::FLOAT);
}
void u8Init(TestModel &m, const std::string &name,
            std::initializer_list<int64_t> dims, std::vector<uint8_t> v) {
  initRaw<uint8_t>(m, name, dims, std::move(v), TensorProto::UINT8);
}
void i8Init(TestModel &m, const std::string &name,
            std::initializer_list<int64_t> dims, std::vector<int8_t> v) {
  initRaw<int8_t>(m, name, dims, std::move(v), TensorProto::INT8);
}

QuantParams perTensor(float scale, int64_t zp) {
  QuantParams q;
  q.scales = {scale};
  q.zeroPoints = {zp};
  return q;
}

QuantParams perAxis(int64_t axis, std::vector<float> scales,
                    std::vector<int64_t> zps) {
  QuantParams q;
  q.scales.assign(scales.begin(), scales.end());
  q.zeroPoints.assign(zps.begin(), zps.end());
  q.axis = axis;
  return q;
}

/// Imports \p m, expecting success.
Graph importOk(const TestModel &m) {
  auto g = m.import();
  if (!g) {
    ADD_FAILURE() << renderToString(g.takeError());
    return Graph();
  }
  return std::move(*g);
}

/// Imports \p m, expecting failure; \returns the rendered errors.
std::string importError(const TestModel &m) {
  auto g = m.import();
  if (g) {
    ADD_FAILURE() << "import unexpectedly succeeded";
    return "";
  }
  return renderToString(g.takeError());
}

/// A tensor of graph input \p i's type (with its quant params) holding
/// \p values.
template <typename T>
Tensor inputTensor(const Graph &g, size_t i, std::vector<T> values) {
  Tensor t = Tensor::fromValues<T>(g.getType(g.getInputs()[i]).shape, values);
  t.setType(g.getType(g.getInputs()[i]));
  return t;
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------===//

TEST(OnnxQuant, QuantizeLinearWithoutZeroPointIsU8Zero) {
  TestModel m(13);
  m.input("x", {4});
  scaleInit(m, "s", {}, {2.0f});
  m.node("QuantizeLinear", {"x", "s"}, {"y"});
  m.output("y", {4}, TensorProto::UINT8);
  Graph g = importOk(m);
  const Node *q = findNode(g, OpKind::Quantize);
  ASSERT_NE(q, nullptr);
  const auto &attrs = q->getAttrs<QuantizeAttrs>();
  EXPECT_EQ(attrs.elemType, DType::U8);
  EXPECT_EQ(attrs.params, perTensor(2.0f, 0));
  TensorType want(DType::U8, {4});
  want.quant = perTensor(2.0f, 0);
  EXPECT_EQ(g.getType(g.getOutputs()[0]), want);
}

TEST(OnnxQuant, QuantizeLinearRoundsHalfToEvenAndSaturates) {
  TestModel m(13);
  m.input("x", {6});
  scaleInit(m, "s", {}, {2.0f});
  u8Init(m, "z", {}, {128});
  m.node("QuantizeLinear", {"x", "s", "z"}, {"y"});
  m.output("y", {6}, TensorProto::UINT8);
  Graph g = importOk(m);
  // x / 2 = 0, 1, 1.5 -> 2, -1.5 -> -2, 2.5 -> 2, 500 -> saturates;
  // plus 128.
  auto out =
      interpret(g, {Tensor::fromValues<float>({6}, {0, 2, 3, -3, 5, 1000})});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<uint8_t>(),
            llvm::ArrayRef<uint8_t>({128, 129, 130, 126, 130, 255}));
}

TEST(OnnxQuant, QuantizeLinearPerAxisNormalizesAxisAndTakesZpType) {
  TestModel m(13);
  m.input("x", {1, 3, 2});
  scaleInit(m, "s", {3}, {1.0f, 2.0f, 4.0f});
  i8Init(m, "z", {3}, {-1, 0, 1});
  auto &n = m.node("QuantizeLinear", {"x", "s", "z"}, {"y"});
  TestModel::attrInt(n, "axis", -2);
  m.output("y", {1, 3, 2}, TensorProto::INT8);
  Graph g = importOk(m);
  const auto &attrs = findNode(g, OpKind::Quantize)->getAttrs<QuantizeAttrs>();
  EXPECT_EQ(attrs.elemType, DType::I8);
  EXPECT_EQ(attrs.params, perAxis(1, {1.0f, 2.0f, 4.0f}, {-1, 0, 1}));
}

TEST(OnnxQuant, QuantizeLinearOpset10IsPerTensorOnly) {
  TestModel m(10);
  m.input("x", {1, 3});
  scaleInit(m, "s", {3}, {1.0f, 2.0f, 4.0f});
  m.node("QuantizeLinear", {"x", "s"}, {"y"}, "q");
  m.output("y", {1, 3}, TensorProto::UINT8);
  EXPECT_NE(importError(m).find("operand 'y_scale' has 3 values; only "
                                "per-tensor quantization"),
            std::string::npos);
}

TEST(OnnxQuant, ScalesMustBeConstantAndPositive) {
  TestModel m(13);
  m.input("x", {2});
  m.input("s", {});
  m.node("QuantizeLinear", {"x", "s"}, {"y"}, "q");
  m.output("y", {2}, TensorProto::UINT8);
  EXPECT_NE(importError(m).find("operand 'y_scale' ('s', input 1) must be a "
                                "compile-time constant"),
            std::string::npos);

  TestModel z(13);
  z.input("x", {2});
  scaleInit(z, "s", {}, {0.0f});
  z.node("QuantizeLinear", {"x", "s"}, {"y"}, "q");
  z.output("y", {2}, TensorProto::UINT8);
  EXPECT_NE(importError(z).find("scales must be positive and finite"),
            std::string::npos);
}

TEST(OnnxQuant, DequantizeLinearOfConstantTypesTheConstant) {
  TestModel m(13);
  i8Init(m, "xq", {3}, {-4, 0, 6});
  scaleInit(m, "s", {}, {0.5f});
  i8Init(m, "z", {}, {2});
  m.node("DequantizeLinear", {"xq", "s", "z"}, {"y"});
  m.output("y", {3});
  Graph g = importOk(m);
  const Node *dq = findNode(g, OpKind::Dequantize);
  ASSERT_NE(dq, nullptr);
  const Tensor *c = g.getConstantValue(dq->operands[0]);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->getType().quant, perTensor(0.5f, 2));
  EXPECT_EQ(countNodes(g, OpKind::Constant), 1u);
  // (q - 2) * 0.5.
  auto out = interpret(g, {});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<float>(),
            llvm::ArrayRef<float>({-3.0f, -1.0f, 2.0f}));
}

TEST(OnnxQuant, DequantizeLinearRetypesAnUnusedGraphInput) {
  TestModel m(13);
  m.input("x", {2, 2}, TensorProto::UINT8);
  scaleInit(m, "s", {2}, {0.5f, 4.0f});
  u8Init(m, "z", {2}, {10, 20});
  auto &n = m.node("DequantizeLinear", {"x", "s", "z"}, {"y"});
  TestModel::attrInt(n, "axis", 1);
  m.output("y", {2, 2});
  Graph g = importOk(m);
  TensorType want(DType::U8, {2, 2});
  want.quant = perAxis(1, {0.5f, 4.0f}, {10, 20});
  EXPECT_EQ(g.getType(g.getInputs()[0]), want);
  // Column 0: (q - 10) * 0.5; column 1: (q - 20) * 4.
  auto out = interpret(g, {inputTensor<uint8_t>(g, 0, {12, 21, 8, 19})});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<float>(),
            llvm::ArrayRef<float>({1.0f, 4.0f, -1.0f, -4.0f}));
}

TEST(OnnxQuant, DequantizeLinearRejectsUnparameterizedValues) {
  TestModel m(13);
  m.input("x", {2}, TensorProto::UINT8);
  scaleInit(m, "s", {}, {0.5f});
  m.node("Identity", {"x"}, {"xi"});
  m.node("DequantizeLinear", {"xi", "s"}, {"y"}, "dq");
  m.output("y", {2});
  EXPECT_NE(importError(m).find("operand 'x' ('xi') must be a constant, an "
                                "unused graph input, or a value quantized "
                                "with the same parameters"),
            std::string::npos);
}

TEST(OnnxQuant, DequantizeLinearZeroPointMustMatchInputType) {
  TestModel m(13);
  m.input("x", {2}, TensorProto::UINT8);
  scaleInit(m, "s", {}, {0.5f});
  i8Init(m, "z", {}, {0});
  m.node("DequantizeLinear", {"x", "s", "z"}, {"y"}, "dq");
  m.output("y", {2});
  EXPECT_NE(importError(m).find("operand 'x_zero_point' has element type i8, "
                                "but 'x' has u8"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// QLinearConv / QLinearMatMul
//===----------------------------------------------------------------------===//

/// x u8 [1,1,1,2] (0.5, 128) * w i8 [2,1,1,1] per channel (0.25, 0.125) +
/// bias [4, -8] -> y u8 (1, 10).
TestModel qlinearConvModel() {
  TestModel m(10);
  m.input("x", {1, 1, 1, 2}, TensorProto::UINT8);
  scaleInit(m, "sx", {}, {0.5f});
  u8Init(m, "zx", {}, {128});
  i8Init(m, "w", {2, 1, 1, 1}, {4, -2});
  scaleInit(m, "sw", {2}, {0.25f, 0.125f});
  i8Init(m, "zw", {2}, {0, 0});
  scaleInit(m, "sy", {}, {1.0f});
  u8Init(m, "zy", {}, {10});
  initRaw<int32_t>(m, "b", {2}, {4, -8}, TensorProto::INT32);
  m.node("QLinearConv", {"x", "sx", "zx", "w", "sw", "zw", "sy", "zy", "b"},
         {"y"}, "qconv");
  m.output("y", {1, 2, 1, 2}, TensorProto::UINT8);
  return m;
}

TEST(OnnxQuant, QLinearConvKeepsScalesPerChannel) {
  Graph g = importOk(qlinearConvModel());
  const Node *n = findNode(g, OpKind::QConv);
  ASSERT_NE(n, nullptr);
  const RequantAttrs &r = n->getAttrs<QConvAttrs>().requant;
  // 0.5 * 0.25 / 1 = 2^-3 = 2^30 * 2^-33; 0.5 * 0.125 = 2^-4.
  EXPECT_EQ(r.multipliers, (llvm::SmallVector<int32_t, 1>{1 << 30, 1 << 30}));
  EXPECT_EQ(r.shifts, (llvm::SmallVector<int32_t, 1>{33, 34}));
  EXPECT_EQ(r.outType, DType::U8);
  EXPECT_EQ(r.outQuant, perTensor(1.0f, 10));
  EXPECT_EQ(r.clampMin, 0);
  EXPECT_EQ(r.clampMax, 255);
  EXPECT_EQ(g.getType(n->operands[0]).quant, perTensor(0.5f, 128));
  EXPECT_EQ(g.getType(n->operands[1]).quant,
            perAxis(0, {0.25f, 0.125f}, {0, 0}));
}

TEST(OnnxQuant, QLinearConvResultsRoundHalfToEven) {
  Graph g = importOk(qlinearConvModel());
  // x - 128 = [2, -8]. Channel 0 (w 4, m 2^-3): 4 + 8 = 12 -> 1.5 -> 2;
  // 4 - 32 = -28 -> -3.5 -> -4. Channel 1 (w -2, m 2^-4): -8 - 4 = -12 ->
  // -0.75 -> -1; -8 + 16 = 8 -> 0.5 -> 0. Plus the zero point 10.
  auto out = interpret(g, {inputTensor<uint8_t>(g, 0, {130, 120})});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<uint8_t>(),
            llvm::ArrayRef<uint8_t>({12, 6, 9, 10}));
}

TEST(OnnxQuant, QLinearMatMulMultiplierAndPerColumnScales) {
  TestModel m(10);
  m.input("a", {1, 2}, TensorProto::UINT8);
  scaleInit(m, "sa", {}, {0.1f});
  u8Init(m, "za", {}, {0});
  u8Init(m, "b", {2, 2}, {1, 2, 3, 4});
  scaleInit(m, "sb", {2}, {0.2f, 0.4f});
  u8Init(m, "zb", {2}, {0, 0});
  scaleInit(m, "sy", {}, {0.3f});
  u8Init(m, "zy", {}, {0});
  m.node("QLinearMatMul", {"a", "sa", "za", "b", "sb", "zb", "sy", "zy"},
         {"y"});
  m.output("y", {1, 2}, TensorProto::UINT8);
  Graph g = importOk(m);
  const Node *n = findNode(g, OpKind::QMatMul);
  ASSERT_NE(n, nullptr);
  const auto &r = n->getAttrs<RequantAttrs>();
  // 0.1f * 0.2f / 0.3f = 0.0666666660 = M * 2^-34 with M = 1145324601
  // (Python); the second column is twice that: the same M, shift 33.
  EXPECT_EQ(r.multipliers,
            (llvm::SmallVector<int32_t, 1>{1145324601, 1145324601}));
  EXPECT_EQ(r.shifts, (llvm::SmallVector<int32_t, 1>{34, 33}));
  EXPECT_EQ(g.getType(n->operands[1]).quant, perAxis(1, {0.2f, 0.4f}, {0, 0}));
}

//===----------------------------------------------------------------------===//
// ConvInteger / MatMulInteger
//===----------------------------------------------------------------------===//

TEST(OnnxQuant, ConvIntegerIsRawI32WithUnitScales) {
  TestModel m(10);
  m.input("x", {1, 1, 2, 2}, TensorProto::UINT8);
  u8Init(m, "w", {1, 1, 2, 2}, {1, 1, 1, 1});
  u8Init(m, "zx", {}, {1});
  m.node("ConvInteger", {"x", "w", "zx"}, {"y"});
  m.output("y", {1, 1, 1, 1}, TensorProto::INT32);
  Graph g = importOk(m);
  const Node *n = findNode(g, OpKind::QConv);
  ASSERT_NE(n, nullptr);
  const RequantAttrs &r = n->getAttrs<QConvAttrs>().requant;
  EXPECT_TRUE(r.multipliers.empty());
  EXPECT_EQ(r.outType, DType::I32);
  EXPECT_EQ(g.getType(g.getInputs()[0]).quant, perTensor(1.0f, 1));
  EXPECT_EQ(g.getType(n->operands[1]).quant, perTensor(1.0f, 0));
  // sum(x - 1) = 1 + 2 + 3 + 4.
  auto out = interpret(g, {inputTensor<uint8_t>(g, 0, {2, 3, 4, 5})});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<int32_t>(), llvm::ArrayRef<int32_t>({10}));
}

TEST(OnnxQuant, MatMulIntegerPerColumnZeroPoint) {
  TestModel m(10);
  m.input("a", {2, 3}, TensorProto::UINT8);
  u8Init(m, "b", {3, 2}, {0, 1, 2, 3, 4, 5});
  u8Init(m, "za", {}, {12});
  u8Init(m, "zb", {2}, {1, 2});
  m.node("MatMulInteger", {"a", "b", "za", "zb"}, {"y"});
  m.output("y", {2, 2}, TensorProto::INT32);
  Graph g = importOk(m);
  const Node *n = findNode(g, OpKind::QMatMul);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(g.getType(n->operands[1]).quant, perAxis(1, {1.0f, 1.0f}, {1, 2}));
  // a - 12 = [[1, 2, 3], [0, 0, 0]]; b - zb = [[-1, -1], [1, 1], [3, 3]]:
  // row 0 = -1 + 2 + 9 = 10 for both columns.
  auto out =
      interpret(g, {inputTensor<uint8_t>(g, 0, {13, 14, 15, 12, 12, 12})});
  ASSERT_TRUE(bool(out)) << renderToString(out.takeError());
  EXPECT_EQ((*out)[0].getData<int32_t>(),
            llvm::ArrayRef<int32_t>({10, 10, 0, 0}));
}

TEST(OnnxQuant, QdqModelFoldsIntoIntegerOpsWithTheSameResults) {
  // testdata/gen/make_synthetic.py: qdq_conv(). The final quantize has
  // scale 0.1; folding may move a result by one step at a near-tie
  // (passes/FoldQdq.h), nothing more.
  auto g = importModelFile(RTC_SOURCE_DIR "/testdata/onnx/qdq_conv.onnx");
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  auto in = readTensorFile(RTC_SOURCE_DIR "/testdata/onnx/qdq_conv_input.npy",
                           nullptr);
  ASSERT_TRUE(bool(in)) << renderToString(in.takeError());
  auto before = interpret(*g, {in->tensor});
  ASSERT_TRUE(bool(before)) << renderToString(before.takeError());
  EXPECT_EQ(foldQdqPatterns(*g), 2u);
  EXPECT_EQ(countNodes(*g, OpKind::QConv), 1u);
  EXPECT_EQ(countNodes(*g, OpKind::QMatMul), 1u);
  EXPECT_EQ(countNodes(*g, OpKind::Conv) + countNodes(*g, OpKind::Gemm), 0u);
  auto after = interpret(*g, {in->tensor});
  ASSERT_TRUE(bool(after)) << renderToString(after.takeError());
  const Tensor &b = (*before)[0], &a = (*after)[0];
  ASSERT_EQ(a.getType(), b.getType());
  for (int64_t i = 0; i < a.getNumElements(); ++i)
    EXPECT_LE(std::fabs(a.getAsDouble(i) - b.getAsDouble(i)), 0.1 + 1e-6);
}

TEST(OnnxQuant, QuantizedOpsAreSupported) {
  for (const char *op : {"QuantizeLinear", "DequantizeLinear", "QLinearConv",
                         "QLinearMatMul", "ConvInteger", "MatMulInteger"})
    EXPECT_TRUE(isSupportedOpType(op)) << op;
}

} // namespace
