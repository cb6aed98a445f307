//===- tests/unit/onnx/OnnxImporterTest.cpp - Importer API and errors -----===//
#include "OnnxTestModel.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::onnx;
using namespace rtc::onnx::test;
using ::onnx::TensorProto;

namespace {

/// x[1,2,4,4] -> Conv(w 3x2x3x3, b, pads 1) -> Relu -> y.
TestModel makeConvRelu(Dim batch = 1) {
  TestModel m;
  m.input("x", {batch, 2, 4, 4});
  m.initSplat("w", {3, 2, 3, 3}, 0.5f);
  m.initFloats("b", {3}, {1, 2, 3});
  auto &conv = m.node("Conv", {"x", "w", "b"}, {"c"}, "conv1");
  TestModel::attrInts(conv, "pads", {1, 1, 1, 1});
  m.node("Relu", {"c"}, {"y"}, "relu1");
  m.output("y", {batch, 3, 4, 4});
  return m;
}

TEST(OnnxImporter, ImportsConvRelu) {
  auto g = makeConvRelu().import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  ASSERT_EQ(g->getInputs().size(), 1u);
  EXPECT_EQ(g->getValue(g->getInputs()[0]).name, "x");
  EXPECT_EQ(g->getType(g->getInputs()[0]),
            TensorType(DType::F32, {1, 2, 4, 4}));
  // Two constants (w, b), the conv and the relu.
  EXPECT_EQ(g->getNumNodes(), 4u);
  const Node *conv = findNode(*g, OpKind::Conv);
  ASSERT_NE(conv, nullptr);
  const auto &a = conv->getAttrs<ConvAttrs>();
  EXPECT_EQ(a.kernelShape, (llvm::SmallVector<int64_t, 2>{3, 3}));
  EXPECT_EQ(a.strides, (llvm::SmallVector<int64_t, 2>{1, 1}));
  EXPECT_EQ(a.dilations, (llvm::SmallVector<int64_t, 2>{1, 1}));
  EXPECT_EQ(a.pads, (llvm::SmallVector<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(a.group, 1);
  EXPECT_EQ(conv->operands.size(), 3u);
  EXPECT_EQ(conv->loc.kind, LocationKind::OnnxNode);
  EXPECT_EQ(conv->loc.nodeName, "conv1");
  EXPECT_EQ(conv->loc.opType, "Conv");
  EXPECT_EQ(conv->loc.nodeIndex, 0);
  EXPECT_EQ(conv->loc.opset, 13);
  // The bias initializer keeps its float_data values.
  const Tensor *bias = g->getConstantValue(conv->operands[2]);
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->getData<float>(), llvm::ArrayRef<float>({1, 2, 3}));
  ASSERT_EQ(g->getOutputs().size(), 1u);
  ValueId y = g->getOutputs()[0];
  EXPECT_EQ(g->getValue(y).name, "y");
  EXPECT_EQ(g->getType(y), TensorType(DType::F32, {1, 3, 4, 4}));
  EXPECT_EQ(g->getProducer(y)->kind, OpKind::Relu);
}

TEST(OnnxImporter, AcceptsNewerIrVersions) {
  // IR 10 (ONNX 1.16) is newer than libonnx 1.12's checker knows; the
  // opset decides what we support.
  TestModel m = makeConvRelu();
  m.model.set_ir_version(10);
  auto g = m.import();
  EXPECT_TRUE(bool(g)) << renderToString(g.takeError());
}

TEST(OnnxImporter, SymbolicBatchUsesDefaultBatch) {
  ImportOptions options;
  options.defaultBatch = 4;
  auto g = makeConvRelu("N").import(options);
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  EXPECT_EQ(g->getType(g->getInputs()[0]),
            TensorType(DType::F32, {4, 2, 4, 4}));
  EXPECT_EQ(g->getType(g->getOutputs()[0]),
            TensorType(DType::F32, {4, 3, 4, 4}));
}

TEST(OnnxImporter, InputShapeOverridesSymbolicDims) {
  TestModel m;
  m.input("x", {"N", 3, "H", "W"});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y", {"N", 3, "H", "W"});

  auto err = m.import();
  ASSERT_FALSE(bool(err));
  EXPECT_EQ(renderToString(err.takeError()),
            "test.onnx: error: input 'x' has symbolic dims 'H' (dim 2), 'W' "
            "(dim 3); set them with --input-shape x:1x3x<H>x<W>\n");

  ImportOptions options;
  options.inputShapes["x"] = {2, 3, 5, 7};
  auto g = m.import(options);
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  EXPECT_EQ(g->getType(g->getOutputs()[0]),
            TensorType(DType::F32, {2, 3, 5, 7}));
}

TEST(OnnxImporter, InputShapeErrors) {
  ImportOptions options;
  options.inputShapes["nope"] = {1, 2, 4, 4};
  options.inputShapes["x"] = {1, 2, 4};
  auto g = makeConvRelu().import(options);
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 2u) << text;
  EXPECT_NE(text.find("an input shape is given for 'nope', which is not a "
                      "graph input (graph inputs: 'x')"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("input shape 1x2x4 for 'x' has rank 3, but the model "
                      "declares tensor<1x2x4x4xf32>"),
            std::string::npos)
      << text;
}

TEST(OnnxImporter, FrozenInputBecomesConstant) {
  TestModel m;
  m.input("x", {2, 3});
  m.input("shape", {2}, TensorProto::INT64);
  m.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
  m.output("y", {3, 2});

  // Without a value, the shape operand is not a constant.
  auto bad = m.import();
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(renderToString(bad.takeError())
                .find("test.onnx: node 'reshape' (Reshape, opset 13): error: "
                      "operand 'shape' ('shape', input 1) must be a "
                      "compile-time constant"),
            std::string::npos);

  ImportOptions options;
  options.frozenInputs["shape"] = Tensor::fromValues<int64_t>({2}, {3, -1});
  auto g = m.import(options);
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  ASSERT_EQ(g->getInputs().size(), 1u);
  const Node *reshape = findNode(*g, OpKind::Reshape);
  ASSERT_NE(reshape, nullptr);
  EXPECT_EQ(reshape->getAttrs<ReshapeAttrs>().shape,
            (llvm::SmallVector<int64_t, 4>{3, 2}));
  // The shape was consumed as an attribute: no Constant node is left.
  EXPECT_EQ(countNodes(*g, OpKind::Constant), 0u);
}

TEST(OnnxImporter, FrozenInputTypeMustMatch) {
  TestModel m;
  m.input("x", {2, 3});
  m.input("shape", {2}, TensorProto::INT64);
  m.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
  m.output("y", {3, 2});
  ImportOptions options;
  options.frozenInputs["shape"] = Tensor::fromValues<float>({2}, {3, 2});
  auto g = m.import(options);
  ASSERT_FALSE(bool(g));
  EXPECT_NE(renderToString(g.takeError())
                .find("frozen value for input 'shape' has type "
                      "tensor<2xf32>, but the model declares tensor<2xi64>"),
            std::string::npos);
}

TEST(OnnxImporter, ReportsEveryProblemOnce) {
  TestModel m;
  m.input("x", {1, 8, 4, 4});
  m.initSplat("w_bad", {6, 2, 1, 1}, 0.0f);
  m.node("LSTM", {"x"}, {"h"}, "lstm_1");
  m.node("Relu", {"h"}, {"h2"}, "after_lstm"); // depends on a failure
  auto &conv = m.node("Conv", {"x", "w_bad"}, {"c"}, "conv_bad");
  TestModel::attrInt(conv, "group", 3);
  m.node("Relu", {"c"}, {"c2"}, "after_conv"); // depends on a failure
  auto &relu = m.node("Relu", {"x"}, {"r"}, "relu_attr");
  TestModel::attrInt(relu, "foo", 1);
  m.node("Sigmoid", {"missing"}, {"s"}, "dangling");
  auto &gemm = m.node("Gemm", {"x", "x"}, {"g"}, "gemm_attr");
  TestModel::attrFloat(gemm, "transA", 1.0f); // wrong kind
  m.node("Sigmoid", {"x"}, {"ok"}, "fine");
  for (const char *out : {"h2", "c2", "r", "s", "g", "ok"})
    m.output(out, {"?"});

  auto g = m.import();
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 5u) << text;
  const char *expected[] = {
      "test.onnx: node 'lstm_1' (LSTM, opset 13): error: unsupported "
      "operator LSTM",
      "test.onnx: node 'conv_bad' (Conv, opset 13): error: group 3 does not "
      "divide",
      "test.onnx: node 'relu_attr' (Relu, opset 13): error: unsupported "
      "attribute 'foo'",
      "test.onnx: node 'dangling' (Sigmoid, opset 13): error: input "
      "'missing' of node 'dangling' is not defined by any node, initializer "
      "or graph input",
      "test.onnx: node 'gemm_attr' (Gemm, opset 13): error: attribute "
      "'transA' must be an int, got float",
  };
  for (const char *e : expected)
    EXPECT_NE(text.find(e), std::string::npos) << e << "\nin:\n" << text;
  EXPECT_EQ(text.find("after_"), std::string::npos) << text;
}

TEST(OnnxImporter, NodeDefinedLaterIsReported) {
  TestModel m;
  m.input("x", {2});
  m.node("Relu", {"b"}, {"y"}, "first");
  m.node("Relu", {"x"}, {"b"}, "second");
  m.output("y", {2});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_NE(renderToString(g.takeError())
                .find("input 'b' of node 'first' is defined by a later node "
                      "(nodes must be topologically sorted)"),
            std::string::npos);
}

TEST(OnnxImporter, UnnamedNodesAreLocatedByIndex) {
  TestModel m;
  m.input("x", {2});
  m.node("Relu", {"x"}, {"a"});
  m.node("Celu", {"a"}, {"y"});
  m.output("y", {2});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_EQ(renderToString(g.takeError()),
            "test.onnx: node #1 (Celu, opset 13): error: unsupported "
            "operator Celu\n");
}

TEST(OnnxImporter, OtherDomainsAreUnsupported) {
  TestModel m;
  m.input("x", {2});
  auto &n = m.node("Relu", {"x"}, {"y"}, "ms");
  n.set_domain("com.microsoft");
  m.output("y", {2});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_EQ(renderToString(g.takeError()),
            "test.onnx: node 'ms' (com.microsoft.Relu, opset 13): error: "
            "unsupported operator com.microsoft.Relu\n");
}

TEST(OnnxImporter, RejectsOpsetsOutOfRange) {
  for (int64_t opset : {6, 18}) {
    TestModel m(opset);
    m.input("x", {2});
    m.node("Relu", {"x"}, {"y"}, "relu");
    m.output("y", {2});
    auto g = m.import();
    ASSERT_FALSE(bool(g));
    EXPECT_EQ(renderToString(g.takeError()),
              fmt::format("test.onnx: error: opset {} is not supported "
                          "(supported: 7 to 17)\n",
                          opset));
  }
}

TEST(OnnxImporter, RejectsBytesThatAreNotAModel) {
  std::string valid = makeConvRelu().bytes();
  auto truncated = importModelBytes(
      llvm::StringRef(valid).take_front(valid.size() / 2), "half.onnx");
  ASSERT_FALSE(bool(truncated));
  EXPECT_EQ(renderToString(truncated.takeError()),
            "half.onnx: error: not a valid ONNX model (protobuf parse "
            "failed)\n");
  auto empty = importModelBytes("", "empty.onnx");
  ASSERT_FALSE(bool(empty));
  EXPECT_EQ(renderToString(empty.takeError()),
            "empty.onnx: error: not a valid ONNX model (no ir_version)\n");
}

TEST(OnnxImporter, MissingFileIsAnError) {
  auto g = importModelFile("/nonexistent/model.onnx");
  ASSERT_FALSE(bool(g));
  EXPECT_NE(renderToString(g.takeError())
                .find("/nonexistent/model.onnx: error: cannot read file"),
            std::string::npos);
}

TEST(OnnxImporter, DecodesTypedInitializerFields) {
  TestModel m(14); // Add accepts int8 from opset 14

  m.input("x", {3}, TensorProto::INT8);
  auto *t = m.graph()->add_initializer();
  t->set_name("k");
  t->set_data_type(TensorProto::INT8);
  t->add_dims(3);
  for (int v : {-3, 0, 7})
    t->add_int32_data(v);
  m.node("Add", {"x", "k"}, {"y"}, "add");
  m.output("y", {3}, TensorProto::INT8);
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  const Node *add = findNode(*g, OpKind::Add);
  const Tensor *k = g->getConstantValue(add->operands[1]);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->getData<int8_t>(), llvm::ArrayRef<int8_t>({-3, 0, 7}));
}

