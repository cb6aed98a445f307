//===- tests/unit/ir/PrinterParserTest.cpp - Textual IR round trips -------===//
//
// Expected texts are written by hand from the format in ir/Printer.h; hex
// constants are little-endian IEEE/two's-complement bytes spelled out
// independently (1.0f = 0x3F800000 -> "0000803F").
//
//===----------------------------------------------------------------------===//
#include "ir/Parser.h"
#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace rtc;

namespace {

TensorType f32(llvm::ArrayRef<int64_t> shape) {
  return TensorType(DType::F32, shape);
}

/// Parses \p text; fails the test (and returns an empty graph) on error.
Graph parseOk(llvm::StringRef text) {
  llvm::Expected<Graph> g = parseGraph(text, "t.rtg");
  if (!g) {
    ADD_FAILURE() << llvm::toString(g.takeError());
    return Graph();
  }
  return std::move(*g);
}

/// Parses \p text expecting failure; \returns the rendered diagnostics.
std::string parseErrors(llvm::StringRef text, unsigned firstLine = 1) {
  llvm::Expected<Graph> g = parseGraph(text, "t.rtg", firstLine);
  if (g) {
    ADD_FAILURE() << "expected a parse error";
    return "";
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  renderErrors(g.takeError(), os, "test");
  return out;
}

TEST(Printer, PrintsGraphBuiltInCpp) {
  Graph g("mlp");
  ValueId x = g.addInput(f32({1, 4}), "x");
  ValueId w = g.addConstant(
      Tensor::fromValues<float>({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), "w");
  NodeId mm = g.addNode(OpKind::MatMul, {x, w}, {f32({1, 2})}, NoAttrs{});
  ValueId m = g.getNode(mm).results[0];
  NodeId lr =
      g.addNode(OpKind::LeakyRelu, {m}, {f32({1, 2})}, LeakyReluAttrs{0.125f});
  g.addOutput(g.getNode(lr).results[0]);
  EXPECT_EQ(printGraphToString(g),
            "graph @mlp(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>) {\n"
            "  %w = const dense<[1, 2, 3, 4, 5, 6, 7, 8]> : tensor<4x2xf32>\n"
            "  %0 = matmul %x, %w : tensor<1x2xf32>\n"
            "  %1 = leaky_relu %0 {alpha = 0.125} : tensor<1x2xf32>\n"
            "  return %1\n"
            "}\n");
}

TEST(Printer, PrintsEveryAttributeStructInFixedOrder) {
  Graph g("attrs");
  ValueId x = g.addInput(f32({1, 1, 4, 4}), "x");
  ConvAttrs conv{{3, 3}, {1, 2}, {1, 1}, {1, 0, 1, 0}, 1, {}};
  PoolAttrs pool{{2, 2}, {2, 2}, {1, 1}, {0, 0, 0, 0}, true, false};
  PadAttrs pad{{0, 0, 1, 1, 0, 0, 1, 1}, PadMode::Edge, 0.5};
  ClipAttrs clip; // -inf .. inf
  GemmAttrs gemm{0.5f, 2.0f, true, false, {}};
  auto add = [&](OpKind k, Attrs a) {
    g.addNode(k, {x}, {f32({1})}, std::move(a));
  };
  add(OpKind::Conv, conv);
  add(OpKind::AveragePool, pool);
  add(OpKind::Pad, pad);
  add(OpKind::Clip, clip);
  add(OpKind::Gemm, gemm);
  add(OpKind::BatchNorm, BatchNormAttrs{});
  add(OpKind::Reshape, ReshapeAttrs{{16}});
  add(OpKind::Transpose, TransposeAttrs{{0, 1, 3, 2}});
  add(OpKind::Squeeze, AxesAttrs{{}});
  add(OpKind::Softmax, AxisAttrs{3});
  std::string text = printGraphToString(g);
  auto expectLine = [&](const char *line) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  };
  expectLine("conv %x {kernel_shape = [3, 3], strides = [1, 2], dilations = "
             "[1, 1], pads = [1, 0, 1, 0], group = 1}");
  expectLine("avg_pool %x {kernel_shape = [2, 2], strides = [2, 2], "
             "dilations = [1, 1], pads = [0, 0, 0, 0], ceil_mode = true, "
             "count_include_pad = false}");
  expectLine("pad %x {pads = [0, 0, 1, 1, 0, 0, 1, 1], mode = \"edge\", "
             "value = 0.5}");
  expectLine("clip %x {min = -inf, max = inf}");
  expectLine("gemm %x {alpha = 0.5, beta = 2, trans_a = true, trans_b = "
             "false}");
  expectLine("batch_norm %x {epsilon = 1e-05}");
  expectLine("reshape %x {shape = [16]}");
  expectLine("transpose %x {perm = [0, 1, 3, 2]}");
  expectLine("squeeze %x {axes = []}");
  expectLine("softmax %x {axis = 3}");
}

TEST(Printer, ValueNamesQuotingAndNumbering) {
  Graph g("names");
  ValueId a = g.addInput(f32({1}), "a/b:0");
  ValueId b = g.addInput(f32({1}), "ok_name.1$-x");
  ValueId c = g.addInput(f32({1}), "7"); // decimal: must not look unnamed
  ValueId d = g.addInput(f32({1}), "q\"u\\o\nte\t\x01");
  ValueId e = g.addInput(f32({1}));
  NodeId n = g.addNode(OpKind::Identity, {e}, {f32({1})}, NoAttrs{});
  g.setOutputs({a, b, c, d, g.getNode(n).results[0]});
  EXPECT_EQ(printGraphToString(g),
            "graph @names(%\"a/b:0\": tensor<1xf32>, %ok_name.1$-x: "
            "tensor<1xf32>, %\"7\": tensor<1xf32>, "
            "%\"q\\\"u\\\\o\\nte\\t\\x01\": tensor<1xf32>, %0: "
            "tensor<1xf32>) -> (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, "
            "tensor<1xf32>, tensor<1xf32>) {\n"
            "  %1 = identity %0 : tensor<1xf32>\n"
            "  return %\"a/b:0\", %ok_name.1$-x, %\"7\", "
            "%\"q\\\"u\\\\o\\nte\\t\\x01\", %1\n"
            "}\n");
  // Names survive the round trip exactly, unnamed values stay unnamed.
  Graph parsed = parseOk(printGraphToString(g));
  EXPECT_TRUE(parsed == g);
}

TEST(Printer, DuplicateNamesStillPrintUniquely) {
  // Not a valid graph, but --print-ir-on-failure must show it unambiguously.
  Graph g("dup");
  ValueId x = g.addInput(f32({1}), "x");
  NodeId n = g.addNode(OpKind::Relu, {x}, {f32({1})}, NoAttrs{}, {}, {"x"});
  g.addOutput(g.getNode(n).results[0]);
  EXPECT_EQ(printGraphToString(g),
            "graph @dup(%x: tensor<1xf32>) -> (tensor<1xf32>) {\n"
            "  %0 = relu %x : tensor<1xf32>\n"
            "  return %0\n"
            "}\n");
}

TEST(Printer, GraphNameQuoting) {
  EXPECT_EQ(printGraphToString(Graph("")),
            "graph @\"\"() -> () {\n  return\n}\n");
  EXPECT_EQ(printGraphToString(Graph("torch-jit export")),
            "graph @\"torch-jit export\"() -> () {\n  return\n}\n");
  EXPECT_EQ(printGraphToString(Graph("123")),
            "graph @123() -> () {\n  return\n}\n");
}

TEST(Printer, ConstantForms) {
  Graph g("k");
  // Splat (all elements bitwise equal), any size.
  g.addConstant(Tensor(TensorType(DType::F32, {1000})), "zeros");
  // Inline list up to the limit (16).
  g.addConstant(Tensor::fromValues<int32_t>({2}, {-1, 7}), "small");
  // Larger: exact little-endian hex.
  std::vector<int8_t> ramp(17);
  for (int i = 0; i < 17; ++i)
    ramp[i] = int8_t(i - 1);
  g.addConstant(Tensor::fromValues<int8_t>({17}, ramp), "ramp");
  g.addConstant(Tensor::fromValues<float>({2}, {1.0f, -2.0f}), "floats");
  Tensor bools(TensorType(DType::Bool, {3}));
  bools.getRawMutableData()[1] = 1;
  g.addConstant(bools, "bools");
  std::string text = printGraphToString(g);
  EXPECT_NE(text.find("%zeros = const dense<0> : tensor<1000xf32>"),
            std::string::npos);
  EXPECT_NE(text.find("%small = const dense<[-1, 7]> : tensor<2xi32>"),
            std::string::npos);
  EXPECT_NE(text.find("%ramp = const "
                      "dense<0xFF000102030405060708090A0B0C0D0E0F> : "
                      "tensor<17xi8>"),
            std::string::npos);
  EXPECT_NE(text.find("%floats = const dense<[1, -2]> : tensor<2xf32>"),
            std::string::npos);
  EXPECT_NE(text.find("%bools = const dense<[false, true, false]> : "
                      "tensor<3xi1>"),
            std::string::npos);

  PrintOptions opts;
  opts.inlineConstantLimit = 1;
  std::string hex = printGraphToString(g, opts);
  EXPECT_NE(hex.find("%floats = const dense<0x0000803F000000C0> : "
                     "tensor<2xf32>"),
            std::string::npos)
      << hex;
  opts.elideLargeConstants = true;
  std::string elided = printGraphToString(g, opts);
  EXPECT_NE(elided.find("%floats = const dense<...> : tensor<2xf32>"),
            std::string::npos);
  // Splats are short, so they are never elided.
  EXPECT_NE(elided.find("%zeros = const dense<0> : tensor<1000xf32>"),
            std::string::npos);
}

TEST(Printer, FloatSpellings) {
  Graph g("f");
  float inf = std::numeric_limits<float>::infinity();
  g.addConstant(Tensor::fromValues<float>(
      {6}, {0.1f, 1e-5f, 3.4028235e38f, -0.0f, -inf, 1.5f}));
  g.addConstant(Tensor::fromValues<double>({2}, {0.1, 1e300}));
  std::string text = printGraphToString(g);
  EXPECT_NE(text.find("dense<[0.1, 1e-05, 3.4028235e+38, -0, -inf, 1.5]>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("dense<[0.1, 1e+300]>"), std::string::npos) << text;
}

TEST(Printer, NaNConstantsPrintAsHexAndRoundTripBitwise) {
  Graph g("nan");
  uint32_t bits = 0x7FC00123; // a quiet NaN with a payload
  float nan;
  std::memcpy(&nan, &bits, 4);
  ValueId c = g.addConstant(Tensor::fromValues<float>({2}, {nan, 1.0f}), "c");
  g.addOutput(c);
  std::string text = printGraphToString(g);
  EXPECT_NE(text.find("dense<0x2301C07F0000803F>"), std::string::npos) << text;
  Graph parsed = parseOk(text);
  EXPECT_TRUE(parsed == g);
}

TEST(Printer, OnnxLocations) {
  Graph g("l");
  ValueId x = g.addInput(f32({2}), "x");
  NodeId n =
      g.addNode(OpKind::Relu, {x}, {f32({2})}, NoAttrs{},
                Location::onnxNode("m.onnx", "Relu \"1\"", "Relu", 0, 13));
  g.addOutput(g.getNode(n).results[0]);
  std::string text = printGraphToString(g);
  EXPECT_NE(text.find("%0 = relu %x : tensor<2xf32> loc(\"Relu \\\"1\\\"\")"),
            std::string::npos)
      << text;
  PrintOptions noLocs;
  noLocs.printLocations = false;
  EXPECT_EQ(printGraphToString(g, noLocs).find("loc("), std::string::npos);
  Graph parsed = parseOk(text);
  const Node &node = parsed.getNode(NodeId{0});
  EXPECT_EQ(node.loc.kind, LocationKind::OnnxNode);
  EXPECT_EQ(node.loc.nodeName, "Relu \"1\"");
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

const char *const sampleText = R"(// leading comment
graph @sample(%x: tensor<1x2x4x4xf32>, %q: tensor<4xi8, q<0.5, 3>>) -> (tensor<1x2x2x2xf32>, tensor<4xi8, q<0.5, 3>>) {
  %w = const dense<0.5> : tensor<2x2x1x1xf32>
  %0 = conv %x, %w {kernel_shape = [1, 1], strides = [2, 2], dilations = [1, 1], pads = [0, 0, 0, 0], group = 1} : tensor<1x2x2x2xf32>
  %1 = relu %0 : tensor<1x2x2x2xf32> loc("r1")
  %2 = identity %q : tensor<4xi8, q<0.5, 3>>
  return %1, %2
}
)";

TEST(Parser, ParsesStructureNamesAndLocations) {
  Graph g = parseOk(sampleText);
  EXPECT_EQ(g.getName(), "sample");
  ASSERT_EQ(g.getInputs().size(), 2u);
  EXPECT_EQ(g.getValue(g.getInputs()[0]).name, "x");
  TensorType q(DType::I8, {4});
  q.quant = QuantParams{{0.5f}, {3}, -1};
  EXPECT_EQ(g.getType(g.getInputs()[1]), q);
  ASSERT_EQ(g.getNumNodes(), 4u);
  const Node &w = g.getNode(NodeId{0});
  EXPECT_EQ(w.kind, OpKind::Constant);
  EXPECT_EQ(g.getValue(w.results[0]).name, "w");
  EXPECT_EQ(w.getAttrs<ConstantAttrs>().value.getData<float>()[3], 0.5f);
  const Node &conv = g.getNode(NodeId{1});
  EXPECT_EQ(conv.kind, OpKind::Conv);
  EXPECT_EQ(conv.getAttrs<ConvAttrs>(),
            (ConvAttrs{{1, 1}, {2, 2}, {1, 1}, {0, 0, 0, 0}, 1, {}}));
  EXPECT_EQ(conv.loc, Location::fileLineCol("t.rtg", 4, 3));
  EXPECT_EQ(g.getValue(conv.results[0]).name, ""); // %0 is unnamed
  EXPECT_EQ(g.getNode(NodeId{2}).loc.kind, LocationKind::OnnxNode);
  EXPECT_EQ(g.getNode(NodeId{2}).loc.nodeName, "r1");
  EXPECT_EQ(g.getOutputs().size(), 2u);
  EXPECT_EQ(g.getType(g.getOutputs()[1]), q);
}

TEST(Parser, RoundTripIsExact) {
  Graph g = parseOk(sampleText);
  std::string once = printGraphToString(g);
  Graph again = parseOk(once);
  EXPECT_EQ(printGraphToString(again), once);
  EXPECT_TRUE(again == g);
}

TEST(Parser, OptionalAttributesTakeStructDefaults) {
  Graph g = parseOk(R"(graph @d(%x: tensor<1x1x4x4xf32>) -> () {
  %0 = clip %x {} : tensor<1x1x4x4xf32>
  %1 = max_pool %x {kernel_shape = [2, 2], strides = [2, 2], dilations = [1, 1], pads = [0, 0, 0, 0]} : tensor<1x1x2x2xf32>
  %2 = pad %x {pads = [0, 0, 0, 0, 0, 0, 0, 0]} : tensor<1x1x4x4xf32>
  return
})");
  ASSERT_EQ(g.getNumNodes(), 3u);
  EXPECT_EQ(g.getNode(NodeId{0}).getAttrs<ClipAttrs>(), ClipAttrs{});
  const PoolAttrs &pool = g.getNode(NodeId{1}).getAttrs<PoolAttrs>();
  EXPECT_FALSE(pool.ceilMode);
  EXPECT_FALSE(pool.countIncludePad);
  const PadAttrs &pad = g.getNode(NodeId{2}).getAttrs<PadAttrs>();
  EXPECT_EQ(pad.mode, PadMode::Constant);
  EXPECT_EQ(pad.value, 0.0);
}

TEST(Parser, AllElementTypesRoundTrip) {
  const char *text =
      R"(graph @t() -> (tensor<2xf16>, tensor<2xu16>, tensor<2xi16>, tensor<1xu32>, tensor<2xi1>, tensor<f64>) {
  %a = const dense<[0.5, -65504]> : tensor<2xf16>
  %b = const dense<[0, 65535]> : tensor<2xu16>
  %c = const dense<[-32768, 32767]> : tensor<2xi16>
  %d = const dense<4294967295> : tensor<1xu32>
  %e = const dense<[true, false]> : tensor<2xi1>
  %f = const dense<0.1> : tensor<f64>
  return %a, %b, %c, %d, %e, %f
}
)";
  Graph g = parseOk(text);
  EXPECT_EQ(printGraphToString(g), text);
  const Tensor *a = g.getConstantValue(g.getOutputs()[0]);
  ASSERT_NE(a, nullptr);
  uint16_t half[2];
  std::memcpy(half, a->getRawData(), 4);
  EXPECT_EQ(half[0], 0x3800); // 0.5
  EXPECT_EQ(half[1], 0xFBFF); // -65504
  EXPECT_EQ(g.getConstantValue(g.getOutputs()[3])->getAsInt64(0), 4294967295LL);
  EXPECT_EQ(g.getConstantValue(g.getOutputs()[5])->getData<double>()[0], 0.1);
}

TEST(Parser, HexConstants) {
  Graph g = parseOk(R"(graph @h() -> (tensor<2xf32>) {
  %k = const dense<0x0000803f000000C0> : tensor<2xf32>
  return %k
})");
  const Tensor *k = g.getConstantValue(g.getOutputs()[0]);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->getData<float>()[0], 1.0f);
  EXPECT_EQ(k->getData<float>()[1], -2.0f);
}

