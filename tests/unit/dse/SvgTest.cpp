//===- tests/unit/dse/SvgTest.cpp - SVG plots are well-formed XML ---------===//
#include "tools/rtdse/Svg.h"
#include "tools/rtdse/Report.h"

#include "TestTables.h"
#include "XmlCheck.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace rtc;
using namespace rtc::dse;
using namespace rtc::dse::test;

namespace {
size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + 1))
    ++n;
  return n;
}
} // namespace

TEST(XmlCheck, AcceptsAndRejects) {
  EXPECT_EQ(checkXml("<?xml version=\"1.0\"?>\n<a x=\"1\" y='2'><b/>t&amp;"
                     "&#65;&#x41;<!-- c --></a>\n"),
            "");
  EXPECT_NE(checkXml("<a><b></a></b>"), "");       // bad nesting
  EXPECT_NE(checkXml("<a x=1/>"), "");             // unquoted
  EXPECT_NE(checkXml("<a x=\"1\" x=\"2\"/>"), ""); // duplicate attribute
  EXPECT_NE(checkXml("<a x=\"<\"/>"), "");         // '<' in a value
  EXPECT_NE(checkXml("<a>AT&T</a>"), "");          // raw '&'
  EXPECT_NE(checkXml("<a/><b/>"), "");             // two roots
  EXPECT_NE(checkXml("<a>"), "");                  // unclosed
  EXPECT_NE(checkXml("<a x=\"1\"y=\"2\"/>"), "");  // no space between attrs
  EXPECT_NE(checkXml("text"), "");
}

TEST(Svg, TicksLabelsAndColours) {
  std::vector<double> t = getLinearTicks(0, 1);
  ASSERT_EQ(t.size(), 6u); // step 0.2
  for (size_t i = 0; i < t.size(); ++i)
    EXPECT_NEAR(t[i], 0.2 * double(i), 1e-12);
  t = getLinearTicks(0.93, 1.07); // range 0.14 -> step 0.05
  ASSERT_EQ(t.size(), 3u);
  EXPECT_NEAR(t[0], 0.95, 1e-12);
  EXPECT_NEAR(t[2], 1.05, 1e-12);
  EXPECT_TRUE(getLinearTicks(1, 1).empty());
  EXPECT_EQ(formatTick(25e6), "25M");
  EXPECT_EQ(formatTick(1500), "1500");
  EXPECT_EQ(formatTick(15000), "15k");
  EXPECT_EQ(formatTick(2.5e9), "2.5G");
  EXPECT_EQ(formatTick(0.85), "0.85");
  EXPECT_EQ(formatTick(0.30000000000000004), "0.3");
  EXPECT_EQ(formatTick(1e-17), "0");
  EXPECT_EQ(getViridisColor(0), "#440154");
  EXPECT_EQ(getViridisColor(0.5), "#21918c");
  EXPECT_EQ(getViridisColor(1), "#fde725");
  EXPECT_EQ(getViridisColor(7), "#fde725");
  EXPECT_EQ(getViridisColor(NAN), "#440154");
  EXPECT_EQ(escapeXml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
}

TEST(Svg, EveryKindOfPlotIsWellFormed) {
  // Empty.
  Plot empty;
  empty.title = "nothing";
  std::string svg = renderSvg(empty);
  EXPECT_EQ(checkXml(svg), "");
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);

  // Every marker, hostile text, a log-scale axis, non-finite values, a line,
  // a legend and a colour bar.
  Plot p;
  p.title = "A & B <plot> \"quoted\"";
  p.xLabel = "x < 1";
  p.yLabel = "y's";
  Marker markers[] = {Marker::Circle,  Marker::Square, Marker::Triangle,
                      Marker::Diamond, Marker::Cross,  Marker::Ring};
  for (int i = 0; i < 60; ++i)
    p.points.push_back({std::pow(10.0, i / 10.0), double(i % 7) - 3,
                        getCategoricalColor(size_t(i)), markers[i % 6], 4,
                        "#000000", "point <" + std::to_string(i) + "> & co"});
  p.points.push_back({NAN, 1, "#000000", Marker::Circle, 4, "#000000", ""});
  p.points.push_back({1, INFINITY, "#000000", Marker::Circle, 4, "#000", ""});
  p.lines.push_back({{{1, -3}, {100, 0}, {1e5, 3}}, "#555555", true});
  p.legend.push_back(
      {"model <a>", "#4e79a7", Marker::Square, "#333333", false});
  p.legend.push_back({"front & co", "none", Marker::Circle, "#555555", true});
  p.colorBar = ColorBar{"accuracy", 0.1, 0.9};
  svg = renderSvg(p);
  EXPECT_EQ(checkXml(svg), "") << svg;
  EXPECT_NE(svg.find("(log scale)"), std::string::npos);
  EXPECT_EQ(count(svg, "<title>"), 60u); // non-finite points are skipped
  EXPECT_NE(svg.find("A &amp; B &lt;plot&gt; &quot;quoted&quot;"),
            std::string::npos);

  // One point, and all points equal: degenerate axis ranges.
  Plot one;
  PlotPoint five;
  five.x = five.y = 5;
  one.points.push_back(five);
  EXPECT_EQ(checkXml(renderSvg(one)), "");
  Plot same;
  same.points.assign(4, PlotPoint());
  EXPECT_EQ(checkXml(renderSvg(same)), "");
  // Deterministic.
  EXPECT_EQ(renderSvg(p), svg);
}

TEST(Svg, SweepPlotsMarkTheFront) {
  SweepTable t = makeTable();
  Analysis a = analyzeTable(t);
  t.manifest.models[0].name = "m&<1>"; // names are escaped
  std::string el = renderSvg(makeEnergyLatencyPlot(t, a));
  std::string ae = renderSvg(makeAccuracyEnergyPlot(t, a));
  std::string al = renderSvg(makeAreaLatencyPlot(t, a));
  for (const std::string *svg : {&el, &ae, &al})
    EXPECT_EQ(checkXml(*svg), "") << *svg;
  // Three successful points each (the failed one is not plotted).
  EXPECT_EQ(count(el, "<title>"), 3u);
  EXPECT_EQ(count(ae, "<title>"), 3u);
  // Area-latency: 3 points + the knee ring; 2 front points in red.
  EXPECT_EQ(count(al, "<title>"), 4u);
  EXPECT_EQ(count(al, "<title>knee: m&amp;&lt;1&gt; ports_per_track=2"), 1u);
  EXPECT_EQ(count(al, "fill=\"#e15759\""), 3u); // 2 front + legend
  EXPECT_NE(el.find("m&amp;&lt;1&gt;"), std::string::npos);
  // The energy plot's colour bar spans the accuracies, 0.5 to 0.9.
  EXPECT_NE(el.find(">0.5</text>"), std::string::npos);
  EXPECT_NE(el.find(">0.9</text>"), std::string::npos);
}
