// Issue 13: `fleetsim sweep`: axes checked before any point runs, failing points recorded, results in SQLite that
// do not depend on the number of workers, and --resume after a sweep stopped halfway.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"
#include "fleetsim/core/error.h"
#include "fleetsim/sweep/sweep_db.h"
#include "fleetsim/sweep/sweep_run.h"

namespace fleetsim {
namespace {

const std::string kBase = std::string(FLEETSIM_SOURCE_DIR) + "/examples/sweep-base-llama3-70b.yaml";

std::string SweepFile(const std::string& name, const std::string& axes, const std::string& rest = "") {
  return testing::WriteTempFile(name, "base: " + kBase +
                                          "\n"                                       // line 1
                                          "command: estimate\n"                      // line 2
                                          "keep: [step_time_s, mfu, memory.fits]\n"  // line 3
                                          "axes:\n" +                                // line 4
                                          axes +
                                          rest);
}

std::string FreshDb(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / "fleetsim-tests" / name).string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return path;
}

const char* kAxes =
    "  cluster.accelerator: [h100, b200]\n"
    "  cluster.count: {from: 512, to: 2048, factor: 2}\n"
    "  training.parallelism.tp: [2, 4, 8]\n"
    "  training.micro_batch: [1, 2, 3]\n";  // 3 fails for every plan: it divides no power of two

nlohmann::json Rows(const std::vector<std::string>& args) {
  const testing::CliRun r = testing::RunFleetsim(args);
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
}

TEST(Issue13Sweep, ResultsDoNotDependOnTheNumberOfWorkers) {
  const std::string sweep = SweepFile("sweep-workers.yaml", kAxes);
  const nlohmann::json one = Rows({"sweep", sweep, "--db", FreshDb("w1.sqlite"), "--format", "json"});
  const nlohmann::json two =
      Rows({"sweep", sweep, "--db", FreshDb("w2.sqlite"), "--threads", "2", "--format", "json"});
  EXPECT_EQ(one.at("points"), 2 * 3 * 3 * 3);
  EXPECT_EQ(one.at("rows"), two.at("rows"));
  // The failing points are stored with their error, and the sweep went on.
  int failed = 0, ok = 0;
  for (const nlohmann::json& row : one.at("rows")) {
    if (row.at("status") == "error") {
      ++failed;
      EXPECT_EQ(row.at("training.micro_batch"), "3") << row.dump();
      EXPECT_NE(row.at("error").get<std::string>().find("micro_batch"), std::string::npos);
    } else {
      ++ok;
      EXPECT_GT(row.at("step_time_s").get<double>(), 0);
    }
  }
  EXPECT_EQ(failed, 18);
  EXPECT_EQ(ok, 36);
  EXPECT_EQ(one.at("failed"), 18);
}

TEST(Issue13Sweep, ResumeAfterAHalfRunCompletesWithoutRecomputing) {
  const std::string sweep = SweepFile("sweep-resume.yaml", kAxes);
  const std::string path = FreshDb("resume.sqlite");
  const SweepSpec spec = LoadSweepSpec(sweep);
  {
    // The first half, as a sweep killed halfway leaves it.
    SweepDb db(path, spec, "the inputs", false);
    SweepOptions half;
    half.count = spec.Points() / 2;
    int64_t evaluated = 0;
    const SweepStats s = RunSweep(
        spec, db,
        [&](const std::vector<Override>&) {
          ++evaluated;
          return nlohmann::json{{"step_time_s", 1.0}, {"mfu", 0.5}, {"memory", {{"fits", true}}}};
        },
        half);
    EXPECT_EQ(s.run, spec.Points() / 2);
    EXPECT_EQ(evaluated, spec.Points() / 2);
  }
  {
    SweepDb db(path, spec, "the inputs", true);
    int64_t evaluated = 0;
    const SweepStats s = RunSweep(spec, db,
                                  [&](const std::vector<Override>&) {
                                    ++evaluated;
                                    return nlohmann::json{{"step_time_s", 2.0}};
                                  },
                                  {});
    EXPECT_EQ(s.already_stored, spec.Points() / 2);
    EXPECT_EQ(evaluated, spec.Points() - spec.Points() / 2);  // nothing stored is computed again
    const nlohmann::json rows = db.Json();
    ASSERT_EQ(rows.size(), static_cast<size_t>(spec.Points()));
    EXPECT_EQ(rows[0].at("step_time_s"), 1.0);
    EXPECT_EQ(rows.back().at("step_time_s"), 2.0);
  }
  // Through the command line: the database of another sweep is refused; an existing one needs --resume.
  const testing::CliRun again = testing::RunFleetsim({"sweep", sweep, "--db", path});
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  const testing::CliRun other = testing::RunFleetsim({"sweep", sweep, "--db", path, "--resume"});
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("another sweep"), std::string::npos) << other.err;
}