TEST(Parser, ReportsErrorsWithExactLineAndColumn) {
  EXPECT_EQ(parseErrors("graph @g(%x: tensor<2xf32>) -> () {\n"
                        "  %0 = nope %x : tensor<2xf32>\n"
                        "  return\n"
                        "}\n"),
            "t.rtg:2:8: error: unknown op 'nope'\n");
  // firstLine shifts line numbers (split-input-file chunks).
  EXPECT_EQ(parseErrors("graph @g() -> (tensor<2xf32>) {\n"
                        "  return %y\n"
                        "}\n",
                        10),
            "t.rtg:11:10: error: use of undefined value '%y'\n");
}

TEST(Parser, ReportsSeveralErrorsAtOnce) {
  std::string errs =
      parseErrors(R"(graph @g(%x: tensor<2xf32>) -> (tensor<2xf32>) {
  %0 = relu %x : tensor<3xf32>
  %1 = add %x : tensor<2xf32>
  %2 = leaky_relu %x {alpha = true} : tensor<2xf32>
  %3 = const dense<[1, 2, 3]> : tensor<2xf32>
  %4 = relu %undefined : tensor<2xf32>
  return %x
})");
  EXPECT_EQ(errs,
            "t.rtg:2:18: error: result type tensor<3xf32> does not match the "
            "inferred type tensor<2xf32>\n"
            "t.rtg:3:8: error: 'add' expects 2 operands, got 1\n"
            "t.rtg:4:23: error: attribute 'alpha' expects a number\n"
            "t.rtg:5:20: error: dense literal has 3 elements, but "
            "tensor<2xf32> has 2\n"
            "t.rtg:6:13: error: use of undefined value '%undefined'\n");
}

