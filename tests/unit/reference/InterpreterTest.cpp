//===- tests/unit/reference/InterpreterTest.cpp - Whole-graph runs --------===//
//
// interpret(): input checking, evaluation order, several outputs, erased
// nodes, constants, error propagation; and a LeNet-shaped network.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include <chrono>

using namespace rtc;
using namespace rtc::test;

/// y = relu(x W + b) with x [1,2], W = [[1,-1],[2,1]], b = [0.5, -4]; the
/// pre-activation is also an output.
static Graph buildMlp() {
  Graph g("mlp");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 2}), "x");
  ValueId w = g.addConstant(f32({2, 2}, {1, -1, 2, 1}), "w");
  ValueId b = g.addConstant(f32({2}, {0.5f, -4}), "b");
  TensorType t(DType::F32, {1, 2});
  NodeId mm = g.addNode(OpKind::MatMul, {x, w}, {t}, NoAttrs{},
                        Location::fileLineCol("mlp.rtg", 4, 3));
  NodeId add = g.addNode(OpKind::Add, {g.getNode(mm).results[0], b}, {t},
                         NoAttrs{}, Location::fileLineCol("mlp.rtg", 5, 3));
  NodeId relu = g.addNode(OpKind::Relu, {g.getNode(add).results[0]}, {t},
                          NoAttrs{}, Location::fileLineCol("mlp.rtg", 6, 3));
  g.setOutputs({g.getNode(relu).results[0], g.getNode(add).results[0]});
  return g;
}

TEST(ReferenceInterpreter, RunsMlp) {
  Graph g = buildMlp();
  // x = [3, 1]: xW = [3 + 2, -3 + 1] = [5, -2]; + b = [5.5, -6]; relu.
  auto r = interpret(g, {f32({1, 2}, {3, 1})});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  ASSERT_EQ(r->size(), 2u);
  expectF32((*r)[0], {1, 2}, {5.5, 0});
  expectF32((*r)[1], {1, 2}, {5.5, -6});
}

TEST(ReferenceInterpreter, InputCountAndTypeAreChecked) {
  Graph g = buildMlp();
  auto none = interpret(g, {});
  ASSERT_FALSE(bool(none));
  EXPECT_EQ(errorText(none.takeError()),
            "error: graph @mlp expects 1 inputs, got 0");
  auto shape = interpret(g, {f32({2}, {1, 2})});
  ASSERT_FALSE(bool(shape));
  EXPECT_EQ(errorText(shape.takeError()),
            "error: graph @mlp: input #0 'x' has type tensor<2xf32>, expected "
            "tensor<1x2xf32>");
  auto type = interpret(g, {typed<double>({1, 2}, {1, 2})});
  ASSERT_FALSE(bool(type));
  EXPECT_EQ(errorText(type.takeError()),
            "error: graph @mlp: input #0 'x' has type tensor<1x2xf64>, "
            "expected tensor<1x2xf32>");
}

TEST(ReferenceInterpreter, KernelErrorsCarryTheNodeLocation) {
  Graph g("bad");
  ValueId x = g.addInput(TensorType(DType::I32, {2}), "x");
  ValueId zero = g.addConstant(typed<int32_t>({2}, {1, 0}));
  NodeId div =
      g.addNode(OpKind::Div, {x, zero}, {TensorType(DType::I32, {2})},
                NoAttrs{}, Location::onnxNode("m.onnx", "div_1", "Div", 3, 13));
  g.addOutput(g.getNode(div).results[0]);
  auto r = interpret(g, {typed<int32_t>({2}, {4, 4})});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "m.onnx: node 'div_1' (Div, opset 13): error: div: integer "
            "division by zero");
}

TEST(ReferenceInterpreter, OutputsMayRepeatOrBeInputs) {
  Graph g("io");
  ValueId x = g.addInput(TensorType(DType::F32, {2}), "x");
  NodeId neg =
      g.addNode(OpKind::Sub, {x, x}, {TensorType(DType::F32, {2})}, NoAttrs{});
  ValueId zero = g.getNode(neg).results[0];
  g.setOutputs({zero, x, zero});
  auto r = interpret(g, {f32({2}, {1.5f, -2})});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  ASSERT_EQ(r->size(), 3u);
  expectF32((*r)[0], {2}, {0, 0});
  expectF32((*r)[1], {2}, {1.5, -2});
  expectF32((*r)[2], {2}, {0, 0});
}

