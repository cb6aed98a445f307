//===- ir/FileIO.h - Writing output files with located errors ---*- C++ -*-===//
//
// The one way rtcc's libraries and tools write an output file: open (create
// or truncate), print, close, and report a failure at either end as a
// located error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc {

/// Writes what \p write prints to the file \p path (created or truncated;
/// opened in text mode if \p text). Errors, located at \p path: "cannot open
/// for writing: <reason>", or "cannot write: <reason>" when writing or
/// closing failed (checked after closing, so a full disk is reported).
llvm::Error writeFile(llvm::StringRef path,
                      llvm::function_ref<void(llvm::raw_ostream &)> write,
                      bool text = false);

} // namespace rtc
