//===- ir/reference/Conv.cpp - Convolution reference kernel ---------------===//
//
// ONNX Conv: x [N, C, D1..Dr], w [M, C/group, K1..Kr], optional bias [M],
// y [N, M, O1..Or], with strides, dilations, explicit pads and groups
// (group == C == M is depthwise). Up to 3 spatial dims, canonicalized to a
// 3-D window (see Window3d in Kernels.h).
//
// Loop order (fixed, so results are reproducible bit for bit): for each
// output element y[n, m, o0, o1, o2] one accumulator of the element type
// (float for f32) starts at 0 and adds x * w for input channel c of m's
// group in ascending order, then kernel taps k0, k1, k2 in row-major order;
// taps that fall into the zero padding are skipped (they add nothing). The
// bias is added after the sum, as in the ONNX reference (conv + bias), and
// a fused activation is applied last (Kernels.h, applyFusedActivation).
//
// Im2Col shares the window geometry: column j of image n is output position
// j (row-major), row (c, k0, k1, k2) the input element under kernel tap
// (k0, k1, k2) of channel c, or pad_value where the tap is in the padding.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

using namespace rtc;
using namespace rtc::reference;

template <typename T>
static void convolve(const ConvGeometry &s, const T *x, const T *w, const T *bias,
                     T *y) {
  const Window3d &win = s.w;
  // Valid kernel-tap ranges per output position, hoisted out of all loops.
  TapRanges taps[3];
  for (unsigned d = 0; d < 3; ++d)
    taps[d] = computeTapRanges(win, d, 0, win.in[d]);

  int64_t inPlane = win.in[0] * win.in[1] * win.in[2];
  int64_t outPlane = win.out[0] * win.out[1] * win.out[2];
  int64_t kVolume = win.kernel[0] * win.kernel[1] * win.kernel[2];
  int64_t in12 = win.in[1] * win.in[2];
  int64_t k12 = win.kernel[1] * win.kernel[2];

  for (int64_t n = 0; n < s.n; ++n) {
    for (int64_t m = 0; m < s.m; ++m) {
      int64_t g = m / s.mPerGroup;
      const T *xGroup = x + (n * s.c + g * s.cPerGroup) * inPlane;
      const T *wm = w + m * s.cPerGroup * kVolume;
      T *yPlane = y + (n * s.m + m) * outPlane;
      T b = bias ? bias[m] : T(0);
      for (int64_t o0 = 0; o0 < win.out[0]; ++o0) {
        int64_t base0 = o0 * win.stride[0] - win.padBegin[0];
        for (int64_t o1 = 0; o1 < win.out[1]; ++o1) {
          int64_t base1 = o1 * win.stride[1] - win.padBegin[1];
          for (int64_t o2 = 0; o2 < win.out[2]; ++o2) {
            int64_t base2 = o2 * win.stride[2] - win.padBegin[2];
            T acc = T(0);
            for (int64_t cc = 0; cc < s.cPerGroup; ++cc) {
              const T *xc = xGroup + cc * inPlane;
              const T *wc = wm + cc * kVolume;
              for (int64_t k0 = taps[0].lo[o0]; k0 < taps[0].hi[o0]; ++k0) {
                int64_t i0 = base0 + k0 * win.dilation[0];
                for (int64_t k1 = taps[1].lo[o1]; k1 < taps[1].hi[o1]; ++k1) {
                  int64_t i1 = base1 + k1 * win.dilation[1];
                  const T *xRow = xc + i0 * in12 + i1 * win.in[2];
                  const T *wRow = wc + k0 * k12 + k1 * win.kernel[2];
                  for (int64_t k2 = taps[2].lo[o2]; k2 < taps[2].hi[o2]; ++k2)
                    acc += xRow[base2 + k2 * win.dilation[2]] * wRow[k2];
                }
              }
            }
            yPlane[(o0 * win.out[1] + o1) * win.out[2] + o2] = acc + b;
          }
        }
      }
    }
  }
}

llvm::Expected<ConvGeometry>
reference::makeConvGeometry(const Node &node, const ConvAttrs &attrs,
                            const TensorType &x, const TensorType &w,
                            const TensorType *bias) {
  llvm::ArrayRef<int64_t> xs = x.shape, ws = w.shape;
  if (xs.size() < 2 || ws.size() != xs.size())
    return nodeError(node,
                     "input {} and weight {} must have the same rank >= 2",
                     x.str(), w.str());
  ConvGeometry s;
  s.n = xs[0];
  s.c = xs[1];
  s.m = ws[0];
  s.group = attrs.group;
  if (s.group < 1 || s.c % s.group != 0 || s.m % s.group != 0)
    return nodeError(node,
                     "group {} must divide the {} input channels and the {} "
                     "output channels",
                     s.group, s.c, s.m);
  s.cPerGroup = s.c / s.group;
  s.mPerGroup = s.m / s.group;
  if (ws[1] != s.cPerGroup)
    return nodeError(node, "weight {} has {} input channels, expected {}",
                     w.str(), ws[1], s.cPerGroup);
  if (bias && (bias->shape.size() != 1 || bias->shape[0] != s.m))
    return nodeError(node, "bias {} must have shape [{}]", bias->str(), s.m);
  // The kernel shape attribute must agree with the weight.
  llvm::ArrayRef<int64_t> kernel = ws.drop_front(2);
  if (llvm::ArrayRef<int64_t>(attrs.kernelShape) != kernel)
    return nodeError(node, "kernel shape attribute does not match weight {}",
                     w.str());
  auto win = makeWindow3d(node, xs.drop_front(2), kernel, attrs.strides,
                          attrs.dilations, attrs.pads, /*ceilMode=*/false);
  if (!win)
    return win.takeError();
  s.w = *win;
  s.outShape = {s.n, s.m};
  for (size_t d = 3 - (xs.size() - 2); d < 3; ++d)
    s.outShape.push_back(s.w.out[d]);
  return s;
}

