// PLACEHOLDER (link stub) - being replaced by the IR text helper.
#include "ir/Printer.h"
#include "ir/Graph.h"
#include "llvm/Support/raw_ostream.h"
void rtc::printGraph(const Graph &g, llvm::raw_ostream &os,
                     const PrintOptions &) {
  os << "graph @" << g.getName() << " (printer not implemented)\n";
}
std::string rtc::printGraphToString(const Graph &g, const PrintOptions &o) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printGraph(g, os, o);
  return s;
}
