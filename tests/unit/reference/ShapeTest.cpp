//===- tests/unit/reference/ShapeTest.cpp - Data-movement kernels ---------===//
//
// Constant, Concat, Flatten, Reshape, Squeeze, Unsqueeze, Transpose and Pad
// on several element types (they move bytes), with hand-written results;
// the Pad mode cases follow the examples of the ONNX Pad operator docs and
// numpy.pad.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

using namespace rtc;
using namespace rtc::test;

TEST(ReferenceShape, ConstantReturnsItsValue) {
  Graph g("c");
  Tensor value = typed<int64_t>({2}, {-7, 1LL << 40});
  ValueId v = g.addConstant(value, "k", testLoc());
  const Node *node = g.getProducer(v);
  auto r = evaluateNode(g, *node, {});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_TRUE((*r)[0] == value);
}

TEST(ReferenceShape, ConcatMiddleAxis) {
  // [2,1] ++ [2,2] along axis 1.
  auto r =
      evalF32(OpKind::Concat, AxisAttrs{1},
              {f32({2, 1}, {1, 2}), f32({2, 2}, {10, 11, 20, 21})}, {2, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 3}, {1, 10, 11, 2, 20, 21});
}

TEST(ReferenceShape, ConcatThreeInt64OperandsAxis0) {
  auto r =
      evalOp(OpKind::Concat, AxisAttrs{0},
             {typed<int64_t>({1, 2}, {1, 2}),
              typed<int64_t>({2, 2}, {3, 4, 5, 6}), typed<int64_t>({0, 2}, {})},
             TensorType(DType::I64, {3, 2}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_EQ(r->getData<int64_t>(), llvm::ArrayRef<int64_t>({1, 2, 3, 4, 5, 6}));
}

TEST(ReferenceShape, ConcatMismatchIsError) {
  auto r = evalF32(OpKind::Concat, AxisAttrs{0}, {iota({1, 2}), iota({1, 3})},
                   {2, 2});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: concat: operand #1 of type tensor<1x3xf32> "
            "does not match operand #0 of type tensor<1x2xf32> outside axis "
            "0");
}

TEST(ReferenceShape, FlattenReshapeSqueezeUnsqueezeKeepBytes) {
  Tensor x = iota({2, 3, 4});
  auto flat = evalF32(OpKind::Flatten, AxisAttrs{2}, {x}, {6, 4});
  ASSERT_TRUE(bool(flat)) << errorText(flat.takeError());
  EXPECT_EQ(flat->getData<float>(), x.getData<float>());
  auto flat0 = evalF32(OpKind::Flatten, AxisAttrs{0}, {x}, {1, 24});
  ASSERT_TRUE(bool(flat0)) << errorText(flat0.takeError());
  auto flat3 = evalF32(OpKind::Flatten, AxisAttrs{3}, {x}, {24, 1});
  ASSERT_TRUE(bool(flat3)) << errorText(flat3.takeError());

  ReshapeAttrs reshape;
  reshape.shape = {4, 6};
  auto re = evalF32(OpKind::Reshape, reshape, {x}, {4, 6});
  ASSERT_TRUE(bool(re)) << errorText(re.takeError());
  EXPECT_EQ(re->getData<float>(), x.getData<float>());

  AxesAttrs sq;
  sq.axes = {0, 2};
  auto s = evalF32(OpKind::Squeeze, sq, {iota({1, 3, 1, 2})}, {3, 2});
  ASSERT_TRUE(bool(s)) << errorText(s.takeError());
  // Axes are explicit (the importer resolves ONNX's "all size-1 dims"): no
  // axes squeeze nothing.
  auto none =
      evalF32(OpKind::Squeeze, AxesAttrs{}, {iota({1, 3, 1, 2})}, {1, 3, 1, 2});
  ASSERT_TRUE(bool(none)) << errorText(none.takeError());

  AxesAttrs unsq;
  unsq.axes = {0, 3};
  Tensor b = typed<uint8_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto u =
      evalOp(OpKind::Unsqueeze, unsq, {b}, TensorType(DType::U8, {1, 2, 3, 1}));
  ASSERT_TRUE(bool(u)) << errorText(u.takeError());
  EXPECT_EQ(u->getData<uint8_t>(), b.getData<uint8_t>());
}

TEST(ReferenceShape, ReshapeLikeErrors) {
  ReshapeAttrs reshape;
  reshape.shape = {5};
  auto re = evalF32(OpKind::Reshape, reshape, {iota({2, 2})}, {5});
  ASSERT_FALSE(bool(re));
  EXPECT_EQ(errorText(re.takeError()),
            "test.rtg:3:5: error: reshape: cannot reshape 4 elements into "
            "tensor<5xf32>");
  AxesAttrs sq;
  sq.axes = {1};
  auto s = evalF32(OpKind::Squeeze, sq, {iota({1, 3})}, {1});
  ASSERT_FALSE(bool(s));
  EXPECT_EQ(errorText(s.takeError()),
            "test.rtg:3:5: error: squeeze: axes must be sorted, unique and "
            "name size-1 dims of rank-2 input; axis 1 does not");
}

TEST(ReferenceShape, TransposeMatrix) {
  auto r = evalF32(OpKind::Transpose, TransposeAttrs{{1, 0}}, {iota({2, 3}, 1)},
                   {3, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3, 2}, {1, 4, 2, 5, 3, 6});
}

TEST(ReferenceShape, TransposeRank3AndUint16) {
  // in [2,3,4] holds j*12 + k*4 + i at (j,k,i); perm [2,0,1] gives
  // out[i][j][k] = in[j][k][i] with shape [4,2,3].
  Tensor in = iota({2, 3, 4});
  auto r =
      evalF32(OpKind::Transpose, TransposeAttrs{{2, 0, 1}}, {in}, {4, 2, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t k = 0; k < 3; ++k)
        EXPECT_EQ(r->getData<float>()[(i * 2 + j) * 3 + k],
                  float(j * 12 + k * 4 + i));

  // On u16 [2,3]: out[k][j] = in[j][k].
  auto rev = evalOp(OpKind::Transpose, TransposeAttrs{{1, 0}},
                    {typed<uint16_t>({2, 3}, {1, 2, 3, 4, 5, 6})},
                    TensorType(DType::U16, {3, 2}));
  ASSERT_TRUE(bool(rev)) << errorText(rev.takeError());
  EXPECT_EQ(rev->getData<uint16_t>(),
            llvm::ArrayRef<uint16_t>({1, 4, 2, 5, 3, 6}));
}

TEST(ReferenceShape, TransposeBadPermIsError) {
  auto r = evalF32(OpKind::Transpose, TransposeAttrs{{0, 0}}, {iota({2, 2})},
                   {2, 2});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: transpose: perm is not a permutation of the "
            "2 dims of tensor<2x2xf32>");
}

static PadAttrs padAttrs(llvm::ArrayRef<int64_t> pads, PadMode mode,
                         double value = 0) {
  PadAttrs a;
  a.pads.assign(pads.begin(), pads.end());
  a.mode = mode;
  a.value = value;
  return a;
}

TEST(ReferenceShape, PadModesOnnxDocExample) {
  // ONNX Pad docs: x = [[1.0, 1.2], [2.3, 3.4], [4.5, 5.7]], pads
  // [0, 2, 0, 0] (two columns at the start of dim 1).
  Tensor x = f32({3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  auto c = evalF32(OpKind::Pad, padAttrs({0, 2, 0, 0}, PadMode::Constant), {x},
                   {3, 4});
  ASSERT_TRUE(bool(c)) << errorText(c.takeError());
  expectF32(*c, {3, 4}, {0, 0, 1.0, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7});
  auto r = evalF32(OpKind::Pad, padAttrs({0, 2, 0, 0}, PadMode::Reflect), {x},
                   {3, 4});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3, 4},
            {1.0, 1.2, 1.0, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7});
  auto e =
      evalF32(OpKind::Pad, padAttrs({0, 2, 0, 0}, PadMode::Edge), {x}, {3, 4});
  ASSERT_TRUE(bool(e)) << errorText(e.takeError());
  expectF32(*e, {3, 4},
            {1.0, 1.0, 1.0, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7});
}

TEST(ReferenceShape, PadConstantBothDimsWithValue) {
  // pads [1, 0, 0, 1]: one row on top, one column on the right, value 9.
  auto r = evalOp(OpKind::Pad, padAttrs({1, 0, 0, 1}, PadMode::Constant, 9),
                  {typed<int32_t>({2, 2}, {1, 2, 3, 4})},
                  TensorType(DType::I32, {3, 3}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  EXPECT_EQ(r->getData<int32_t>(),
            llvm::ArrayRef<int32_t>({9, 9, 9, 1, 2, 9, 3, 4, 9}));
}

TEST(ReferenceShape, PadReflectAndEdgeOneDim) {
  Tensor x = iota({3}, 1); // [1, 2, 3]
  auto r = evalF32(OpKind::Pad, padAttrs({2, 2}, PadMode::Reflect), {x}, {7});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {7}, {3, 2, 1, 2, 3, 2, 1});
  auto e = evalF32(OpKind::Pad, padAttrs({2, 2}, PadMode::Edge), {x}, {7});
  ASSERT_TRUE(bool(e)) << errorText(e.takeError());
  expectF32(*e, {7}, {1, 1, 1, 2, 3, 3, 3});
  // Pads wider than the input keep reflecting: numpy.pad([1,2,3], 5,
  // 'reflect') = [2 1 2 3 2 1 2 3 2 1 2 3 2].
  auto wide =
      evalF32(OpKind::Pad, padAttrs({5, 5}, PadMode::Reflect), {x}, {13});
  ASSERT_TRUE(bool(wide)) << errorText(wide.takeError());
  expectF32(*wide, {13}, {2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2});
}

TEST(ReferenceShape, PadNegativeCrops) {
  Tensor x = iota({5}, 1); // [1, 2, 3, 4, 5]
  auto c = evalF32(OpKind::Pad, padAttrs({-1, 2}, PadMode::Constant), {x}, {6});
  ASSERT_TRUE(bool(c)) << errorText(c.takeError());
  expectF32(*c, {6}, {2, 3, 4, 5, 0, 0});
  // Reflection is relative to the uncropped input: pad end by 1 -> [.., 5,
  // 4], then crop 2 at the start.
  auto r = evalF32(OpKind::Pad, padAttrs({-2, 1}, PadMode::Reflect), {x}, {4});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {4}, {3, 4, 5, 4});
  auto bad =
      evalF32(OpKind::Pad, padAttrs({-4, -2}, PadMode::Constant), {x}, {0});
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(errorText(bad.takeError()),
            "test.rtg:3:5: error: pad: dim 0 of size 5 cannot be cropped by "
            "6");
}

TEST(ReferenceShape, PadBoolAndF16ByBytes) {
  Tensor flags(TensorType(DType::Bool, {2}));
  flags.setFromDouble(0, 1);
  auto r = evalOp(OpKind::Pad, padAttrs({1, 1}, PadMode::Edge), {flags},
                  TensorType(DType::Bool, {4}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectTensor(*r, TensorType(DType::Bool, {4}), {1, 1, 0, 0}, 0, 0);

  Tensor h(TensorType(DType::F16, {1}));
  h.setFromDouble(0, 2.5);
  auto p = evalOp(OpKind::Pad, padAttrs({1, 0}, PadMode::Constant, -1.5), {h},
                  TensorType(DType::F16, {2}));
  ASSERT_TRUE(bool(p)) << errorText(p.takeError());
  expectTensor(*p, TensorType(DType::F16, {2}), {-1.5, 2.5}, 0, 0);
}
