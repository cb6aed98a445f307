//===- ir/reference/MatMul.cpp - MatMul and Gemm reference kernels --------===//
//
// MatMul follows numpy.matmul: a 1-D first operand is treated as a row
// vector [1, K] and a 1-D second operand as a column vector [K, 1] (the
// inserted dim is removed from the result); leading (batch) dims broadcast.
// Gemm is Y = alpha * A' * B' + beta * C with optional transposes and a C
// unidirectionally broadcast to [M, N].
//
// Loop order (fixed, so results are reproducible bit for bit): for each
// output row i, the row is zeroed and then, for k = 0..K-1 in ascending
// order, a[i][k] * b[k][:] is added into it. Every output element is thus
// the sum over ascending k, accumulated in the element type (float for f32;
// integers wrap modulo 2^bits), and the inner loop is contiguous.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <algorithm>

using namespace rtc;
using namespace rtc::reference;

/// out[M,N] = a[M,K] * b[K,N] (row-major, contiguous) in the documented order.
template <typename T>
static void matmulRowMajor(const T *a, const T *b, T *out, int64_t m, int64_t k,
                           int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    T *row = out + i * n;
    std::fill(row, row + n, T(0));
    for (int64_t kk = 0; kk < k; ++kk) {
      T aik = a[i * k + kk];
      const T *brow = b + kk * n;
      for (int64_t j = 0; j < n; ++j)
        row[j] = addValues(row[j], mulValues(aik, brow[j]));
    }
  }
}

llvm::Expected<Tensor> reference::evalMatMul(const Node &node, const Tensor &a,
                                             const Tensor &b,
                                             const TensorType &resultType) {
  const Tensor *ops[] = {&a, &b};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  llvm::ArrayRef<int64_t> aShape = a.getShape(), bShape = b.getShape();
  if (aShape.empty() || bShape.empty())
    return nodeError(node, "operands must have rank >= 1, got {} and {}",
                     a.getType().str(), b.getType().str());

  // Promote 1-D operands to matrices.
  llvm::SmallVector<int64_t, 6> aMat(aShape.begin(), aShape.end());
  llvm::SmallVector<int64_t, 6> bMat(bShape.begin(), bShape.end());
  if (aMat.size() == 1)
    aMat.insert(aMat.begin(), 1);
  if (bMat.size() == 1)
    bMat.push_back(1);
  int64_t m = aMat[aMat.size() - 2], k = aMat.back();
  int64_t n = bMat.back();
  if (bMat[bMat.size() - 2] != k)
    return nodeError(node, "inner dims of {} and {} differ", a.getType().str(),
                     b.getType().str());

  // Broadcast the batch dims.
  llvm::ArrayRef<int64_t> aBatch = llvm::ArrayRef(aMat).drop_back(2);
  llvm::ArrayRef<int64_t> bBatch = llvm::ArrayRef(bMat).drop_back(2);
  size_t rank = std::max(aBatch.size(), bBatch.size());
  llvm::SmallVector<int64_t, 6> batch(rank, 1), aStride(rank, 0),
      bStride(rank, 0);
  int64_t aMatSize = m * k, bMatSize = k * n;
  // Strides in units of whole matrices; 0 where a dim broadcasts.
  for (size_t i = rank, sa = aMatSize, sb = bMatSize; i-- > 0;) {
    size_t la = rank - aBatch.size(), lb = rank - bBatch.size();
    int64_t da = i < la ? 1 : aBatch[i - la];
    int64_t db = i < lb ? 1 : bBatch[i - lb];
    if (da != db && da != 1 && db != 1)
      return nodeError(node, "batch dims of {} and {} are not broadcastable",
                       a.getType().str(), b.getType().str());
    batch[i] = da == 1 ? db : da;
    aStride[i] = da == 1 ? 0 : int64_t(sa);
    bStride[i] = db == 1 ? 0 : int64_t(sb);
    sa *= size_t(da);
    sb *= size_t(db);
  }
  llvm::SmallVector<int64_t, 6> outShape(batch.begin(), batch.end());
  if (aShape.size() > 1)
    outShape.push_back(m);
  if (bShape.size() > 1)
    outShape.push_back(n);
  if (auto err = checkResultType(node, resultType, *elemType, outShape))
    return err;

  return dispatchElemType<TypeSet::FloatInt>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        const T *aData = a.getData<T>().data();
        const T *bData = b.getData<T>().data();
        T *out = result.getMutableData<T>().data();
        int64_t numBatches = getProduct(batch);
        llvm::SmallVector<int64_t, 6> idx(rank, 0);
        int64_t offA = 0, offB = 0;
        for (int64_t bi = 0; bi < numBatches; ++bi) {
          matmulRowMajor<T>(aData + offA, bData + offB, out + bi * m * n, m, k,
                            n);
          for (size_t d = rank; d-- > 0;) {
            offA += aStride[d];
            offB += bStride[d];
            if (++idx[d] < batch[d])
              break;
            offA -= aStride[d] * batch[d];
            offB -= bStride[d] * batch[d];
            idx[d] = 0;
          }
        }
        return result;
      });
}

