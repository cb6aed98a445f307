//===- tools/rtdse/Svg.cpp - Scatter plots as SVG text
//---------------------===//
//
// Layout: a fixed 820 x 500 canvas, the plot area on the left, the legend
// and colour bar in a column on the right. Coordinates are printed with two
// decimals so that equal data gives byte-identical files.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

namespace {
/// Canvas and plot-area geometry in pixels.
constexpr double width = 820, height = 500;
constexpr double plotLeft = 84, plotTop = 48, plotRight = 560, plotBottom = 436;
constexpr double legendX = 584;

/// One axis: its data range, scale and ticks.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;

  /// Maps \p v to [0, 1] along the axis.
  double fraction(double v) const {
    if (log)
      return (std::log10(v) - std::log10(lo)) /
             (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};
} // namespace

std::string dse::escapeXml(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      // Control characters other than tab/newline are not allowed in XML.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
        out += ' ';
      else
        out += c;
    }
  }
  return out;
}

std::string dse::getViridisColor(double t) {
  static constexpr std::array<std::array<int, 3>, 5> stops = {{{68, 1, 84},
                                                               {59, 82, 139},
                                                               {33, 145, 140},
                                                               {94, 201, 98},
                                                               {253, 231, 37}}};
  if (!(t >= 0)) // also catches NaN
    t = 0;
  t = std::min(t, 1.0);
  double pos = t * double(stops.size() - 1);
  size_t i = std::min(size_t(pos), stops.size() - 2);
  double f = pos - double(i);
  std::array<int, 3> rgb;
  for (size_t c = 0; c < 3; ++c)
    rgb[c] =
        int(std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c])));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

std::string dse::getCategoricalColor(size_t i) {
  static constexpr std::array<const char *, 10> palette = {
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return palette[i % palette.size()];
}

Marker dse::getFilledMarker(size_t i) {
  static constexpr std::array<Marker, 5> shapes = {
      Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond,
      Marker::Cross};
  return shapes[i % shapes.size()];
}

/// 1, 2 or 5 x 10^k, the smallest such value >= \p rough.
static double niceStep(double rough) {
  double mag = std::pow(10.0, std::floor(std::log10(rough)));
  double norm = rough / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

std::vector<double> dse::getLinearTicks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
    return ticks;
  double step = niceStep((hi - lo) / 5);
  double first = std::ceil(lo / step), last = std::floor(hi / step);
  for (double i = first; i <= last && ticks.size() < 20; i += 1)
    ticks.push_back(i * step);
  return ticks;
}

std::string dse::formatTick(double v) {
  double a = std::fabs(v);
  const char *suffix = "";
  if (a >= 1e9) {
    v /= 1e9;
    suffix = "G";
  } else if (a >= 1e6) {
    v /= 1e6;
    suffix = "M";
  } else if (a >= 1e4) {
    v /= 1e3;
    suffix = "k";
  }
  if (std::fabs(v) < 1e-12)
    v = 0; // no "-0" or "1e-17" from accumulated rounding
  return fmt::format("{:.6g}{}", v, suffix);
}

/// An axis covering \p values (finite ones), padded so markers stay inside.
static Axis makeAxis(const std::vector<double> &values) {
  Axis axis;
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) {
    axis.ticks = getLinearTicks(0, 1);
    return axis;
  }
  if (lo > 0 && hi / lo >= 50) {
    axis.log = true;
    axis.lo = lo / 1.15;
    axis.hi = hi * 1.15;
    int first = int(std::floor(std::log10(axis.lo)));
    int last = int(std::ceil(std::log10(axis.hi)));
    bool fine = last - first <= 3;
    for (int e = first; e <= last; ++e)
      for (double m : {1.0, 2.0, 5.0}) {
        if (m != 1.0 && !fine)
          continue;
        double t = m * std::pow(10.0, e);
        if (t >= axis.lo && t <= axis.hi)
          axis.ticks.push_back(t);
      }
    return axis;
  }
  if (hi == lo) {
    double d = lo != 0 ? std::fabs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  } else {
    double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  axis.lo = lo;
  axis.hi = hi;
  axis.ticks = getLinearTicks(lo, hi);
  return axis;
}

static std::string num(double v) { return fmt::format("{:.2f}", v); }

/// One marker at (\p cx, \p cy); \p inner goes inside the element (a
/// <title>).
static std::string drawMarker(Marker m, double cx, double cy, double r,
                              const std::string &fill,
                              const std::string &stroke,
                              const std::string &inner) {
  std::string style = fmt::format(
      "fill=\"{}\" stroke=\"{}\" stroke-width=\"0.8\"", fill, stroke);
  switch (m) {
  case Marker::Circle:
    return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}>{}</circle>",
                       num(cx), num(cy), num(r), style, inner);
  case Marker::Ring:
    return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" "
                       "stroke=\"{}\" stroke-width=\"2\">{}</circle>",
                       num(cx), num(cy), num(r), stroke, inner);
  case Marker::Square:
    return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                       "{}>{}</rect>",
                       num(cx - r * 0.85), num(cy - r * 0.85), num(r * 1.7),
                       num(r * 1.7), style, inner);
  case Marker::Triangle:
    return fmt::format("<polygon points=\"{},{} {},{} {},{}\" {}>{}</polygon>",
                       num(cx), num(cy - r * 1.15), num(cx - r),
                       num(cy + r * 0.75), num(cx + r), num(cy + r * 0.75),
                       style, inner);
  case Marker::Diamond:
    return fmt::format(
        "<polygon points=\"{},{} {},{} {},{} {},{}\" {}>{}</polygon>", num(cx),
        num(cy - r * 1.2), num(cx + r), num(cy), num(cx), num(cy + r * 1.2),
        num(cx - r), num(cy), style, inner);
  case Marker::Cross:
    return fmt::format("<path d=\"M{} {}H{}M{} {}V{}\" fill=\"none\" "
                       "stroke=\"{}\" stroke-width=\"2.2\">{}</path>",
                       num(cx - r), num(cy), num(cx + r), num(cx), num(cy - r),
                       num(cy + r), fill, inner);
  }
  return "";
}

