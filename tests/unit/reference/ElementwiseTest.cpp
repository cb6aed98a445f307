//===- tests/unit/reference/ElementwiseTest.cpp - Element-wise kernels ----===//
//
// Hand-computed expectations for Add/Sub/Mul/Div (broadcasting, integer
// semantics), Relu, LeakyRelu, Clip, Sigmoid and Identity.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include <cmath>
#include <limits>

using namespace rtc;
using namespace rtc::test;

TEST(ReferenceElementwise, AddSameShape) {
  auto r = evalF32(OpKind::Add, NoAttrs{},
                   {f32({3}, {1, 2, 3}), f32({3}, {10, 20, 30})}, {3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3}, {11, 22, 33});
}

TEST(ReferenceElementwise, AddBroadcastsColumnAgainstRow) {
  // [2,1] + [3] -> [2,3]: out[i][j] = a[i] + b[j].
  auto r = evalF32(OpKind::Add, NoAttrs{},
                   {f32({2, 1}, {1, 2}), f32({3}, {10, 20, 30})}, {2, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 3}, {11, 21, 31, 12, 22, 32});
}

TEST(ReferenceElementwise, SubBroadcastsScalar) {
  auto r = evalF32(OpKind::Sub, NoAttrs{},
                   {f32({2, 2}, {1, 2, 3, 4}), f32({}, {1.5f})}, {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2}, {-0.5, 0.5, 1.5, 2.5});
  // And the scalar on the left.
  auto l = evalF32(OpKind::Sub, NoAttrs{},
                   {f32({}, {1.5f}), f32({2, 2}, {1, 2, 3, 4})}, {2, 2});
  ASSERT_TRUE(bool(l)) << errorText(l.takeError());
  expectF32(*l, {2, 2}, {0.5, -0.5, -1.5, -2.5});
}

TEST(ReferenceElementwise, MulBroadcastsBothOperands) {
  // a [2,1,2], b [3,1] -> [2,3,2]: out[i][j][k] = a[i][0][k] * b[j][0].
  auto r = evalF32(OpKind::Mul, NoAttrs{},
                   {f32({2, 1, 2}, {1, 2, 3, 4}), f32({3, 1}, {1, 10, 100})},
                   {2, 3, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 3, 2}, {1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400});
}

TEST(ReferenceElementwise, DivFloat) {
  auto r = evalF32(OpKind::Div, NoAttrs{},
                   {f32({3}, {1, -3, 5}), f32({3}, {2, 2, -4})}, {3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3}, {0.5, -1.5, -1.25});
}

TEST(ReferenceElementwise, AddF64) {
  TensorType t(DType::F64, {2});
  auto r = evalOp(
      OpKind::Add, NoAttrs{},
      {typed<double>({2}, {0.1, 1e300}), typed<double>({2}, {0.2, 1e300})}, t);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // 2e300 overflows float but not double.
  expectTensor(*r, t, {0.30000000000000004, 2e300}, 0, 0);
}

TEST(ReferenceElementwise, IntegerDivTruncatesTowardZero) {
  TensorType t(DType::I32, {4});
  auto r = evalOp(OpKind::Div, NoAttrs{},
                  {typed<int32_t>({4}, {7, -7, 7, -7}),
                   typed<int32_t>({4}, {2, 2, -2, -2})},
                  t);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_EQ(r->getData<int32_t>(), llvm::ArrayRef<int32_t>({3, -3, -3, 3}));
}

TEST(ReferenceElementwise, Uint8Div) {
  // Like ONNX test_div_uint8 (x // y with y >= 1).
  TensorType t(DType::U8, {4});
  auto r = evalOp(OpKind::Div, NoAttrs{},
                  {typed<uint8_t>({4}, {200, 9, 0, 255}),
                   typed<uint8_t>({4}, {7, 3, 5, 1})},
                  t);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_EQ(r->getData<uint8_t>(), llvm::ArrayRef<uint8_t>({28, 3, 0, 255}));
}

