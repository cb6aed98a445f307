//===- ir/FileIO.cpp - Writing output files with located errors -----------===//
//
// writeFile: open, print, close, check.
//
//===----------------------------------------------------------------------===//
#include "ir/FileIO.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace rtc;

llvm::Error rtc::writeFile(llvm::StringRef path,
                           llvm::function_ref<void(llvm::raw_ostream &)> write,
                           bool text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec,
                          text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
  if (ec)
    return makeError(Location::inFile(path),
                     "cannot open for writing: " + ec.message());
  write(os);
  os.close();
  if (os.has_error()) {
    std::string msg = "cannot write: " + os.error().message();
    os.clear_error();
    return makeError(Location::inFile(path), msg);
  }
  return llvm::Error::success();
}
