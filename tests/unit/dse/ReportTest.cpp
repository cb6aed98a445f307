//===- tests/unit/dse/ReportTest.cpp - CSV, summary, files, manifests -----===//
#include "tools/rtdse/Report.h"

#include "TestTables.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::dse;
using namespace rtc::dse::test;

TEST(Report, CsvQuoting) {
  EXPECT_EQ(quoteCsv("plain"), "plain");
  EXPECT_EQ(quoteCsv("a,b"), "\"a,b\"");
  EXPECT_EQ(quoteCsv("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quoteCsv("line 1\nline 2\n"), "line 1 | line 2");
  EXPECT_EQ(quoteCsv(""), "");
}

TEST(Report, ResultsCsv) {
  SweepTable t = makeTable();
  EXPECT_EQ(formatResultsCsv(t),
            "model,ports_per_track,bits,placement,accuracy,macs,shifts,"
            "cycles,latency_ns,energy_pj,area_mm2,compile_s,sim_s,error\n"
            "a,1,8,ofu,0.9,100,20,300,10,100,1,0.5000,0.2500,\n"
            "a,2,8,ofu,0.9,100,20,300,10,80,1,0.5000,0.2500,\n"
            "b,1,8,ofu,,,,,,,,,,\"does not fit, really\"\n"
            "b,2,8,ofu,0.5,100,20,300,20,50,1,0.5000,0.2500,\n");
}

TEST(Report, ParetoCsvAndAnalysis) {
  SweepTable t = makeTable();
  Analysis a = analyzeTable(t);
  EXPECT_EQ(a.okRows, (std::vector<size_t>{0, 1, 3}));
  // Row 1 dominates row 0 (less energy, the rest equal).
  EXPECT_EQ(a.front, (std::vector<size_t>{1, 2}));
  // Over the front, row 1 is (0, 1, 0, 0) from utopia and row 3 is
  // (1, 0, 1, 0): the knee is row 1.
  EXPECT_EQ(a.knee, 1u);
  EXPECT_EQ(formatParetoCsv(t, a),
            "model,ports_per_track,bits,placement,accuracy,macs,shifts,"
            "cycles,latency_ns,energy_pj,area_mm2,knee\n"
            "a,2,8,ofu,0.9,100,20,300,10,80,1,1\n"
            "b,2,8,ofu,0.5,100,20,300,20,50,1,0\n");
  // Best: accuracy -> row 1 (ties with row 0, less energy); energy -> row
  // 3; latency -> row 1 (ties with 0); area -> row 1 (all tie on area;
  // best accuracy, then least energy).
  EXPECT_EQ(a.best, (std::vector<size_t>{1, 2, 1, 1}));
}

TEST(Report, SummaryNamesBestPointsKneeAndFailures) {
  SweepTable t = makeTable();
  std::string s = formatSummary(t, analyzeTable(t));
  for (const char *line :
       {"- models: a, b\n", "- ports_per_track: 1, 2\n",
        "- points: 4 (3 succeeded, 1 failed)\n",
        "- evaluation: the first 10 samples of eval_x.npy (labels "
        "eval_y.npy)\n",
        "- base config: the default\n", "| a | 0.9000 (9/10) |\n",
        "| b | 0.5000 (5/10) |\n",
        "| lowest energy | b | 2 | 8 | ofu | 0.5000 | 50.0 | 20.0 | "
        "1.000000 |\n",
        "| knee of the front | a | 2 | 8 | ofu | 0.9000 | 80.0 | 10.0 | "
        "1.000000 |\n",
        "2 of 3 successful points are not dominated",
        // Per model, within 0.01 of its best accuracy, the least energy.
        "| 0.9000 | a | 2 | 8 | ofu | 0.9000 | 80.0 | 10.0 | 1.000000 |\n",
        "| 0.5000 | b | 2 | 8 | ofu | 0.5000 | 50.0 | 20.0 | 1.000000 |\n",
        "| b ports_per_track=1 bits=8 placement=ofu | does not fit, really "
        "|\n"})
    EXPECT_NE(s.find(line), std::string::npos) << line << "\nin:\n" << s;
  // A base config that is not the default is named by its changes.
  t.manifest.base.banks = 8;
  s = formatSummary(t, analyzeTable(t));
  EXPECT_NE(s.find("- base config: the default with banks=8\n"),
            std::string::npos);
}

TEST(Report, PointFilesRoundTripExactly) {
  PointResult r = makeOk(0.1 + 0.2, 1.0 / 3.0, 123456789.123456789, 1e-7);
  r.id = "0123456789abcdef0123";
  r.describe = "a ports_per_track=1 bits=8 placement=ofu";
  r.metrics.macs = (uint64_t(1) << 63) + 5; // past int64
  auto back = parsePointResult(pointResultToJson(r), "p.json");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->metrics.accuracy, r.metrics.accuracy);
  EXPECT_EQ(back->metrics.energyPj, r.metrics.energyPj);
  EXPECT_EQ(back->metrics.latencyNs, r.metrics.latencyNs);
  EXPECT_EQ(back->metrics.areaMm2, r.metrics.areaMm2);
  EXPECT_EQ(back->metrics.macs, r.metrics.macs);
  EXPECT_EQ(back->goldenCorrect, r.goldenCorrect);
  EXPECT_TRUE(back->ok());
  EXPECT_EQ(pointResultToJson(*back), pointResultToJson(r));

  PointResult failed;
  failed.id = "ff";
  failed.error = "line one\nline two";
  auto f = parsePointResult(pointResultToJson(failed), "p.json");
  ASSERT_TRUE(bool(f));
  EXPECT_EQ(f->error, failed.error);
  EXPECT_FALSE(f->hasGolden);

  auto bad = parsePointResult("{\"rtdse_point\": 1, \"id\": \"x\"}", "p.json");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("a metric is missing"),
            std::string::npos);
}

