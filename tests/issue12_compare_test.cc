// Issue 12: `fleetsim compare` on one cost basis, the HTML report, and honest cost bases in the demo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

const std::vector<std::string> kDemoFleets = {"data/demo/1-h100-roce.yaml", "data/demo/2-gb200-nvl72.yaml",
                                              "data/demo/3-tpu-v5p.yaml", "data/demo/4-trn2-ultraserver.yaml"};

std::vector<std::string> CompareArgs(std::vector<std::string> extra) {
  std::vector<std::string> args = {"compare"};
  args.insert(args.end(), kDemoFleets.begin(), kDemoFleets.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The report is self-contained: no src or href reaches outside the file.
void ExpectSelfContained(const std::string& html) {
  const std::regex external(R"re((src|href)\s*=\s*["']?\s*(https?:|//|file:))re", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, external));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

// Every chart is followed by its data table, inside the same figure.
int ChartsWithTables(const std::string& html) {
  int charts = 0;
  for (size_t at = html.find("<canvas"); at != std::string::npos; at = html.find("<canvas", at + 1)) {
    const size_t table = html.find("<table", at);
    const size_t end = html.find("</figure>", at);
    EXPECT_TRUE(table != std::string::npos && table < end) << "a chart without its table at byte " << at;
    ++charts;
  }
  return charts;
}

TEST(Issue12Compare, TheFourDemoFleetsOnEitherBasisWithNoUnknown) {
  for (const std::string basis : {"owned", "rented"}) {
    const testing::CliRun table = testing::RunFleetsim(CompareArgs({"--basis", basis}));
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("cost basis: " + basis), std::string::npos);
    EXPECT_EQ(table.out.find("unknown"), std::string::npos) << table.out;
    const testing::CliRun json = testing::RunFleetsim(CompareArgs({"--basis", basis, "--format", "json"}));
    ASSERT_EQ(json.code, 0) << json.err;
    const nlohmann::json j = nlohmann::json::parse(json.out);
    ASSERT_EQ(j.at("scenarios").size(), 4u);
    for (const nlohmann::json& s : j.at("scenarios")) {
      // One basis for every fleet: the basis asked for, with a cost and a price per token.
      EXPECT_EQ(s.at("cost_basis").get<std::string>().rfind(basis, 0), 0u) << s.dump();
      EXPECT_GT(s.at("cost_usd").get<double>(), 0) << s.at("file");
      EXPECT_GT(s.at("usd_per_million_tokens").get<double>(), 0) << s.at("file");
      EXPECT_GT(s.at("time_to_train_with_failures_s").get<double>(), s.at("time_to_train_s").get<double>());
    }
    EXPECT_EQ(j.at("scenarios")[0].count("ratio_to_first"), 0u);
    EXPECT_GT(j.at("scenarios")[1].at("ratio_to_first").at("step_time_s").get<double>(), 0);
  }
}

TEST(Issue12Compare, ChipsThatAreNotSoldAreOwnedAtFlaggedEstimates) {
  const testing::CliRun r = testing::RunFleetsim(CompareArgs({"--basis", "owned", "--format", "json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> basis;
  for (const nlohmann::json& s : j.at("scenarios")) basis[s.at("file")] = s.at("cost_basis");
  EXPECT_EQ(basis.at("data/demo/1-h100-roce.yaml"), "owned");
  EXPECT_EQ(basis.at("data/demo/3-tpu-v5p.yaml"), "owned (estimated price)");
  EXPECT_EQ(basis.at("data/demo/4-trn2-ultraserver.yaml"), "owned (estimated price)");
}

TEST(Issue12Compare, ServingScenariosArePricedOnTheBasisToo) {
  for (const std::string basis : {"owned", "rented"}) {
    const testing::CliRun r =
        testing::RunFleetsim({"compare", "data/demo-serve/1-h100.yaml", "data/demo-serve/6-inf2.yaml", "--basis",
                              basis, "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.at("scenarios").size(), 2u);
    for (const nlohmann::json& s : j.at("scenarios")) {
      EXPECT_GT(s.at("serving_usd_per_million_tokens").get<double>(), 0) << s.at("file");
      EXPECT_GT(s.at("serving_max_rate_under_slo_per_s").get<double>(), 0) << s.at("file");
      EXPECT_FALSE(s.contains("step_time_s"));  // no training section, no training figures
    }
  }
}

TEST(Issue12Compare, CsvHasOneColumnPerScenario) {
  const testing::CliRun r = testing::RunFleetsim(CompareArgs({"--format", "csv"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("key,unit,data/demo/1-h100-roce.yaml,data/demo/2-gb200-nvl72.yaml", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\ncost_usd,"), std::string::npos);
}

TEST(Issue12Compare, HtmlReportIsSelfContainedWithSixChartsAndTheirTables) {
  const std::string path = testing::WriteTempFile("issue12-compare.html", "");
  const testing::CliRun r = testing::RunFleetsim(CompareArgs({"--basis", "rented", "--html", path}));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = ReadFile(path);
  ExpectSelfContained(html);
  EXPECT_GE(ChartsWithTables(html), 6);
  EXPECT_NE(html.find("Chart.js v"), std::string::npos);          // the library, inline
  EXPECT_NE(html.find("model: llama3-405b"), std::string::npos);  // the inputs
  EXPECT_NE(html.find("rent price"), std::string::npos);          // the sources of the prices used
}

TEST(Issue12Compare, DemoHtmlShowsBothBasesAndServing) {
  const std::string path = testing::WriteTempFile("issue12-demo.html", "");
  const testing::CliRun r = testing::RunFleetsim({"demo", "--html", path});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = ReadFile(path);
  ExpectSelfContained(html);
  EXPECT_GE(ChartsWithTables(html), 6);
  EXPECT_NE(html.find("Cost of the run, owned and rented"), std::string::npos);
  EXPECT_NE(html.find("Serving Llama 3 70B"), std::string::npos);
}

// The demo never mixes bases in a column and prices every fleet both ways.
TEST(Issue12Compare, DemoPricesEveryFleetOnBothBases) {
  const testing::CliRun r = testing::RunFleetsim({"demo", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const nlohmann::json& f : j.at("fleets")) {
    EXPECT_EQ(f.at("cost").at("owned").at("cost_basis"), "owned") << f.at("scenario");
    EXPECT_EQ(f.at("cost").at("rented").at("cost_basis"), "rented") << f.at("scenario");
    EXPECT_GT(f.at("cost").at("owned").at("cost_usd").get<double>(), 0);
    EXPECT_GT(f.at("cost").at("rented").at("cost_usd").get<double>(), 0);
  }
  for (const nlohmann::json& f : j.at("serving")) {
    EXPECT_FALSE(f.at("usd_per_million_tokens").at("owned").is_null()) << f.at("fleet");
    EXPECT_FALSE(f.at("usd_per_million_tokens").at("rented").is_null()) << f.at("fleet");
  }
  const testing::CliRun table = testing::RunFleetsim({"demo"});
  ASSERT_EQ(table.code, 0);
  EXPECT_EQ(table.out.find("unknown"), std::string::npos);
  EXPECT_EQ(table.out.find("no price"), std::string::npos);
  EXPECT_NE(table.out.find("owned: run cost"), std::string::npos);
  EXPECT_NE(table.out.find("rented: run cost"), std::string::npos);
}

TEST(Issue12Compare, AFailingScenarioIsNamedWithItsLine) {
  const std::string bad = testing::WriteTempFile("issue12-bad.yaml",
                                                 "cluster:\n  accelerator: h100\n  count: 64\n"
                                                 "model: llama3-8b\ntraining:\n  seq_len: 4096\n"
                                                 "  global_batch: 64\n  precison: bf16\n");
  const testing::CliRun r = testing::RunFleetsim({"compare", kDemoFleets[0], bad});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(bad + ":8: error:"), std::string::npos) << r.err;
}

TEST(Issue12Compare, AnUnwritableHtmlPathIsRefusedAndLeavesNothing) {
  const std::string path = "/nonexistent-dir/report.html";
  const testing::CliRun r = testing::RunFleetsim(CompareArgs({"--html", path}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Issue12Compare, OwnedBasisRefusesAGivenCloudPriceAtItsLine) {
  const std::string s = testing::WriteTempFile(
      "issue12-cloud.yaml",
      "cluster:\n  accelerator: h100\n  count: 64\nmodel: llama3-8b\ntraining:\n  seq_len: 4096\n"
      "  global_batch: 64\n  precision: bf16\n  tokens: 1e9\neconomics:\n  cloud_price: \"$2/h\"\n");
  const testing::CliRun owned = testing::RunFleetsim({"compare", s, "--basis", "owned"});
  EXPECT_EQ(owned.code, 2);
  EXPECT_NE(owned.err.find("cloud_price"), std::string::npos) << owned.err;
  const testing::CliRun rented = testing::RunFleetsim({"compare", s, "--basis", "rented", "--format", "json"});
  ASSERT_EQ(rented.code, 0) << rented.err;
  EXPECT_EQ(nlohmann::json::parse(rented.out).at("scenarios")[0].at("cost_basis"), "rented");
}

}  // namespace
}  // namespace fleetsim