TEST(ReferenceInterpreter, SkipsErasedNodesAndDeadValues) {
  Graph g("dead");
  ValueId x = g.addInput(TensorType(DType::F32, {2}), "x");
  TensorType t(DType::F32, {2});
  // A dead node whose result is unused, and an erased node that would fail
  // (its result type is wrong).
  g.addNode(OpKind::Relu, {x}, {t}, NoAttrs{});
  NodeId broken =
      g.addNode(OpKind::Relu, {x}, {TensorType(DType::F32, {3})}, NoAttrs{});
  g.eraseNode(broken);
  NodeId sig = g.addNode(OpKind::Sigmoid, {x}, {t}, NoAttrs{});
  g.addOutput(g.getNode(sig).results[0]);
  auto r = interpret(g, {f32({2}, {0, 0})});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32((*r)[0], {2}, {0.5, 0.5});
}

TEST(ReferenceInterpreter, UndefinedOperandIsError) {
  // A node placed before the producer of its operand (not topological).
  Graph g("undef");
  ValueId x = g.addInput(TensorType(DType::F32, {2}), "x");
  TensorType t(DType::F32, {2});
  NodeId later = g.addNode(OpKind::Relu, {x}, {t}, NoAttrs{});
  ValueId y = g.getNode(later).results[0];
  NodeId early = g.insertNodeBefore(later, OpKind::Relu, {y}, {t}, NoAttrs{},
                                    Location::fileLineCol("u.rtg", 9, 1));
  g.addOutput(g.getNode(early).results[0]);
  auto r = interpret(g, {f32({2}, {1, 2})});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "u.rtg:9:1: error: relu: operand #0 (%1) has no value; it is not "
            "defined before its use");
}

TEST(ReferenceInterpreter, EvaluateNodeChecksOperandCount) {
  Graph g = buildMlp();
  const Node &mm = g.getNode(NodeId{2});
  ASSERT_EQ(mm.kind, OpKind::MatMul);
  Tensor x = f32({1, 2}, {1, 2});
  const Tensor *one[] = {&x};
  auto r = evaluateNode(g, mm, one);
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "mlp.rtg:4:3: error: matmul: got 1 operand tensors for 2 "
            "operands");
}

TEST(ReferenceInterpreter, LeNetShapedNetwork) {
  // conv 1->6 5x5 pad 2, relu, maxpool 2, conv 6->16 5x5, relu, maxpool 2,
  // flatten, gemm 400->10, softmax. All weights 0.01 and input 1, so every
  // logit is equal and the softmax is uniform: each output is 0.1.
  Graph g("lenet");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 1, 28, 28}), "x");
  auto filled = [](llvm::ArrayRef<int64_t> shape, float v) {
    Tensor t(TensorType(DType::F32, shape));
    for (float &e : t.getMutableData<float>())
      e = v;
    return t;
  };
  auto add = [&](OpKind kind, llvm::ArrayRef<ValueId> ops, Attrs attrs,
                 llvm::ArrayRef<int64_t> shape) {
    NodeId n =
        g.addNode(kind, ops, {TensorType(DType::F32, shape)}, std::move(attrs));
    return g.getNode(n).results[0];
  };
  ConvAttrs c1;
  c1.kernelShape = {5, 5};
  c1.strides = {1, 1};
  c1.dilations = {1, 1};
  c1.pads = {2, 2, 2, 2};
  ConvAttrs c2 = c1;
  c2.pads = {0, 0, 0, 0};
  PoolAttrs p;
  p.kernelShape = {2, 2};
  p.strides = {2, 2};
  p.dilations = {1, 1};
  p.pads = {0, 0, 0, 0};
  ValueId v = add(OpKind::Conv,
                  {x, g.addConstant(filled({6, 1, 5, 5}, 0.01f)),
                   g.addConstant(filled({6}, 0.1f))},
                  c1, {1, 6, 28, 28});
  v = add(OpKind::Relu, {v}, NoAttrs{}, {1, 6, 28, 28});
  v = add(OpKind::MaxPool, {v}, p, {1, 6, 14, 14});
  v = add(OpKind::Conv, {v, g.addConstant(filled({16, 6, 5, 5}, 0.01f))}, c2,
          {1, 16, 10, 10});
  v = add(OpKind::Relu, {v}, NoAttrs{}, {1, 16, 10, 10});
  v = add(OpKind::MaxPool, {v}, p, {1, 16, 5, 5});
  v = add(OpKind::Flatten, {v}, AxisAttrs{1}, {1, 400});
  GemmAttrs gemm;
  gemm.transB = true;
  v = add(OpKind::Gemm,
          {v, g.addConstant(filled({10, 400}, 0.01f)),
           g.addConstant(filled({10}, 0))},
          gemm, {1, 10});
  v = add(OpKind::Softmax, {v}, AxisAttrs{1}, {1, 10});
  g.addOutput(v);

  auto start = std::chrono::steady_clock::now();
  auto r = interpret(g, {filled({1, 1, 28, 28}, 1)});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32((*r)[0], {1, 10},
            {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_LT(seconds, 2.0);
}
