//===- tools/rtdse/Progress.cpp - Sweep progress reporting
//-----------------===//
//
// The bar is redrawn with a carriage return; it is only used when the log
// stream is a terminal, so log files never see the control characters.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Progress.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <cmath>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

Progress::Progress(raw_ostream &os, bool bar, bool quiet)
    : os(os), bar(bar), quiet(quiet) {}

std::string Progress::formatDuration(double seconds) {
  auto s = static_cast<long>(std::lround(std::max(seconds, 0.0)));
  if (s >= 3600)
    return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

void Progress::start(size_t n, StringRef name) {
  std::lock_guard<std::mutex> lock(mutex);
  total = n;
  done = failed = 0;
  what = name.str();
  startTime = std::chrono::steady_clock::now();
  if (bar && !quiet && total)
    drawBar();
}

void Progress::drawBar() {
  constexpr size_t width = 28;
  size_t filled = total ? done * width / total : width;
  double elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - startTime)
                       .count();
  std::string eta = "--:--";
  if (done > 0)
    eta = formatDuration(elapsed / double(done) * double(total - done));
  os << fmt::format("\rrtdse: [{}{}] {}/{} {}, {} failed, elapsed {}, ETA {} ",
                    std::string(filled, '#'), std::string(width - filled, '.'),
                    done, total, what, failed, formatDuration(elapsed), eta);
  os.flush();
}

void Progress::finish(StringRef line, bool isFailure) {
  std::lock_guard<std::mutex> lock(mutex);
  ++done;
  failed += isFailure;
  if (quiet)
    return;
  if (bar) {
    drawBar();
    return;
  }
  os << fmt::format("rtdse: [{}/{}] {}\n", done, total, line.str());
  os.flush();
}

void Progress::end() {
  std::lock_guard<std::mutex> lock(mutex);
  if (bar && !quiet && total)
    os << "\n";
  os.flush();
}
