//===- tests/unit/ir/FileIOTest.cpp - writeFile ---------------------------===//
//
// writeFile writes what the callback prints and reports open and write
// failures located at the path.
//
//===----------------------------------------------------------------------===//
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;

static std::string errorText(llvm::Error err) {
  std::string s;
  llvm::raw_string_ostream os(s);
  renderErrors(std::move(err), os, "t");
  return s;
}

TEST(FileIO, WritesAndReportsFailures) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("fileio", "txt", path));
  ASSERT_FALSE(bool(writeFile(path, [](llvm::raw_ostream &os) {
    os << "hello " << 42;
  })));
  auto buf = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(buf));
  EXPECT_EQ((*buf)->getBuffer(), "hello 42");
  llvm::sys::fs::remove(path);

  EXPECT_EQ(errorText(writeFile("/nonexistent-dir/x.txt",
                                [](llvm::raw_ostream &) {})),
            "/nonexistent-dir/x.txt: error: cannot open for writing: No such "
            "file or directory\n");
  // /dev/full accepts the open and fails the write: reported after close.
  if (llvm::sys::fs::exists("/dev/full")) {
    EXPECT_EQ(errorText(writeFile("/dev/full",
                                  [](llvm::raw_ostream &os) {
                                    os << std::string(1 << 16, 'x');
                                  })),
              "/dev/full: error: cannot write: No space left on device\n");
  }
}