TEST(Parser, ElidedConstantsDoNotParse) {
  EXPECT_EQ(parseErrors("graph @g() -> () {\n"
                        "  %0 = const dense<...> : tensor<100xf32>\n"
                        "  return\n"
                        "}\n"),
            "t.rtg:2:20: error: elided constant cannot be parsed\n");
}

TEST(Parser, NumberedAndNamedValuesAreDistinct) {
  // %"5" is a value named "5"; %5 is unnamed value number 5.
  Graph g = parseOk(
      R"(graph @g(%"5": tensor<1xf32>, %5: tensor<1xf32>) -> (tensor<1xf32>) {
  %r = add %"5", %5 : tensor<1xf32>
  return %r
})");
  EXPECT_EQ(g.getValue(g.getInputs()[0]).name, "5");
  EXPECT_EQ(g.getValue(g.getInputs()[1]).name, "");
  EXPECT_EQ(printGraphToString(g),
            "graph @g(%\"5\": tensor<1xf32>, %0: tensor<1xf32>) -> "
            "(tensor<1xf32>) {\n"
            "  %r = add %\"5\", %0 : tensor<1xf32>\n"
            "  return %r\n"
            "}\n");
}

TEST(Parser, SplitInputFile) {
  llvm::StringRef text = "a\n// -----\nb\nc\n// -----  \n// ------\n"
                         " // -----\nd";
  llvm::SmallVector<TextChunk, 4> chunks = splitInputFile(text);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text, "a\n");
  EXPECT_EQ(chunks[0].firstLine, 1u);
  EXPECT_EQ(chunks[1].text, "b\nc\n");
  EXPECT_EQ(chunks[1].firstLine, 3u);
  // "// ------" and an indented separator do not split.
  EXPECT_EQ(chunks[2].text, "// ------\n // -----\nd");
  EXPECT_EQ(chunks[2].firstLine, 6u);
  EXPECT_EQ(splitInputFile("").size(), 1u);
}