TEST(OnnxImporter, InitializerErrorsAreLocated) {
  TestModel m;
  m.input("x", {4});
  auto *t = m.graph()->add_initializer();
  t->set_name("short");
  t->set_data_type(TensorProto::FLOAT);
  t->add_dims(4);
  t->set_raw_data(std::string(8, '\0')); // 2 floats, 4 expected
  auto *ext = m.graph()->add_initializer();
  ext->set_name("ext");
  ext->set_data_type(TensorProto::FLOAT);
  ext->add_dims(4);
  ext->set_data_location(TensorProto::EXTERNAL);
  m.node("Add", {"x", "short"}, {"a"}, "add1");
  m.node("Add", {"a", "ext"}, {"y"}, "add2");
  m.output("y", {4});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  unsigned count = 0;
  std::string text = renderToString(g.takeError(), &count);
  EXPECT_EQ(count, 2u) << text;
  EXPECT_NE(text.find("test.onnx: error: initializer 'short': raw_data holds "
                      "8 bytes, expected 16 for tensor<4xf32>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("test.onnx: error: initializer 'ext': external tensor "
                      "data is not supported"),
            std::string::npos)
      << text;
}

TEST(OnnxImporter, GraphOutputMustBeDefined) {
  TestModel m;
  m.input("x", {2});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("z", {2});
  auto g = m.import();
  ASSERT_FALSE(bool(g));
  EXPECT_EQ(renderToString(g.takeError()),
            "test.onnx: error: graph output 'z' is not defined by any node, "
            "initializer or graph input\n");
}

