//===- tests/unit/reference/OnnxDataTest.cpp - ONNX backend data check ----===//
//
// Cross-checks the kernels against the ONNX backend node tests shipped in
// Debian's libonnx-testdata: for each case the node is rebuilt by hand with
// the attributes of its model.onnx (resolved as the importer would: auto_pad
// to explicit pads, Pad/Clip/Squeeze/Unsqueeze inputs to attributes,
// negative axes normalized), the inputs and expected output are read from
// test_data_set_0, and the result must match within rtol 1e-4, atol 1e-5
// (exactly for integers). This does not use the ONNX importer. Cases are
// skipped when the data package is not installed.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include "ir/TensorFile.h"

#include "llvm/Support/FileSystem.h"

using namespace rtc;
using namespace rtc::test;

namespace {
struct OnnxCase {
  const char *name; ///< Directory under data/node.
  OpKind kind;
  Attrs attrs;
  unsigned numInputs; ///< Leading input_*.pb files that are operands.
};
} // namespace

static const char *dataRoot = "/usr/share/libonnx-testdata/data/node/";

static PoolAttrs pool(llvm::ArrayRef<int64_t> kernel,
                      llvm::ArrayRef<int64_t> strides,
                      llvm::ArrayRef<int64_t> pads, bool includePad = false) {
  PoolAttrs a;
  a.kernelShape.assign(kernel.begin(), kernel.end());
  a.strides.assign(strides.begin(), strides.end());
  a.dilations.assign(kernel.size(), 1);
  a.pads.assign(pads.begin(), pads.end());
  a.countIncludePad = includePad;
  return a;
}

static GemmAttrs gemm(float alpha, float beta, bool transA, bool transB) {
  GemmAttrs a;
  a.alpha = alpha;
  a.beta = beta;
  a.transA = transA;
  a.transB = transB;
  return a;
}

static PadAttrs pad(llvm::ArrayRef<int64_t> pads, PadMode mode,
                    double value = 0) {
  PadAttrs a;
  a.pads.assign(pads.begin(), pads.end());
  a.mode = mode;
  a.value = value;
  return a;
}

static AxesAttrs axes(llvm::ArrayRef<int64_t> list) {
  AxesAttrs a;
  a.axes.assign(list.begin(), list.end());
  return a;
}

