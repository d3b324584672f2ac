// Issue 3: `fleetsim collective` rejects bad input with exit code 2 and a clear message, and prints the contract's
// JSON rows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "fleetsim/cli/run_cli.h"

namespace fleetsim {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  args.insert(args.begin(), "collective");
  const int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(Issue3Cli, JsonRowsFollowTheContract) {
  const Outcome o = Cli({"--node", "hgx-h100", "--count", "8", "--op", "all-reduce", "--algo", "ring", "--size",
                         "1GB", "--size", "4GB", "--format", "json"});
  ASSERT_EQ(o.code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["rows"].size(), 2u);
  for (const char* key : {"op", "algo", "count", "size_bytes", "time_s", "algbw_gb_per_s", "busbw_gb_per_s"}) {
    EXPECT_TRUE(j["rows"][0].contains(key)) << key;
  }
  EXPECT_EQ(j["rows"][1]["algo"], "ring");
  EXPECT_NEAR(j["rows"][1]["busbw_gb_per_s"].get<double>(), 370, 37);
}

TEST(Issue3Cli, CsvHasAHeaderAndOneLinePerSize) {
  const Outcome o = Cli({"--node", "dgx-a100", "--count", "8", "--size", "1GB", "--format", "csv"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("op,algo,count,size_bytes,time_s,algbw_gb_per_s,busbw_gb_per_s\n", 0), 0u);
}

TEST(Issue3Cli, TopologyThatCannotHoldTheCountIsExitTwo) {
  // ib-ndr-400-clos forced to 2 tiers of radix 64 holds 2,048 GPUs.
  const Outcome o =
      Cli({"--node", "hgx-h100", "--fabric", "ib-hdr-200-clos", "--count", "200000", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("holds at most"), std::string::npos) << o.err;
}

TEST(Issue3Cli, TorusShapeThatDoesNotMultiplyOutIsExitTwo) {
  const Outcome o = Cli({"--node", "tpu-v4-cube", "--count", "64", "--shape", "4x4x3", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("multiplies out to 48"), std::string::npos) << o.err;
}

TEST(Issue3Cli, TwistedTorusOnAShapeThatCannotTwistIsExitTwo) {
  Outcome o = Cli({"--node", "tpu-v4-cube", "--count", "512", "--twisted", "--op", "all-to-all", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("k x k x 2k"), std::string::npos) << o.err;
  o = Cli({"--node", "hgx-h100", "--count", "8", "--twisted", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("not a torus"), std::string::npos) << o.err;
  o = Cli({"--node", "tpu-v4-cube", "--count", "128", "--twisted", "--op", "all-to-all", "--size", "64MB",
           "--format", "json"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(o.out)["rows"][0]["algo"], "direct");
}

TEST(Issue3Cli, ZeroBandwidthIsExitTwo) {
  const Outcome o = Cli({"--node", "hgx-h100", "--count", "8", "--bandwidth", "0GB/s", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("zero bandwidth"), std::string::npos) << o.err;
}

TEST(Issue3Cli, GroupLargerThanTheFabricIsExitTwo) {
  const Outcome o = Cli({"--node", "hgx-h100", "--count", "16", "--group", "32", "--size", "1MB"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("larger than"), std::string::npos) << o.err;
}

TEST(Issue3Cli, UnknownOperationAndSizeAreExitTwo) {
  EXPECT_EQ(Cli({"--node", "hgx-h100", "--count", "8", "--op", "allreduce"}).code, 2);
  EXPECT_EQ(Cli({"--node", "hgx-h100", "--count", "8", "--size", "1Gbps"}).code, 2);
  EXPECT_EQ(Cli({"--node", "no-such-node", "--count", "8"}).code, 2);
}

}  // namespace
}  // namespace fleetsim