/// Copies the [rows, cols] matrix \p src transposed into \p dst.
template <typename T>
static void transposeInto(const T *src, int64_t rows, int64_t cols,
                          std::vector<T> &dst) {
  dst.resize(size_t(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      dst[size_t(c * rows + r)] = src[r * cols + c];
}

llvm::Expected<Tensor> reference::evalGemm(const Node &node, const Tensor &a,
                                           const Tensor &b, const Tensor *c,
                                           const TensorType &resultType) {
  llvm::SmallVector<const Tensor *, 3> ops = {&a, &b};
  if (c)
    ops.push_back(c);
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  const GemmAttrs &attrs = node.getAttrs<GemmAttrs>();
  if (a.getShape().size() != 2 || b.getShape().size() != 2)
    return nodeError(node, "A and B must be matrices, got {} and {}",
                     a.getType().str(), b.getType().str());
  int64_t m = attrs.transA ? a.getShape()[1] : a.getShape()[0];
  int64_t k = attrs.transA ? a.getShape()[0] : a.getShape()[1];
  int64_t kb = attrs.transB ? b.getShape()[1] : b.getShape()[0];
  int64_t n = attrs.transB ? b.getShape()[0] : b.getShape()[1];
  if (k != kb)
    return nodeError(node, "inner dims of A' ({}) and B' ({}) differ", k, kb);
  // C broadcasts unidirectionally to [M, N].
  int64_t cRowStride = 0, cColStride = 0;
  if (c) {
    llvm::ArrayRef<int64_t> cs = c->getShape();
    bool ok = cs.size() <= 2;
    int64_t cm = cs.size() == 2 ? cs[0] : 1;
    int64_t cn = cs.empty() ? 1 : cs.back();
    ok = ok && (cm == 1 || cm == m) && (cn == 1 || cn == n);
    if (!ok)
      return nodeError(node, "C of type {} does not broadcast to [{}, {}]",
                       c->getType().str(), m, n);
    cColStride = cn == 1 ? 0 : 1;
    cRowStride = cm == 1 ? 0 : cn;
  }
  int64_t outShape[] = {m, n};
  if (auto err = checkResultType(node, resultType, *elemType, outShape))
    return err;

  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        // Bring A' and B' into row-major [M,K] and [K,N] so the product
        // uses the same loop order as MatMul.
        std::vector<T> aT, bT;
        const T *aData = a.getData<T>().data();
        const T *bData = b.getData<T>().data();
        if (attrs.transA) {
          transposeInto(aData, k, m, aT);
          aData = aT.data();
        }
        if (attrs.transB) {
          transposeInto(bData, n, k, bT);
          bData = bT.data();
        }
        Tensor result(resultType);
        T *out = result.getMutableData<T>().data();
        matmulRowMajor<T>(aData, bData, out, m, k, n);
        // Y = (A'B') * alpha + C * beta; C is skipped when beta == 0 (as in
        // the ONNX reference), so inf/NaN in C do not leak in.
        T alpha = T(attrs.alpha), beta = T(attrs.beta);
        const T *cData = c ? c->getData<T>().data() : nullptr;
        bool addC = cData && beta != T(0);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            T y = out[i * n + j] * alpha;
            if (addC)
              y += cData[i * cRowStride + j * cColStride] * beta;
            out[i * n + j] = y;
          }
        applyFusedActivation<T>(attrs.activation,
                                result.getMutableData<T>());
        return result;
      });
}