static std::string text(double x, double y, StringRef anchor, StringRef body,
                        StringRef extra = "") {
  return fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}{}>{}</text>\n", num(x),
      num(y), anchor.str(), extra.empty() ? "" : " ", extra.str(),
      escapeXml(body));
}

/// Axis ticks, labels and grid lines.
static std::string drawAxes(const Axis &xa, const Axis &ya) {
  std::string out;
  for (double t : xa.ticks) {
    double x = plotLeft + xa.fraction(t) * (plotRight - plotLeft);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                       "stroke=\"#e6e6e6\"/>\n",
                       num(x), num(plotTop), num(plotBottom));
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                       "stroke=\"#333333\"/>\n",
                       num(x), num(plotBottom), num(plotBottom + 5));
    out += text(x, plotBottom + 18, "middle", formatTick(t));
  }
  for (double t : ya.ticks) {
    double y = plotBottom - ya.fraction(t) * (plotBottom - plotTop);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                       "stroke=\"#e6e6e6\"/>\n",
                       num(plotLeft), num(y), num(plotRight));
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                       "stroke=\"#333333\"/>\n",
                       num(plotLeft - 5), num(y), num(plotLeft));
    out += text(plotLeft - 8, y + 4, "end", formatTick(t));
  }
  return out;
}