TEST(Report, ManifestsRoundTripAndCompare) {
  Manifest m = makeManifest();
  m.shard = {2, 3};
  m.base.shiftPj = 7.25;
  std::string text = manifestToJson(m);
  auto back = parseManifest(text, "sweep.json");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(manifestToJson(*back), text);
  EXPECT_EQ(back->shard, m.shard);
  EXPECT_EQ(back->base, m.base);
  EXPECT_EQ(back->spec, m.spec);

  Manifest moved = m;
  moved.models[1].file.path = "/other/b.onnx";
  moved.shard = {1, 3};
  EXPECT_FALSE(bool(checkSameSweep(m, moved, "x", "y")));
  Manifest differs = m;
  differs.spec.bits = {8, 4};
  std::string msg = llvm::toString(checkSameSweep(m, differs, "x", "y"));
  EXPECT_NE(msg.find("x and y hold different sweeps: the sweep axes, bit "
                     "widths or placements differ"),
            std::string::npos)
      << msg;
  differs = m;
  differs.models[0].file.sha256 = std::string(64, '9');
  msg = llvm::toString(checkSameSweep(m, differs, "x", "y"));
  EXPECT_NE(msg.find("the files of model 'a' differ"), std::string::npos);
}

TEST(Report, TableLoadingFromPointFiles) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("rtdse-unit", dir));
  SweepTable t = makeTable();
  for (size_t i = 0; i < 3; ++i) // the last point is missing
    ASSERT_FALSE(bool(writePointFile(dir, t.rows[i].result)));
  std::vector<std::string> dirs{dir.str().str()};
  auto strict = loadTable(t.manifest, dirs, /*requireAll=*/true);
  ASSERT_FALSE(bool(strict));
  EXPECT_NE(llvm::toString(strict.takeError())
                .find("no result for point #3 (b ports_per_track=2 bits=8 "
                      "placement=ofu"),
            std::string::npos);
  size_t missing = 0;
  auto loose = loadTable(t.manifest, dirs, /*requireAll=*/false, &missing);
  ASSERT_TRUE(bool(loose));
  EXPECT_EQ(missing, 1u);
  ASSERT_EQ(loose->rows.size(), 3u);
  EXPECT_EQ(loose->rows[2].result.error, "does not fit, really");
  // A shard only looks for its own points.
  Manifest shard = t.manifest;
  shard.shard = {1, 2}; // points 0 and 2
  auto half = loadTable(shard, dirs, /*requireAll=*/true);
  ASSERT_TRUE(bool(half));
  EXPECT_EQ(half->rows.size(), 2u);
  // Reports are written next to the points.
  ASSERT_FALSE(bool(writeReports(*loose, dir)));
  for (const std::string &name : getReportFileNames()) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    EXPECT_TRUE(llvm::sys::fs::exists(path)) << name;
  }
  llvm::sys::fs::remove_directories(dir);
}