TEST(OnnxImporter, ConstantOutputIsMaterialized) {
  TestModel m;
  m.input("x", {2});
  auto &c = m.node("Constant", {}, {"k"}, "const");
  TestModel::attrInts(c, "value_ints", {4, 5, 6});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y", {2});
  m.output("k", {3}, TensorProto::INT64);
  auto g = m.import();
  ASSERT_TRUE(bool(g)) << renderToString(g.takeError());
  ASSERT_EQ(g->getOutputs().size(), 2u);
  const Tensor *k = g->getConstantValue(g->getOutputs()[1]);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->getData<int64_t>(), llvm::ArrayRef<int64_t>({4, 5, 6}));
  EXPECT_EQ(g->getValue(g->getOutputs()[1]).name, "k");
}

TEST(OnnxImporter, SummaryListsShapeInputs) {
  TestModel m(13);
  m.input("x", {2, 3, 1});
  m.input("shape", {2}, TensorProto::INT64);
  m.input("axes", {1}, TensorProto::INT64);
  m.initInts("k", {0});
  m.node("Squeeze", {"x", "axes_id"}, {"s"}, "squeeze");
  m.node("Identity", {"axes"}, {"axes_id"}, "id");
  m.node("Reshape", {"s", "shape"}, {"r"}, "reshape");
  m.node("Relu", {"r"}, {"y"}, "relu");
  m.node("LSTM", {"y"}, {"h"}, "lstm");
  m.output("h", {"?"});
  // (Identity after its use is fine for the summary, which does not
  // import.)
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("summary", "onnx", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << m.bytes();
  }
  auto s = summarizeModelFile(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(bool(s)) << renderToString(s.takeError());
  EXPECT_EQ(s->opset, 13);
  EXPECT_EQ(s->opTypes, (std::vector<std::string>{"Squeeze", "Identity",
                                                  "Reshape", "Relu", "LSTM"}));
  EXPECT_EQ(s->inputNames, (std::vector<std::string>{"x", "shape", "axes"}));
  EXPECT_EQ(s->shapeInputNames, (std::vector<std::string>{"shape", "axes"}));
  EXPECT_EQ(s->elemTypes, (std::vector<std::string>{"i64", "f32"}));
  EXPECT_TRUE(s->unsupportedFeatures.empty());
  EXPECT_TRUE(isSupportedOpType("Reshape"));
  EXPECT_FALSE(isSupportedOpType("LSTM"));
}

TEST(OnnxImporter, SupportedOpTypesAreSorted) {
  std::vector<std::string> ops = getSupportedOpTypes();
  EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end()));
  for (const char *op : {"Add",           "AveragePool", "BatchNormalization",
                         "Clip",          "Concat",      "Constant",
                         "Conv",          "Div",         "Dropout",
                         "Flatten",       "Gemm",        "GlobalAveragePool",
                         "GlobalMaxPool", "Identity",    "LeakyRelu",
                         "MatMul",        "MaxPool",     "Mul",
                         "Pad",           "Relu",        "Reshape",
                         "Sigmoid",       "Softmax",     "Squeeze",
                         "Sub",           "Transpose",   "Unsqueeze"})
    EXPECT_TRUE(isSupportedOpType(op)) << op;
}

} // namespace