TEST(ReferenceElementwise, IntegerArithmeticWraps) {
  TensorType t8(DType::I8, {2});
  auto add = evalOp(
      OpKind::Add, NoAttrs{},
      {typed<int8_t>({2}, {127, -128}), typed<int8_t>({2}, {1, -1})}, t8);
  ASSERT_TRUE(bool(add)) << errorText(add.takeError());
  EXPECT_EQ(add->getData<int8_t>(), llvm::ArrayRef<int8_t>({-128, 127}));

  int32_t minI32 = std::numeric_limits<int32_t>::min();
  int32_t maxI32 = std::numeric_limits<int32_t>::max();
  TensorType t32(DType::I32, {3});
  auto mul = evalOp(OpKind::Mul, NoAttrs{},
                    {typed<int32_t>({3}, {maxI32, 65536, -3}),
                     typed<int32_t>({3}, {2, 65536, 5})},
                    t32);
  ASSERT_TRUE(bool(mul)) << errorText(mul.takeError());
  // 2^31 - 1 times 2 wraps to -2; 2^32 wraps to 0.
  EXPECT_EQ(mul->getData<int32_t>(), llvm::ArrayRef<int32_t>({-2, 0, -15}));

  auto div = evalOp(OpKind::Div, NoAttrs{},
                    {typed<int32_t>({3}, {minI32, minI32, 9}),
                     typed<int32_t>({3}, {-1, 1, -1})},
                    t32);
  ASSERT_TRUE(bool(div)) << errorText(div.takeError());
  EXPECT_EQ(div->getData<int32_t>(),
            llvm::ArrayRef<int32_t>({minI32, minI32, -9}));

  TensorType u16(DType::U16, {2});
  auto sub = evalOp(
      OpKind::Sub, NoAttrs{},
      {typed<uint16_t>({2}, {0, 65535}), typed<uint16_t>({2}, {1, 65535})},
      u16);
  ASSERT_TRUE(bool(sub)) << errorText(sub.takeError());
  EXPECT_EQ(sub->getData<uint16_t>(), llvm::ArrayRef<uint16_t>({65535, 0}));
}

TEST(ReferenceElementwise, IntegerDivByZeroIsLocatedError) {
  auto r = evalOp(OpKind::Div, NoAttrs{},
                  {typed<int64_t>({2}, {1, 2}), typed<int64_t>({2}, {1, 0})},
                  TensorType(DType::I64, {2}));
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: div: integer division by zero");
}

TEST(ReferenceElementwise, UnsupportedElementTypeIsLocatedError) {
  Tensor h(TensorType(DType::F16, {2}));
  auto r = evalOp(OpKind::Add, NoAttrs{}, {h, h}, TensorType(DType::F16, {2}));
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: add: element type f16 is not supported by "
            "the reference interpreter");

  auto s = evalOp(OpKind::Sigmoid, NoAttrs{}, {typed<int32_t>({1}, {1})},
                  TensorType(DType::I32, {1}));
  ASSERT_FALSE(bool(s));
  EXPECT_EQ(errorText(s.takeError()),
            "test.rtg:3:5: error: sigmoid: element type i32 is not supported "
            "by the reference interpreter");
}

TEST(ReferenceElementwise, ShapeErrors) {
  auto r = evalF32(OpKind::Add, NoAttrs{}, {iota({2, 3}), iota({2})}, {2, 3});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: add: shapes tensor<2x3xf32> and "
            "tensor<2xf32> are not broadcastable");

  auto m = evalF32(OpKind::Add, NoAttrs{}, {iota({2, 3}), iota({3})}, {3, 2});
  ASSERT_FALSE(bool(m));
  EXPECT_EQ(errorText(m.takeError()),
            "test.rtg:3:5: error: add: result type tensor<3x2xf32> does not "
            "match the computed tensor<2x3xf32>");

  auto t =
      evalOp(OpKind::Add, NoAttrs{}, {iota({2}), typed<int32_t>({2}, {1, 2})},
             TensorType(DType::F32, {2}));
  ASSERT_FALSE(bool(t));
  EXPECT_EQ(errorText(t.takeError()),
            "test.rtg:3:5: error: add: operand #1 has element type i32, "
            "expected f32 like operand #0");
}

TEST(ReferenceElementwise, QuantizedOperandsAreRejected) {
  TensorType q(DType::I8, {2});
  q.quant = QuantParams{{0.5f}, {0}, -1};
  Tensor x(q);
  // Relu on quantized integers is the integer golden model's
  // (QuantizedTest.cpp); the float-only ops reject quantized operands.
  auto r = evalOp(OpKind::Add, NoAttrs{}, {x, x}, q);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(errorText(r.takeError()).find("quantized type"), std::string::npos);
}

