// Issue 4: bad input in the `reliability:` section gets a clear `file:line: error:` message and exit code 2.
#include <gtest/gtest.h>

#include <string>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

const char* kHeader =
    "name: bad\n"                                     // line 1
    "cluster: {accelerator: h100, count: 1024}\n"     // line 2
    "model: llama3-8b\n"                              // line 3
    "training: {seq_len: 8192, global_batch: 512}\n"  // line 4
    "reliability:\n"                                  // line 5
    "  duration: \"7d\"\n"                            // line 6
    "  trials: 10\n";                                 // line 7

using CliResult = testing::CliRun;

CliResult RunOn(const std::string& name, const std::string& extra, std::vector<std::string> more = {}) {
  const std::string path = testing::WriteTempFile("fleetsim_issue4_" + name + ".yaml", kHeader + extra);
  std::vector<std::string> args = {"reliability", path};
  args.insert(args.end(), more.begin(), more.end());
  return testing::RunFleetsim(args);
}

TEST(Issue4, AValidSectionRunsWithExitCodeZero) {
  const CliResult r = RunOn("valid", "  policies: [checkpoint-restart, in-memory]\n", {"--format", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"unexpected_interruptions\""), std::string::npos);
  EXPECT_NE(r.out.find("\"ettr\""), std::string::npos);
}

TEST(Issue4, NegativeRateIsExitCodeTwoAtItsLine) {
  const CliResult r = RunOn("negative_rate", "  rates:\n    faulty-gpu: -1e-6\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue4_negative_rate.yaml:9: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("faulty-gpu"), std::string::npos) << r.err;
}

TEST(Issue4, UnknownFailureClassIsExitCodeTwoWithASuggestion) {
  const CliResult r = RunOn("unknown_class", "  rates:\n    faulty-gpus: 1e-6\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(":9: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("faulty-gpu"), std::string::npos) << r.err;
}

TEST(Issue4, MoreSparesThanTheFleetIsExitCodeTwo) {
  // 1,024 H100 = 128 HGX nodes.
  const CliResult r = RunOn("spares", "  policies: [hot-spares]\n  spares: 129\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue4_spares.yaml:9: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at most 128"), std::string::npos) << r.err;
}

TEST(Issue4, CheckpointIntervalZeroIsExitCodeTwo) {
  const CliResult r = RunOn("interval", "  checkpoint: {interval: 0}\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue4_interval.yaml:8: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("interval"), std::string::npos) << r.err;
}

TEST(Issue4, UnknownPolicyIsExitCodeTwoListingTheKnownOnes) {
  const CliResult r = RunOn("policy", "  policies: [checkpoint-restart, hot-spare]\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fleetsim_issue4_policy.yaml:8: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown policy 'hot-spare'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hot-spares"), std::string::npos) << r.err;
}

TEST(Issue4, UnknownKeyIsExitCodeTwo) {
  const CliResult r = RunOn("key", "  spare: 2\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(":8: error:"), std::string::npos) << r.err;
}

TEST(Issue4, OcsRerouteOnAFabricWithoutOpticalSwitchesIsExitCodeTwo) {
  const CliResult r = RunOn("ocs", "  policies: [ocs-reroute]\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("optical circuit switches"), std::string::npos) << r.err;
}

TEST(Issue4, SweepPrintsOneRowPerPoint) {
  const CliResult r = RunOn("sweep", "", {"--sweep", "checkpoint-interval", "--points", "5", "--format", "csv"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 6) << r.out;  // header + 5 rows
}

}  // namespace
}  // namespace fleetsim