static std::vector<OnnxCase> getCases() {
  ConvAttrs convSame; // auto_pad SAME_LOWER, kernel 3, stride 2 on 5x5
  convSame.kernelShape = {3, 3};
  convSame.strides = {2, 2};
  convSame.dilations = {1, 1};
  convSame.pads = {1, 1, 1, 1};
  ClipAttrs clip{-1, 1}, split{-5, 5}, int8Min;
  int8Min.min = 0;
  return {
      {"test_averagepool_2d_pads_count_include_pad", OpKind::AveragePool,
       pool({3, 3}, {1, 1}, {2, 2, 2, 2}, true), 1},
      {"test_averagepool_2d_pads", OpKind::AveragePool,
       pool({3, 3}, {1, 1}, {2, 2, 2, 2}), 1},
      {"test_averagepool_2d_strides", OpKind::AveragePool,
       pool({5, 5}, {3, 3}, {0, 0, 0, 0}), 1},
      {"test_averagepool_2d_same_lower", OpKind::AveragePool,
       pool({2, 2}, {1, 1}, {1, 1, 0, 0}), 1},
      {"test_averagepool_2d_same_upper", OpKind::AveragePool,
       pool({2, 2}, {1, 1}, {0, 0, 1, 1}), 1},
      {"test_averagepool_3d_default", OpKind::AveragePool,
       pool({2, 2, 2}, {1, 1, 1}, {0, 0, 0, 0, 0, 0}), 1},
      {"test_averagepool_1d_default", OpKind::AveragePool,
       pool({2}, {1}, {0, 0}), 1},
      {"test_maxpool_2d_pads", OpKind::MaxPool,
       pool({3, 3}, {1, 1}, {2, 2, 2, 2}), 1},
      {"test_maxpool_2d_same_lower", OpKind::MaxPool,
       pool({2, 2}, {1, 1}, {1, 1, 0, 0}), 1},
      {"test_maxpool_2d_strides", OpKind::MaxPool,
       pool({5, 5}, {3, 3}, {0, 0, 0, 0}), 1},
      {"test_maxpool_3d_default", OpKind::MaxPool,
       pool({2, 2, 2}, {1, 1, 1}, {0, 0, 0, 0, 0, 0}), 1},
      {"test_maxpool_1d_default", OpKind::MaxPool, pool({2}, {1}, {0, 0}), 1},
      {"test_globalaveragepool", OpKind::GlobalAveragePool, NoAttrs{}, 1},
      {"test_globalmaxpool", OpKind::GlobalMaxPool, NoAttrs{}, 1},
      {"test_conv_with_autopad_same", OpKind::Conv, convSame, 2},
      {"test_gemm_all_attributes", OpKind::Gemm, gemm(0.25f, 0.35f, true, true),
       3},
      {"test_gemm_transposeA", OpKind::Gemm, gemm(1, 1, true, false), 3},
      {"test_gemm_transposeB", OpKind::Gemm, gemm(1, 1, false, true), 3},
      {"test_gemm_default_matrix_bias", OpKind::Gemm, gemm(1, 1, false, false),
       3},
      {"test_gemm_default_scalar_bias", OpKind::Gemm, gemm(1, 1, false, false),
       3},
      {"test_gemm_default_single_elem_vector_bias", OpKind::Gemm,
       gemm(1, 1, false, false), 3},
      {"test_gemm_alpha", OpKind::Gemm, gemm(0.5f, 1, false, false), 3},
      {"test_gemm_beta", OpKind::Gemm, gemm(1, 0.5f, false, false), 3},
      {"test_matmul_2d", OpKind::MatMul, NoAttrs{}, 2},
      {"test_matmul_3d", OpKind::MatMul, NoAttrs{}, 2},
      {"test_matmul_4d", OpKind::MatMul, NoAttrs{}, 2},
      {"test_softmax_axis_0", OpKind::Softmax, AxisAttrs{0}, 1},
      {"test_softmax_axis_1", OpKind::Softmax, AxisAttrs{1}, 1},
      {"test_softmax_axis_2", OpKind::Softmax, AxisAttrs{2}, 1},
      {"test_softmax_default_axis", OpKind::Softmax, AxisAttrs{2}, 1},
      {"test_softmax_large_number", OpKind::Softmax, AxisAttrs{1}, 1},
      {"test_batchnorm_epsilon", OpKind::BatchNorm, BatchNormAttrs{0.01f}, 5},
      {"test_batchnorm_example", OpKind::BatchNorm, BatchNormAttrs{}, 5},
      {"test_transpose_all_permutations_3", OpKind::Transpose,
       TransposeAttrs{{1, 2, 0}}, 1},
      {"test_transpose_all_permutations_4", OpKind::Transpose,
       TransposeAttrs{{2, 0, 1}}, 1},
      {"test_transpose_default", OpKind::Transpose, TransposeAttrs{{2, 1, 0}},
       1},
      {"test_reflect_pad", OpKind::Pad,
       pad({0, 0, 1, 1, 0, 0, 1, 1}, PadMode::Reflect), 1},
      {"test_edge_pad", OpKind::Pad,
       pad({0, 0, 1, 1, 0, 0, 1, 1}, PadMode::Edge), 1},
      {"test_constant_pad", OpKind::Pad,
       pad({0, 0, 1, 3, 0, 0, 2, 4}, PadMode::Constant, 1.2000000476837158), 1},
      {"test_leakyrelu", OpKind::LeakyRelu, LeakyReluAttrs{0.1f}, 1},
      {"test_sigmoid", OpKind::Sigmoid, NoAttrs{}, 1},
      {"test_relu", OpKind::Relu, NoAttrs{}, 1},
      {"test_clip", OpKind::Clip, clip, 1},
      {"test_clip_splitbounds", OpKind::Clip, split, 1},
      {"test_clip_default_int8_min", OpKind::Clip, int8Min, 1},
      {"test_add_uint8", OpKind::Add, NoAttrs{}, 2},
      {"test_sub_uint8", OpKind::Sub, NoAttrs{}, 2},
      {"test_mul_uint8", OpKind::Mul, NoAttrs{}, 2},
      {"test_div_uint8", OpKind::Div, NoAttrs{}, 2},
      {"test_add_bcast", OpKind::Add, NoAttrs{}, 2},
      {"test_div_bcast", OpKind::Div, NoAttrs{}, 2},
      {"test_flatten_axis0", OpKind::Flatten, AxisAttrs{0}, 1},
      {"test_flatten_axis2", OpKind::Flatten, AxisAttrs{2}, 1},
      {"test_flatten_negative_axis1", OpKind::Flatten, AxisAttrs{3}, 1},
      {"test_squeeze", OpKind::Squeeze, axes({0}), 1},
      {"test_unsqueeze_two_axes", OpKind::Unsqueeze, axes({1, 4}), 1},
      {"test_concat_3d_axis_1", OpKind::Concat, AxisAttrs{1}, 2},
      {"test_concat_2d_axis_negative_1", OpKind::Concat, AxisAttrs{1}, 2},
  };
}

static llvm::Expected<Tensor> readCaseTensor(const std::string &dir,
                                             llvm::StringRef file) {
  auto named = readTensorFile(dir + "/test_data_set_0/" + file.str(), nullptr);
  if (!named)
    return named.takeError();
  return std::move(named->tensor);
}

TEST(ReferenceOnnxData, MatchesBackendNodeTests) {
  if (!llvm::sys::fs::is_directory(dataRoot))
    GTEST_SKIP() << "libonnx-testdata is not installed";
  unsigned checked = 0;
  for (const OnnxCase &c : getCases()) {
    SCOPED_TRACE(c.name);
    std::string dir = std::string(dataRoot) + c.name;
    ASSERT_TRUE(llvm::sys::fs::is_directory(dir)) << dir;
    std::vector<Tensor> inputs;
    for (unsigned i = 0; i < c.numInputs; ++i) {
      auto t = readCaseTensor(dir, "input_" + std::to_string(i) + ".pb");
      ASSERT_TRUE(bool(t)) << errorText(t.takeError());
      inputs.push_back(std::move(*t));
    }
    auto expected = readCaseTensor(dir, "output_0.pb");
    ASSERT_TRUE(bool(expected)) << errorText(expected.takeError());

    auto got = evalOp(c.kind, c.attrs, inputs, expected->getType());
    ASSERT_TRUE(bool(got)) << errorText(got.takeError());
    bool isFloat = isFloatDType(expected->getElemType());
    std::vector<double> want;
    for (int64_t i = 0; i < expected->getNumElements(); ++i)
      want.push_back(expected->getAsDouble(i));
    expectTensor(*got, expected->getType(), want, isFloat ? 1e-4 : 0,
                 isFloat ? 1e-5 : 0);
    ++checked;
  }
  EXPECT_EQ(checked, getCases().size());
}
