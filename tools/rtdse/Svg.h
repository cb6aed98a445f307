//===- tools/rtdse/Svg.h - Scatter plots as SVG text ----------*- C++ -*-===//
//
// A small, dependency-free scatter-plot renderer for rtdse's plots: axes
// with "nice" ticks (linear, or logarithmic when the data spans a factor of
// 50 or more and is positive), grid lines, axis labels, a title, markers of
// several shapes with tooltips, polylines, a legend and an optional colour
// bar. The output is deterministic (fixed-precision coordinates) and
// well-formed XML (every text is escaped).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rtc::dse {

/// Marker shapes. Ring is an unfilled circle drawn in the stroke colour.
enum class Marker { Circle, Square, Triangle, Diamond, Cross, Ring };

/// One data point.
struct PlotPoint {
  double x = 0, y = 0;
  std::string fill = "#4e79a7";
  Marker marker = Marker::Circle;
  double radius = 4;
  std::string stroke = "#333333";
  /// Shown on hover (an SVG <title>).
  std::string tooltip;
};

/// A line through data coordinates, drawn beneath the points.
struct Polyline {
  std::vector<std::pair<double, double>> points;
  std::string stroke = "#333333";
  bool dashed = false;
};

/// One legend line: a marker (or a line sample) and its label.
struct LegendEntry {
  std::string label;
  std::string fill = "#4e79a7";
  Marker marker = Marker::Circle;
  std::string stroke = "#333333";
  bool isLine = false; ///< Draw a dashed line sample instead of a marker.
};

/// A vertical colour bar for a value mapped with getViridisColor.
struct ColorBar {
  std::string label;
  double lo = 0, hi = 1; ///< The values at the bottom and the top.
};

/// Everything one plot shows.
struct Plot {
  std::string title, xLabel, yLabel;
  std::vector<PlotPoint> points;
  std::vector<Polyline> lines;
  std::vector<LegendEntry> legend;
  std::optional<ColorBar> colorBar;
};

/// \returns \p p as a standalone SVG document (final newline). An empty
/// plot still gets its frame, labels and a "no data" note.
std::string renderSvg(const Plot &p);

/// \returns \p text with &, <, >, " and ' escaped for XML.
std::string escapeXml(llvm::StringRef text);

/// \returns the viridis colour of \p t in [0, 1] (clamped) as "#rrggbb".
std::string getViridisColor(double t);

/// \returns the \p i-th colour of a 10-colour categorical palette
/// (cycling).
std::string getCategoricalColor(size_t i);

/// \returns the \p i-th filled marker shape (cycling; never Ring).
Marker getFilledMarker(size_t i);

/// \returns the tick values of a linear axis over [\p lo, \p hi]: multiples
/// of 1, 2 or 5 x 10^k, about five of them, all inside the range.
std::vector<double> getLinearTicks(double lo, double hi);

/// \returns a short tick label: k/M/G suffixes for large values, at most 4
/// significant digits ("25M", "0.85", "1.5k").
std::string formatTick(double v);

} // namespace rtc::dse
