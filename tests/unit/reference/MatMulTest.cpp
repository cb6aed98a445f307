//===- tests/unit/reference/MatMulTest.cpp - MatMul and Gemm kernels ------===//
//
// Hand-computed products: 2-D, 1-D promotion, batched with broadcasting,
// integers; Gemm with transposes, alpha/beta and broadcast C.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include <limits>

using namespace rtc;
using namespace rtc::test;

// A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]:
// AB = [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]]
//    = [[58, 64], [139, 154]].
static Tensor matA() { return f32({2, 3}, {1, 2, 3, 4, 5, 6}); }
static Tensor matB() { return f32({3, 2}, {7, 8, 9, 10, 11, 12}); }

TEST(ReferenceMatMul, TwoByThreeTimesThreeByTwo) {
  auto r = evalF32(OpKind::MatMul, NoAttrs{}, {matA(), matB()}, {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2}, {58, 64, 139, 154});
}

TEST(ReferenceMatMul, OneDimensionalOperandsArePromoted) {
  // [3] x [3,2]: row vector [1,2,3] times B -> [58, 64], shape [2].
  auto v =
      evalF32(OpKind::MatMul, NoAttrs{}, {f32({3}, {1, 2, 3}), matB()}, {2});
  ASSERT_TRUE(bool(v)) << errorText(v.takeError());
  expectF32(*v, {2}, {58, 64});
  // [2,3] x [3]: A times column [1,1,1] -> row sums [6, 15], shape [2].
  auto c =
      evalF32(OpKind::MatMul, NoAttrs{}, {matA(), f32({3}, {1, 1, 1})}, {2});
  ASSERT_TRUE(bool(c)) << errorText(c.takeError());
  expectF32(*c, {2}, {6, 15});
  // [3] x [3]: dot product 4 + 10 + 18 = 32, a scalar.
  auto d = evalF32(OpKind::MatMul, NoAttrs{},
                   {f32({3}, {1, 2, 3}), f32({3}, {4, 5, 6})}, {});
  ASSERT_TRUE(bool(d)) << errorText(d.takeError());
  expectF32(*d, {}, {32});
}

TEST(ReferenceMatMul, BatchedWithBroadcastMatrix) {
  // a [2,2,2] = {I, swap}, b [2,2] = [[1,2],[3,4]] -> {b, rows swapped}.
  auto r = evalF32(
      OpKind::MatMul, NoAttrs{},
      {f32({2, 2, 2}, {1, 0, 0, 1, 0, 1, 1, 0}), f32({2, 2}, {1, 2, 3, 4})},
      {2, 2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2, 2}, {1, 2, 3, 4, 3, 4, 1, 2});
}

TEST(ReferenceMatMul, BatchDimsBroadcastAgainstEachOther) {
  // a [2,1,1,2]: rows [1,2] and [3,4]; b [3,2,1]: columns [1,0], [0,1],
  // [1,1]. out [2,3,1,1][i][j] = a_i . b_j: [1, 2, 3], [3, 4, 7].
  auto r = evalF32(
      OpKind::MatMul, NoAttrs{},
      {f32({2, 1, 1, 2}, {1, 2, 3, 4}), f32({3, 2, 1}, {1, 0, 0, 1, 1, 1})},
      {2, 3, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 3, 1, 1}, {1, 2, 3, 3, 4, 7});
}

TEST(ReferenceMatMul, Integers) {
  auto r = evalOp(OpKind::MatMul, NoAttrs{},
                  {typed<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6}),
                   typed<int32_t>({3, 2}, {7, 8, 9, 10, 11, -12})},
                  TensorType(DType::I32, {2, 2}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // Second column: 8 + 20 - 36 = -8; 32 + 50 - 72 = 10.
  EXPECT_EQ(r->getData<int32_t>(), llvm::ArrayRef<int32_t>({58, -8, 139, 10}));
}

TEST(ReferenceMatMul, InnerDimMismatchIsError) {
  auto r = evalF32(OpKind::MatMul, NoAttrs{}, {matA(), matA()}, {2, 3});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: matmul: inner dims of tensor<2x3xf32> and "
            "tensor<2x3xf32> differ");
}

TEST(ReferenceGemm, DefaultWithVectorBias) {
  auto r = evalF32(OpKind::Gemm, GemmAttrs{},
                   {matA(), matB(), f32({2}, {1, -1})}, {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2}, {59, 63, 140, 153});
}

TEST(ReferenceGemm, TransposesAlphaBetaColumnBias) {
  // A and B are stored transposed; Y = 2 * AB + 0.5 * C with C [2,1] =
  // [[10],[20]] broadcast along columns: [[116+5, 128+5], [278+10, 308+10]].
  GemmAttrs attrs;
  attrs.alpha = 2;
  attrs.beta = 0.5f;
  attrs.transA = true;
  attrs.transB = true;
  auto r = evalF32(OpKind::Gemm, attrs,
                   {f32({3, 2}, {1, 4, 2, 5, 3, 6}),
                    f32({2, 3}, {7, 9, 11, 8, 10, 12}), f32({2, 1}, {10, 20})},
                   {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2}, {121, 133, 288, 318});
}

TEST(ReferenceGemm, NoBiasAndScalarBias) {
  auto none = evalF32(OpKind::Gemm, GemmAttrs{}, {matA(), matB()}, {2, 2});
  ASSERT_TRUE(bool(none)) << errorText(none.takeError());
  expectF32(*none, {2, 2}, {58, 64, 139, 154});
  auto scalar = evalF32(OpKind::Gemm, GemmAttrs{},
                        {matA(), matB(), f32({1}, {0.5f})}, {2, 2});
  ASSERT_TRUE(bool(scalar)) << errorText(scalar.takeError());
  expectF32(*scalar, {2, 2}, {58.5, 64.5, 139.5, 154.5});
}

TEST(ReferenceGemm, ZeroBetaIgnoresC) {
  GemmAttrs attrs;
  attrs.beta = 0;
  float inf = std::numeric_limits<float>::infinity();
  auto r = evalF32(OpKind::Gemm, attrs,
                   {matA(), matB(), f32({2, 2}, {inf, -inf, inf, 1})}, {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2}, {58, 64, 139, 154});
}

TEST(ReferenceGemm, BadBiasShapeIsError) {
  auto r = evalF32(OpKind::Gemm, GemmAttrs{},
                   {matA(), matB(), f32({3}, {1, 2, 3})}, {2, 2});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: gemm: C of type tensor<3xf32> does not "
            "broadcast to [2, 2]");
}