TEST(ReferenceElementwise, Relu) {
  auto r =
      evalF32(OpKind::Relu, NoAttrs{}, {f32({4}, {-1, 0, 2.5f, -0.1f})}, {4});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {4}, {0, 0, 2.5, 0});

  auto i = evalOp(OpKind::Relu, NoAttrs{}, {typed<int32_t>({3}, {-5, 3, 0})},
                  TensorType(DType::I32, {3}));
  ASSERT_TRUE(bool(i)) << errorText(i.takeError());
  EXPECT_EQ(i->getData<int32_t>(), llvm::ArrayRef<int32_t>({0, 3, 0}));

  auto u = evalOp(OpKind::Relu, NoAttrs{}, {typed<uint8_t>({2}, {0, 200})},
                  TensorType(DType::U8, {2}));
  ASSERT_TRUE(bool(u)) << errorText(u.takeError());
  EXPECT_EQ(u->getData<uint8_t>(), llvm::ArrayRef<uint8_t>({0, 200}));
}

TEST(ReferenceElementwise, LeakyRelu) {
  auto r = evalF32(OpKind::LeakyRelu, LeakyReluAttrs{0.1f},
                   {f32({3}, {-2, 0, 3})}, {3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3}, {-0.2, 0, 3});
}

TEST(ReferenceElementwise, ClipFloat) {
  auto r = evalF32(OpKind::Clip, ClipAttrs{-1, 2},
                   {f32({5}, {-3, -1, 0.5f, 2, 5})}, {5});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {5}, {-1, -1, 0.5, 2, 2});

  // Only an upper bound (the default min is -inf).
  ClipAttrs upper;
  upper.max = 6;
  auto u = evalF32(OpKind::Clip, upper, {f32({3}, {-100, 3, 7})}, {3});
  ASSERT_TRUE(bool(u)) << errorText(u.takeError());
  expectF32(*u, {3}, {-100, 3, 6});

  // min > max: every value becomes max (ONNX).
  auto inv = evalF32(OpKind::Clip, ClipAttrs{3, 1}, {f32({3}, {0, 2, 5})}, {3});
  ASSERT_TRUE(bool(inv)) << errorText(inv.takeError());
  expectF32(*inv, {3}, {1, 1, 1});
}

TEST(ReferenceElementwise, ClipInteger) {
  auto r = evalOp(OpKind::Clip, ClipAttrs{-3, 4},
                  {typed<int8_t>({4}, {-128, 0, 100, -2})},
                  TensorType(DType::I8, {4}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_EQ(r->getData<int8_t>(), llvm::ArrayRef<int8_t>({-3, 0, 4, -2}));

  // Default bounds leave every value alone, including the extremes.
  auto d = evalOp(OpKind::Clip, ClipAttrs{}, {typed<int8_t>({2}, {-128, 127})},
                  TensorType(DType::I8, {2}));
  ASSERT_TRUE(bool(d)) << errorText(d.takeError());
  EXPECT_EQ(d->getData<int8_t>(), llvm::ArrayRef<int8_t>({-128, 127}));
}

TEST(ReferenceElementwise, Sigmoid) {
  float ln3 = std::log(3.0f);
  auto r = evalF32(OpKind::Sigmoid, NoAttrs{},
                   {f32({6}, {0, ln3, -ln3, 30, -30, -200})}, {6});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // 1 / (1 + 1/3) = 0.75; 1 / (1 + 3) = 0.25; sigmoid(-30) = e^-30 / (1 +
  // e^-30) = 9.357623e-14; sigmoid(-200) underflows to 0, not NaN.
  expectF32(*r, {6}, {0.5, 0.75, 0.25, 1, 9.357623e-14, 0}, 1e-4, 0);
}

TEST(ReferenceElementwise, IdentityCopiesAnyElementType) {
  Tensor h(TensorType(DType::F16, {2}));
  h.setFromDouble(0, 1.5);
  h.setFromDouble(1, -2);
  auto r =
      evalOp(OpKind::Identity, NoAttrs{}, {h}, TensorType(DType::F16, {2}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_TRUE(*r == h);
}