TEST(Issue13Sweep, ACliSweepResumesWhereItStopped) {
  const std::string sweep = SweepFile("sweep-cli-resume.yaml", kAxes);
  const std::string path = FreshDb("cli-resume.sqlite");
  const nlohmann::json full = Rows({"sweep", sweep, "--db", FreshDb("cli-full.sqlite"), "--format", "json"});
  const nlohmann::json first = Rows({"sweep", sweep, "--db", path, "--format", "json"});
  const nlohmann::json second = Rows({"sweep", sweep, "--db", path, "--resume", "--format", "json"});
  EXPECT_EQ(second.at("run"), 0);
  EXPECT_EQ(second.at("already_stored"), first.at("points"));
  EXPECT_EQ(second.at("rows"), full.at("rows"));
}

TEST(Issue13Sweep, BadAxesFailBeforeAnyPointRuns) {
  struct Case {
    std::string axes;
    std::string where;
    std::string words;
  };
  const std::vector<Case> cases = {
      {"  cluster.cuont: [512, 1024]\n", ":5: error:", "unknown key 'cuont'"},
      {"  cluster.count: {from: 4096, to: 1024, factor: 2}\n", ":5: error:", "no values"},
      {"  training.seq_len: [4096, 8k tokens]\n", ":5: error:", "8k tokens"},
      {"  cluster.count: {from: 512, to: 1024}\n", ":5: error:", "exactly one of step"},
  };
  for (const Case& c : cases) {
    const std::string sweep = SweepFile("sweep-bad.yaml", c.axes);
    const std::string db = FreshDb("bad.sqlite");
    const testing::CliRun r = testing::RunFleetsim({"sweep", sweep, "--db", db});
    EXPECT_EQ(r.code, 2) << c.axes;
    EXPECT_NE(r.err.find(sweep + c.where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.words), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db)) << "no point may run: " << c.axes;
  }
  // A misspelt figure to keep is named with the keys there are.
  const std::string keep = testing::WriteTempFile(
      "sweep-keep.yaml",
      "base: " + kBase + "\ncommand: estimate\nkeep: [step_tme_s]\naxes:\n  cluster.count: [512]\n");
  const testing::CliRun r = testing::RunFleetsim({"sweep", keep, "--db", FreshDb("keep.sqlite")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(":3: error: keep: 'step_tme_s'"), std::string::npos) << r.err;
}

TEST(Issue13Sweep, SamplesAreDeterministicAndLatinHypercubeCoversEveryStratum) {
  const std::string sweep = SweepFile("sweep-lhs.yaml",
                                      "  cluster.count: {from: 512, to: 4096, step: 512}\n"
                                      "  training.parallelism.tp: [1, 2, 4, 8]\n",
                                      "sample: {kind: latin-hypercube, points: 8, seed: 7}\n");
  const SweepSpec spec = LoadSweepSpec(sweep);
  ASSERT_EQ(spec.Points(), 8);
  std::set<std::string> counts;
  for (int64_t i = 0; i < 8; ++i) counts.insert(spec.Point(i)[0].value);
  EXPECT_EQ(counts.size(), 8u);  // 8 strata of 8 values: each value once
  EXPECT_EQ(LoadSweepSpec(sweep).Point(3)[1].value, spec.Point(3)[1].value);
}

}  // namespace
}  // namespace fleetsim