/// The legend entries and the colour bar, in the right-hand column.
static std::string drawLegend(const Plot &p) {
  std::string out;
  double y = plotTop + 8;
  for (const LegendEntry &e : p.legend) {
    if (e.isLine)
      out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
                         "stroke=\"{}\" stroke-width=\"1.5\" "
                         "stroke-dasharray=\"5,3\"/>\n",
                         num(legendX), num(y), num(legendX + 16), num(y),
                         e.stroke);
    else
      out +=
          drawMarker(e.marker, legendX + 8, y, 5, e.fill, e.stroke, "") + "\n";
    out += text(legendX + 22, y + 4, "start", e.label);
    y += 20;
  }
  if (!p.colorBar)
    return out;
  const ColorBar &bar = *p.colorBar;
  y += 10;
  out += text(legendX, y, "start", bar.label);
  double top = y + 10, barHeight = 160;
  out += "<defs><linearGradient id=\"colorbar\" x1=\"0\" y1=\"1\" x2=\"0\" "
         "y2=\"0\">";
  for (int i = 0; i <= 4; ++i)
    out += fmt::format("<stop offset=\"{}\" stop-color=\"{}\"/>", num(i / 4.0),
                       getViridisColor(i / 4.0));
  out += "</linearGradient></defs>\n";
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"{}\" "
                     "fill=\"url(#colorbar)\" stroke=\"#333333\"/>\n",
                     num(legendX), num(top), num(barHeight));
  for (int i = 0; i <= 4; ++i) {
    double v = bar.lo + (bar.hi - bar.lo) * i / 4.0;
    double ty = top + barHeight - barHeight * i / 4.0;
    out += text(legendX + 20, ty + 4, "start", fmt::format("{:.3g}", v));
  }
  return out;
}

std::string dse::renderSvg(const Plot &p) {
  std::vector<double> xs, ys;
  for (const PlotPoint &pt : p.points) {
    xs.push_back(pt.x);
    ys.push_back(pt.y);
  }
  for (const Polyline &line : p.lines)
    for (auto [x, y] : line.points) {
      xs.push_back(x);
      ys.push_back(y);
    }
  Axis xa = makeAxis(xs), ya = makeAxis(ys);
  auto px = [&](double x) {
    return plotLeft + xa.fraction(x) * (plotRight - plotLeft);
  };
  auto py = [&](double y) {
    return plotBottom - ya.fraction(y) * (plotBottom - plotTop);
  };
  auto drawable = [&](double x, double y) {
    return std::isfinite(x) && std::isfinite(y) && (!xa.log || x > 0) &&
           (!ya.log || y > 0);
  };

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                     "font-family=\"sans-serif\" font-size=\"12\">\n",
                     width, height);
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" "
                     "fill=\"#ffffff\"/>\n",
                     width, height);
  out += text((plotLeft + plotRight) / 2, 28, "middle", p.title,
              "font-size=\"15\" font-weight=\"bold\"");
  out += drawAxes(xa, ya);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                     "fill=\"none\" stroke=\"#333333\"/>\n",
                     num(plotLeft), num(plotTop), num(plotRight - plotLeft),
                     num(plotBottom - plotTop));
  std::string xLabel = p.xLabel + (xa.log ? " (log scale)" : "");
  std::string yLabel = p.yLabel + (ya.log ? " (log scale)" : "");
  out += text((plotLeft + plotRight) / 2, height - 22, "middle", xLabel);
  double yMid = (plotTop + plotBottom) / 2;
  out += text(22, yMid, "middle", yLabel,
              fmt::format("transform=\"rotate(-90 22 {})\"", num(yMid)));
  for (const Polyline &line : p.lines) {
    std::string pts;
    for (auto [x, y] : line.points)
      if (drawable(x, y))
        pts += fmt::format("{}{},{}", pts.empty() ? "" : " ", num(px(x)),
                           num(py(y)));
    if (pts.empty())
      continue;
    out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" "
                       "stroke-width=\"1.5\"{}/>\n",
                       pts, line.stroke,
                       line.dashed ? " stroke-dasharray=\"5,3\"" : "");
  }
  size_t drawn = 0;
  for (const PlotPoint &pt : p.points) {
    if (!drawable(pt.x, pt.y))
      continue;
    std::string title = pt.tooltip.empty()
                            ? std::string()
                            : "<title>" + escapeXml(pt.tooltip) + "</title>";
    out += drawMarker(pt.marker, px(pt.x), py(pt.y), pt.radius, pt.fill,
                      pt.stroke, title) +
           "\n";
    ++drawn;
  }
  if (drawn == 0)
    out += text((plotLeft + plotRight) / 2, yMid, "middle", "no data",
                "fill=\"#888888\"");
  out += drawLegend(p);
  out += "</svg>\n";
  return out;
}
