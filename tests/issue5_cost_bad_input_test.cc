// Issue 5: `fleetsim cost` runs on a valid scenario (table, JSON with the DESIGN §4 keys, CSV, price sweep), and
// bad input in `datacenter:` or `economics:` (PUE below 1, negative prices, utilization above 1, a life of zero,
// unknown keys) gets exit code 2 and a `file:line: error:` message naming the key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

const char* kHeader =
    "name: cost-case\n"                          // line 1
    "cluster: {accelerator: h100, count: 64}\n"  // line 2
    "model: llama3-8b\n"                         // line 3
    "training:\n"                                // line 4
    "  seq_len: 8192\n"                          // line 5
    "  global_batch: 64\n"                       // line 6
    "  parallelism: {tp: 8, pp: 1}\n"            // line 7
    "  tokens: 1e9\n";                           // line 8

using CliResult = testing::CliRun;

CliResult RunOn(const std::string& name, const std::string& extra, std::vector<std::string> more = {}) {
  const std::string path = testing::WriteTempFile("fleetsim_issue5_" + name + ".yaml", kHeader + extra);
  std::vector<std::string> args = {"cost", path};
  args.insert(args.end(), more.begin(), more.end());
  return testing::RunFleetsim(args);
}

TEST(Issue5, JsonHasTheDesignKeys) {
  const CliResult r = RunOn("json", "datacenter: {pue: 1.2, electricity: \"$0.08/kWh\"}\n", {"--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"it_power_w", "facility_power_w", "pue", "energy_j", "cost_usd", "usd_per_million_tokens"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"breakeven_usd_per_hour", "npv_usd", "irr", "payback_years", "roe"}) {
    EXPECT_TRUE(j["rental"].contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(j["pue"].get<double>(), 1.2);
  EXPECT_NEAR(j["facility_power_w"].get<double>(), 1.2 * j["it_power_w"].get<double>(), 1e-6);
}

TEST(Issue5, TableShowsEveryInputAndCsvHasRows) {
  const CliResult table = RunOn("table", "");
  ASSERT_EQ(table.code, 0) << table.err;
  for (const char* word : {"PUE", "electricity", "capex per accelerator", "break-even price", "us-industrial"}) {
    EXPECT_NE(table.out.find(word), std::string::npos) << word;
  }
  const CliResult csv = RunOn("csv", "", {"--format", "csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("section,quantity,value,basis\n", 0), 0u) << csv.out;
}

TEST(Issue5, PriceSweepPrintsTheCurve) {
  const CliResult r =
      RunOn("sweep", "", {"--sweep", "price", "--from", "1", "--to", "3", "--step", "0.5", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rows"].size(), 5u);
  EXPECT_LT(j["rows"][0]["npv_usd"].get<double>(), j["rows"][4]["npv_usd"].get<double>());
}

TEST(Issue5, PueBelowOneIsExitCodeTwoAtItsLine) {
  const CliResult r = RunOn("pue", "datacenter:\n  pue: 0.9\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_pue.yaml:10: error: datacenter.pue"), std::string::npos) << r.err;
}

TEST(Issue5, NegativeElectricityPriceIsExitCodeTwo) {
  const CliResult r = RunOn("price", "datacenter:\n  electricity: -0.08\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_price.yaml:10: error: datacenter.electricity"), std::string::npos)
      << r.err;
}

TEST(Issue5, NegativeRentalPriceIsExitCodeTwo) {
  const CliResult r = RunOn("rent", "economics:\n  rental:\n    price: -1.99\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_rent.yaml:11: error: economics.rental.price"), std::string::npos) << r.err;
}

TEST(Issue5, UtilizationAboveOneIsExitCodeTwo) {
  const CliResult r = RunOn("util", "economics:\n  rental: {utilization: 1.5}\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_util.yaml:10: error: economics.rental.utilization"), std::string::npos)
      << r.err;
}

TEST(Issue5, LifeOfZeroIsExitCodeTwo) {
  const CliResult r = RunOn("life", "economics:\n  capex_per_accelerator: \"$50000\"\n  life: 0y\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_life.yaml:11: error: economics.life"), std::string::npos) << r.err;
}

TEST(Issue5, UnknownKeyIsExitCodeTwoWithASuggestion) {
  const CliResult r = RunOn("key", "datacenter:\n  power_capp: 10MW\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue5_key.yaml:10: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("power_cap"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleetsim
