// Whole-run checks of the shipped scenarios: every file in examples/ estimates, fits in memory and lands in a
// plausible utilisation band; the demo runs and prints the same bytes twice (determinism, DESIGN §4).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

TEST(Examples, EveryExampleEstimatesAndFits) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FLEETSIM_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    // Serving scenarios (no training job) are run by tests/issue11_serve_test.cc.
    if (entry.path().filename().string().rfind("serve-", 0) == 0) continue;
    // Sweep files are run by tests/issue13_sweep_test.cc (their base scenarios are checked here).
    if (entry.path().filename().string().rfind("sweep-", 0) == 0 &&
        entry.path().filename().string().find("-base") == std::string::npos) {
      continue;
    }
    const testing::CliRun run = testing::RunFleetsim({"estimate", entry.path().string(), "--format", "json"});
    ASSERT_EQ(run.code, 0) << entry.path() << ": " << run.err;
    const nlohmann::json j = nlohmann::json::parse(run.out);
    EXPECT_TRUE(j["memory"]["fits"].get<bool>()) << entry.path();
    EXPECT_GT(j["mfu"].get<double>(), 0.2) << entry.path();
    EXPECT_LT(j["mfu"].get<double>(), 0.8) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(Examples, DemoIsDeterministicAndComplete) {
  const testing::CliRun first = testing::RunFleetsim({"demo", "--format", "json"});
  const testing::CliRun second = testing::RunFleetsim({});  // no command: the demo, as a table
  const testing::CliRun third = testing::RunFleetsim({"demo", "--format", "json"});
  ASSERT_EQ(first.code, 0) << first.err;
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(first.out, third.out);
  const nlohmann::json j = nlohmann::json::parse(first.out);
  ASSERT_EQ(j["fleets"].size(), 4u);
  for (const auto& fleet : j["fleets"]) {
    EXPECT_TRUE(fleet["memory"]["fits"].get<bool>()) << fleet["scenario"];
    EXPECT_GT(fleet["time_to_train_s"].get<double>(), 0) << fleet["scenario"];
    EXPECT_GT(fleet["energy_j"].get<double>(), 0) << fleet["scenario"];
  }
  EXPECT_NE(second.out.find("H100 HGX, 400G RoCE Clos"), std::string::npos);
  EXPECT_NE(second.out.find("$/M tokens"), std::string::npos);
}

}  // namespace
}  // namespace fleetsim
