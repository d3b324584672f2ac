// Issue 14: every malformed or extreme input that a new user tried either exits 2 with `file:line: error:` (or,
// for a command-line flag, the flag named) within 2 s, or runs to a finite, labelled answer. One test per input
// listed in the issue, each timed.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

using testing::CliRun;
using testing::WriteTempFile;

// A small valid training scenario; tests add sections or break a line. Line numbers are in the comments.
const char* kScenario =
    "name: issue14\n"                  // line 1
    "cluster:\n"                       // line 2
    "  accelerator: h100\n"            // line 3
    "  count: 64\n"                    // line 4
    "model: llama3-8b\n"               // line 5
    "training:\n"                      // line 6
    "  seq_len: 4096\n"                // line 7
    "  global_batch: 128\n"            // line 8
    "  parallelism: {tp: 8, pp: 1}\n"  // line 9
    "  tokens: 1e9\n";                 // line 10

// Runs the command line and checks it finished within two seconds.
CliRun RunTimed(const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  CliRun r = testing::RunFleetsim(args);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0) << "took " << seconds << " s";
  return r;
}

std::string Write(const std::string& name, const std::string& text) {
  return WriteTempFile("fleetsim_issue14_" + name + ".yaml", text);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// Exit code 2, stderr starting with `<path>:<line>: error:` (no line when `line` is 0) and holding `expected`.
void ExpectFileError(const CliRun& r, const std::string& path, int line, const std::string& expected) {
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  const std::string prefix = line > 0 ? path + ":" + std::to_string(line) + ": error: " : path + ": error: ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr: " << r.err << "\nexpected prefix: " << prefix;
  EXPECT_NE(r.err.find(expected), std::string::npos) << "stderr: " << r.err << "\nexpected: " << expected;
}

// Exit code 2 for a command-line flag: the message names the flag.
void ExpectFlagError(const CliRun& r, const std::string& flag, const std::string& expected) {
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

// True when the text shows a NaN or an infinity as a number ("nan", "-inf", "$infB"), not inside a word such as
// "infiniband".
bool ShowsNonFinite(const std::string& text) {
  static const std::regex kNonFinite("(^|[^A-Za-z])(nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)([^a-z]|$)");
  return std::regex_search(text, kNonFinite);
}

TEST(Issue14Input, TheBaseScenarioRuns) {
  const CliRun r = RunTimed({"estimate", Write("base", kScenario)});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Issue14Input, ADeviceIsRefusedAtOnce) {
  if (!std::filesystem::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  const CliRun r = RunTimed({"estimate", "/dev/zero"});
  ExpectFileError(r, "/dev/zero", 0, "not a regular file");
}

TEST(Issue14Input, ADirectoryIsRefused) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  ExpectFileError(RunTimed({"estimate", dir}), dir, 0, "a directory");
}

TEST(Issue14Input, AFileOverTheSizeLimitIsRefused) {
  const std::string path = Write("huge", std::string(kScenario) + "# " + std::string(1 << 20, 'x') + "\n");
  ExpectFileError(RunTimed({"estimate", path}), path, 0, "limited to 1048576 bytes");
}

TEST(Issue14Input, AMissingFileIsRefused) {
  ExpectFileError(RunTimed({"estimate", "/nonexistent/s.yaml"}), "/nonexistent/s.yaml", 0, "no such file");
}

TEST(Issue14Input, ADuplicateKeyNamesBothLines) {
  const std::string path = Write("duplicate", Replace(kScenario, "  count: 64\n", "  count: 64\n  count: 128\n"));
  ExpectFileError(RunTimed({"estimate", path}), path, 5, "duplicate key 'cluster.count' (first given at line 4)");
}

TEST(Issue14Input, ADuplicateSectionNamesBothLines) {
  const std::string path = Write("duplicate_section", std::string(kScenario) + "model: llama3-70b\n");
  ExpectFileError(RunTimed({"estimate", path}), path, 11, "duplicate key 'model' (first given at line 5)");
}

TEST(Issue14Input, ADuplicateKeyInAFlowMappingIsFound) {
  const std::string path = Write("duplicate_flow", Replace(kScenario, "{tp: 8, pp: 1}", "{tp: 8, pp: 1, tp: 4}"));
  ExpectFileError(RunTimed({"estimate", path}), path, 9, "duplicate key 'training.parallelism.tp'");
}

TEST(Issue14Input, AnAliasBombIsWalkedOnce) {
  // Nine levels of nine aliases: 9^9 nodes if expanded; the duplicate-key walk visits each anchor once.
  std::string text = std::string(kScenario) + "x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string p = "*a" + std::to_string(i - 1);
    text += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + p + "," + p + "," + p + "," + p + "," +
            p + "," + p + "," + p + "," + p + "," + p + "]\n";
  }
  const std::string path = Write("alias_bomb", text);
  ExpectFileError(RunTimed({"estimate", path}), path, 11, "unknown key 'x0'");
}

TEST(Issue14Input, AMissingModelSectionIsAnErrorAtTheTop) {
  const std::string path = Write("no_model", Replace(kScenario, "model: llama3-8b\n", ""));
  ExpectFileError(RunTimed({"estimate", path}), path, 1, "missing section 'model:'");
}

TEST(Issue14Input, AMissingClusterSectionIsAnErrorAtTheTop) {
  const std::string path =
      Write("no_cluster", Replace(kScenario, "cluster:\n  accelerator: h100\n  count: 64\n", ""));
  ExpectFileError(RunTimed({"estimate", path}), path, 1, "missing section 'cluster:'");
}

TEST(Issue14Input, AMissingTrainingSectionIsAnErrorAtTheTop) {
  const std::string text = std::string(kScenario).substr(0, std::string(kScenario).find("training:"));
  const std::string path = Write("no_training", text);
  ExpectFileError(RunTimed({"cost", path}), path, 1, "missing section 'training:'");
}

TEST(Issue14Input, CollectiveRunsOnAClusterOnlyScenario) {
  const std::string path = Write("cluster_only", "cluster: {accelerator: h100, count: 16}\n");
  const CliRun r = RunTimed({"collective", path, "--size", "1GB", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["count"], 16);
  EXPECT_EQ(j["rows"].size(), 1u);
}

TEST(Issue14Input, CollectiveOnAScenarioWithoutClusterNamesTheSection) {
  const std::string path = Write("collective_no_cluster", "model: llama3-8b\n");
  ExpectFileError(RunTimed({"collective", path}), path, 1, "missing section 'cluster:'");
}

TEST(Issue14Input, AHugeCollectiveSizeNamesTheFlag) {
  ExpectFlagError(RunTimed({"collective", "--node", "hgx-h100", "--count", "8", "--size", "1e25B"}), "--size",
                  "at most 1PB");
}

TEST(Issue14Input, ATransferPastTheSimulatorsClockIsAnInputError) {
  // 1 PB over 1 bit/s links would end after 8e15 s, beyond the nanosecond clock's 292 years.
  const CliRun r = RunTimed({"collective", "--node", "hgx-h100", "--count", "8", "--size", "1PB", "--bandwidth",
                             "1bps", "--algo", "ring"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("beyond the simulator's clock"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

TEST(Issue14Input, TenMillionAcceleratorsFailFastInCollective) {
  // Refused as a flag, before any topology is built: the flow model holds at most 262,144 accelerators.
  ExpectFlagError(RunTimed({"collective", "--node", "hgx-h100", "--count", "10000000", "--size", "1GB"}),
                  "--count", "not in range 1 to 262144");
}

TEST(Issue14Input, TenMillionAcceleratorsAreRefusedByTheScenarioForEveryCommand) {
  const std::string path = Write("ten_million", Replace(kScenario, "count: 64", "count: 10000000"));
  for (const char* command : {"estimate", "search", "cost", "reliability"}) {
    SCOPED_TRACE(command);
    ExpectFileError(RunTimed({command, path}), path, 4, "cluster.count: fabric");
  }
}

TEST(Issue14Input, AnAbsurdRateScaleIsOutOfRange) {
  const std::string path =
      Write("rate_scale", std::string(kScenario) + "reliability: {duration: \"7d\", rate_scale: 1e300}\n");
  ExpectFileError(RunTimed({"reliability", path}), path, 11, "reliability.rate_scale: 1e+300 is out of range");
}

TEST(Issue14Input, TenMillionTrialsAreOverTheCap) {
  const std::string path =
      Write("trials", std::string(kScenario) + "reliability:\n  duration: \"100y\"\n  trials: 10000000\n");
  ExpectFileError(RunTimed({"reliability", path}), path, 13, "must be between 1 and 1e+06");
}

TEST(Issue14Input, AMillionTrialsOverACenturyHitTheEventCap) {
  const std::string path = Write("events", Replace(Replace(kScenario, "count: 64", "count: 16384"),
                                                   "global_batch: 128", "global_batch: 2048") +
                                               "reliability:\n  duration: \"100y\"\n  trials: 1000000\n");
  const CliRun r = RunTimed({"reliability", path});
  ExpectFileError(r, path, 0, "failure events, more than the");
  EXPECT_NE(r.err.find("fewer trials"), std::string::npos) << r.err;
}

// Issue 14: `seq_len: 1e8` was accepted; sequences are bounded by the longest published training contexts.
TEST(Issue14Input, AHundredMillionTokenSequenceIsOutOfRange) {
  std::string text = kScenario;
  text.replace(text.find("seq_len: 4096"), 13, "seq_len: 100000000");
  const std::string path = Write("seq", text);
  ExpectFileError(RunTimed({"estimate", path}), path, 7,
                  "training.seq_len: 1e+08 is out of range: must be between 1 and 1e+06");
}

TEST(Issue14Input, AOneSecondLifeIsOutOfRange) {
  const std::string path = Write("life", std::string(kScenario) + "economics: {life: 1s}\n");
  ExpectFileError(RunTimed({"cost", path}), path, 11,
                  "economics.life: 1s is out of range: must be between 30 d and 50 y");
}

TEST(Issue14Input, AnAbsurdRentalPriceIsOutOfRange) {
  const std::string path =
      Write("rental", std::string(kScenario) + "economics: {rental: {price: \"$1e308/h\"}}\n");
  ExpectFileError(RunTimed({"cost", path}), path, 11, "economics.rental.price: $1e308/h is out of range");
}

TEST(Issue14Input, AnAstronomicalTokenCountGivesFiniteScientificOutputOrARefusal) {
  const std::string path = Write("tokens", Replace(kScenario, "tokens: 1e9", "tokens: 1e308"));
  const CliRun estimate = RunTimed({"estimate", path});
  ASSERT_EQ(estimate.code, 0) << estimate.err;
  EXPECT_FALSE(ShowsNonFinite(estimate.out)) << estimate.out;
  EXPECT_NE(estimate.out.find("e+"), std::string::npos) << estimate.out;  // days in scientific notation
  EXPECT_LT(estimate.out.size(), 4000u);
  ExpectFileError(RunTimed({"cost", path}), path, 0, "power and cost cover runs of at most 1000 years");
}

TEST(Issue14Input, APriceSweepStepThatYieldsTooManyRowsNamesTheFlag) {
  ExpectFlagError(RunTimed({"cost", Write("sweep", kScenario), "--sweep", "price", "--step", "1e-9"}), "--step",
                  "more than 10,000");
}

TEST(Issue14Input, NvlsAcrossNodesIsLabelledWithWhatRan) {
  const CliRun r = RunTimed({"collective", "--node", "hgx-h100", "--count", "64", "--algo", "nvls", "--size",
                             "1GB", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json row = nlohmann::json::parse(r.out)["rows"][0];
  EXPECT_EQ(row["algo"], "hierarchical");
  EXPECT_EQ(row["algo_requested"], "nvls");
  EXPECT_NE(row["algo_detail"].get<std::string>().find("nvls unavailable across nodes"), std::string::npos);
  const CliRun table =
      RunTimed({"collective", "--node", "hgx-h100", "--count", "64", "--algo", "nvls", "--size", "1GB"});
  EXPECT_NE(table.out.find("hierarchical (nvls inside nodes"), std::string::npos) << table.out;
}

TEST(Issue14Input, AFallbackSaysWhatRanAndWhy) {
  const CliRun r = RunTimed({"collective", "--node", "hgx-h100", "--count", "8", "--op", "all-gather", "--algo",
                             "tree", "--size", "1GB", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json row = nlohmann::json::parse(r.out)["rows"][0];
  EXPECT_EQ(row["algo"], "ring");
  EXPECT_EQ(row["algo_detail"], "ring (tree unavailable: tree runs all-reduce and broadcast only)");
}

TEST(Issue14Input, TheReplacementAssumptionIsStated) {
  const std::string base = Replace(kScenario, "count: 64", "count: 1024");
  const std::string cold = Write("cold", base + "reliability: {duration: \"7d\", trials: 20}\n");
  const CliRun c = RunTimed({"reliability", cold});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("unlimited pool of cold spares"), std::string::npos) << c.out;
  const std::string hot =
      Write("hot", base + "reliability: {duration: \"7d\", trials: 20, policies: [hot-spares], spares: 16}\n");
  const CliRun h = RunTimed({"reliability", hot, "--format", "json"});
  ASSERT_EQ(h.code, 0) << h.err;
  const std::string assumption = nlohmann::json::parse(h.out)["replacement_assumption"];
  EXPECT_NE(assumption.find("16 hot spare node(s)"), std::string::npos) << assumption;
  EXPECT_NE(assumption.find("waits for the next repair"), std::string::npos) << assumption;
}

TEST(Issue14Output, OutIsWrittenWholeAndAFailedRunLeavesItAlone) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fleetsim-issue14-out";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "report.json").string();
  const CliRun ok = RunTimed({"estimate", Write("out", kScenario), "--format", "json", "--out", out});
  ASSERT_EQ(ok.code, 0) << ok.err;
  std::ifstream in(out);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(nlohmann::json::accept(written)) << written;
  const CliRun bad = RunTimed({"estimate", "/nonexistent.yaml", "--out", out});
  EXPECT_EQ(bad.code, 2);
  std::ifstream again(out);
  const std::string kept((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, written);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1)
      << "a temporary file was left behind";
}

// No command prints NaN or infinity for the examples, in any format.
TEST(Issue14Output, EveryCommandAndFormatIsFiniteOnTheExamples) {
  std::vector<std::string> scenarios;
  for (const auto& e : std::filesystem::directory_iterator(std::string(FLEETSIM_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() == ".yaml") scenarios.push_back(e.path().string());
  }
  scenarios.push_back(Write("finite", std::string(kScenario) + "reliability: {duration: \"30d\", trials: 50}\n"));
  ASSERT_FALSE(scenarios.empty());
  for (const std::string& path : scenarios) {
    for (const char* format : {"table", "json", "csv"}) {
      for (const char* command : {"estimate", "search", "cost", "reliability"}) {
        SCOPED_TRACE(path + " " + command + " " + format);
        const CliRun r = testing::RunFleetsim({command, path, "--format", format});
        if (r.code != 0) {  // e.g. no reliability section: an input error, never a crash
          EXPECT_EQ(r.code, 2) << r.err;
          continue;
        }
        EXPECT_FALSE(ShowsNonFinite(r.out)) << r.out;
      }
    }
  }
  for (const char* format : {"table", "json", "csv"}) {
    const CliRun r =
        testing::RunFleetsim({"collective", "--node", "hgx-h100", "--count", "16", "--format", format});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_FALSE(ShowsNonFinite(r.out)) << r.out;
  }
}

TEST(Issue14Output, TheNonFiniteDetectorCanFail) {
  EXPECT_TRUE(ShowsNonFinite("cost $infB"));
  EXPECT_TRUE(ShowsNonFinite("step 0.1, mfu nan"));
  EXPECT_TRUE(ShowsNonFinite("-inf"));
  EXPECT_FALSE(ShowsNonFinite("infiniband fabric, inference"));
}

}  // namespace
}  // namespace fleetsim