/// Parsing arbitrary bytes must return (errors or a graph), never crash or
/// hang. Deterministic seeds keep failures reproducible.
TEST(Parser, NeverCrashesOnMutatedOrRandomInput) {
  std::string valid = sampleText;
  std::mt19937 rng(1234);
  // Every truncation of a valid text.
  for (size_t n = 0; n < valid.size(); ++n) {
    llvm::Expected<Graph> g = parseGraph(valid.substr(0, n), "t.rtg");
    if (g)
      continue;
    llvm::consumeError(g.takeError());
  }
  // Random byte mutations.
  const char alphabet[] = "%@\"\\<>[]{}(),:=-x0123456789.e \nabcfiqtu";
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = valid;
    int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % s.size();
      switch (rng() % 3) {
      case 0:
        s[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
        break;
      case 1:
        s.erase(pos, 1 + rng() % 8);
        break;
      default:
        s.insert(s.begin() + long(pos), char(rng() % 256));
        break;
      }
      if (s.empty())
        s.assign(1, 'x');
    }
    llvm::Expected<Graph> g = parseGraph(s, "t.rtg");
    if (!g)
      llvm::consumeError(g.takeError());
  }
  // Pure noise.
  for (int iter = 0; iter < 500; ++iter) {
    std::string s(rng() % 200, '\0');
    for (char &c : s)
      c = char(rng() % 256);
    llvm::Expected<Graph> g = parseGraph(s, "t.rtg");
    EXPECT_FALSE(bool(g));
    if (!g)
      llvm::consumeError(g.takeError());
  }
}

} // namespace