void reference::convolveInt64(const ConvGeometry &s, const int64_t *x,
                              const int64_t *w, const int64_t *bias,
                              int64_t *y) {
  convolve<int64_t>(s, x, w, bias, y);
}

llvm::Expected<Tensor> reference::evalConv(const Node &node, const Tensor &x,
                                           const Tensor &w, const Tensor *bias,
                                           const TensorType &resultType) {
  llvm::SmallVector<const Tensor *, 3> ops = {&x, &w};
  if (bias)
    ops.push_back(bias);
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  const ConvAttrs &attrs = node.getAttrs<ConvAttrs>();
  auto geometry = makeConvGeometry(node, attrs, x.getType(), w.getType(),
                                   bias ? &bias->getType() : nullptr);
  if (!geometry)
    return geometry.takeError();
  const ConvGeometry &s = *geometry;
  if (auto err = checkResultType(node, resultType, *elemType, s.outShape))
    return err;

  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        convolve<T>(s, x.getData<T>().data(), w.getData<T>().data(),
                    bias ? bias->getData<T>().data() : nullptr,
                    result.getMutableData<T>().data());
        applyFusedActivation<T>(attrs.activation,
                                result.getMutableData<T>());
        return result;
      });
}

template <typename T>
static void im2col(const Window3d &win, int64_t n, int64_t c, T padValue,
                   const T *x, T *cols) {
  int64_t inPlane = win.in[0] * win.in[1] * win.in[2];
  auto inside = [&](int64_t i, unsigned d) { return i >= 0 && i < win.in[d]; };
  for (int64_t img = 0; img < n; ++img) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const T *xc = x + (img * c + ch) * inPlane;
      for (int64_t k0 = 0; k0 < win.kernel[0]; ++k0)
        for (int64_t k1 = 0; k1 < win.kernel[1]; ++k1)
          for (int64_t k2 = 0; k2 < win.kernel[2]; ++k2) {
            for (int64_t o0 = 0; o0 < win.out[0]; ++o0) {
              int64_t i0 = o0 * win.stride[0] - win.padBegin[0] +
                           k0 * win.dilation[0];
              for (int64_t o1 = 0; o1 < win.out[1]; ++o1) {
                int64_t i1 = o1 * win.stride[1] - win.padBegin[1] +
                             k1 * win.dilation[1];
                for (int64_t o2 = 0; o2 < win.out[2]; ++o2) {
                  int64_t i2 = o2 * win.stride[2] - win.padBegin[2] +
                               k2 * win.dilation[2];
                  bool in = inside(i0, 0) && inside(i1, 1) && inside(i2, 2);
                  *cols++ = in ? xc[(i0 * win.in[1] + i1) * win.in[2] + i2]
                               : padValue;
                }
              }
            }
          }
    }
  }
}

llvm::Expected<Tensor> reference::evalIm2Col(const Node &node, const Tensor &x,
                                             const TensorType &resultType) {
  const Im2ColAttrs &attrs = node.getAttrs<Im2ColAttrs>();
  llvm::ArrayRef<int64_t> xs = x.getShape();
  if (xs.size() < 3)
    return nodeError(node, "input {} must have rank >= 3", x.getType().str());
  auto win = makeWindow3d(node, xs.drop_front(2), attrs.kernelShape,
                          attrs.strides, attrs.dilations, attrs.pads,
                          /*ceilMode=*/false);
  if (!win)
    return win.takeError();
  int64_t kernel = win->kernel[0] * win->kernel[1] * win->kernel[2];
  int64_t positions = win->out[0] * win->out[1] * win->out[2];
  int64_t outShape[] = {xs[0], xs[1] * kernel, positions};
  if (auto err = checkResultType(node, resultType, x.getElemType(), outShape))
    return err;
  return dispatchElemType<TypeSet::FloatInt>(
      node, x.getElemType(), [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        im2col<T>(*win, xs[0], xs[1], T(attrs.padValue),
                  x.getData<T>().data(), result.getMutableData<T>().data());
        return result;
      });
}
