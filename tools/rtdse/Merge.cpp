//===- tools/rtdse/Merge.cpp - Combining shard folders
//---------------------===//
//
// Reads and compares the manifests, copies the point files byte for byte
// and regenerates the reports from them.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Merge.h"

#include "tools/rtdse/Manifest.h"
#include "tools/rtdse/Report.h"
#include "tools/rtdse/Results.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

static Expected<Manifest> readManifest(StringRef dir) {
  SmallString<256> path(dir);
  sys::path::append(path, "sweep.json");
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return emitError(Location::inFile(path),
                     "cannot read: {} (is {} an rtdse output folder?)",
                     buf.getError().message(), dir.str());
  return parseManifest((*buf)->getBuffer(), path);
}

Expected<MergeSummary> dse::mergeSweeps(ArrayRef<std::string> dirs,
                                        StringRef outDir) {
  std::vector<Manifest> manifests;
  for (const std::string &dir : dirs) {
    auto m = readManifest(dir);
    if (!m)
      return m.takeError();
    if (!manifests.empty())
      if (Error err = checkSameSweep(manifests.front(), *m, dirs.front(), dir))
        return err;
    manifests.push_back(std::move(*m));
  }
  Manifest merged = manifests.front();
  merged.shard = Shard{};
  auto table = loadTable(merged, dirs, /*requireAll=*/true);
  if (!table)
    return table.takeError();

  if (std::error_code ec = sys::fs::create_directories(outDir + "/points"))
    return emitError(Location::inFile(outDir), "cannot create: {}",
                     ec.message());
  MergeSummary summary;
  for (const Row &row : table->rows) {
    ++summary.points;
    summary.failed += !row.result.ok();
    std::string to = getPointFilePath(outDir, row.result.id);
    bool copied = false;
    for (const std::string &dir : dirs) {
      std::string from = getPointFilePath(dir, row.result.id);
      if (!sys::fs::exists(from))
        continue;
      // The first folder that holds the point is the one loadTable read.
      bool same = false;
      if (sys::fs::exists(to))
        sys::fs::equivalent(from, to, same);
      if (!same)
        if (std::error_code ec = sys::fs::copy_file(from, to))
          return emitError(Location::inFile(to), "cannot write: {}",
                           ec.message());
      copied = true;
      break;
    }
    assert(copied && "loadTable found every point");
    (void)copied;
  }
  if (Error err = writeManifestFile(merged, outDir))
    return err;
  if (Error err = writeReports(*table, outDir))
    return err;
  return summary;
}
