//===- ir/TensorFile.h - Read and write tensor files -----------*- C++ -*-===//
//
// The tensor file formats every tool reads or writes, implemented once:
//  * .npy (NumPy format 1.0/2.0/3.0; little-endian; C order; the dtypes of
//    ir/Types.h) - read and write;
//  * .pb  (an ONNX TensorProto, decoded with a small hand-written protobuf
//    wire-format reader so this library does not need protobuf: dims,
//    data_type, raw_data and the typed *_data fields) - read and write;
//  * .bin (raw little-endian float32; the shape comes from the caller) -
//    read and write.
// Every reader validates sizes, dtypes and structure and returns a located
// error (Location::inFile) on malformed input; none of them aborts.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace rtc {

/// A tensor read from a file, with the name stored in it (TensorProto name;
/// empty for .npy and .bin).
struct NamedTensor {
  std::string name;
  Tensor tensor;
};

/// Decodes .npy bytes; \p displayName is used in error messages.
llvm::Expected<Tensor> parseNpy(llvm::StringRef bytes,
                                llvm::StringRef displayName);
/// Decodes the bytes of a serialized onnx.TensorProto.
llvm::Expected<NamedTensor> parseTensorProto(llvm::StringRef bytes,
                                             llvm::StringRef displayName);
/// Encodes \p t as .npy bytes.
std::string serializeNpy(const Tensor &t);
/// Encodes \p t as a serialized onnx.TensorProto named \p name.
std::string serializeTensorProto(const Tensor &t, llvm::StringRef name);

/// Reads a tensor file, choosing the format by extension (.npy, .pb, .bin).
/// For .bin, \p binType gives the expected type (size must match exactly);
/// passing nullptr for a .bin is an error.
llvm::Expected<NamedTensor> readTensorFile(llvm::StringRef path,
                                           const TensorType *binType);
/// Writes \p t to \p path in the format chosen by extension; \p name is
/// stored as the TensorProto name of a .pb (ignored by .npy and .bin).
llvm::Error writeTensorFile(llvm::StringRef path, const Tensor &t,
                            llvm::StringRef name = "");

} // namespace rtc
