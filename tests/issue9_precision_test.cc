// Issue 9 item 3: training at a precision the accelerator has no matrix units for (fp4 on H100, int8 on Trainium
// 2, fp8 or mxfp8 on A100) used to be accepted at another peak and reported "of fp4 dense peak"; no such run
// exists, so the scenario is refused at its `precision:` line with the chip's precisions, exit 2. Precisions the
// chip has (fp4 on B200, int8 on TPU v5p) run at their own peak.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"
#include "fleetsim/core/error.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {
namespace {

using testing::RunFleetsim;
using testing::WriteTempFile;

// The precision sits on line 7.
std::string Training(const std::string& accelerator, const std::string& precision) {
  return "name: precision-probe\n"
         "cluster: {accelerator: " +
         accelerator +
         ", count: 64}\n"
         "model: llama3-8b\n"
         "training:\n"
         "  seq_len: 4096\n"
         "  global_batch: 64\n"
         "  precision: " +
         precision + "\n";
}

TEST(Issue9Precision, Fp4OnH100IsAFileLineErrorListingItsPrecisions) {
  const std::string path = WriteTempFile("issue9-h100-fp4.yaml", Training("h100", "fp4"));
  for (const char* command : {"estimate", "search", "cost"}) {
    const auto r = RunFleetsim({command, path});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find(path + ":7: error:"), std::string::npos) << command << ": " << r.err;
    EXPECT_NE(r.err.find("h100 has no fp4 matrix units"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("its precisions: fp32, fp16, bf16, fp8, mxfp8, int8"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(Issue9Precision, PrecisionsWithoutMatrixUnitsAreRefused) {
  const struct {
    const char* accelerator;
    const char* precision;
    const char* says;
  } kRefused[] = {
      {"trn2", "int8", "trn2 has no int8 matrix units"},    // Trainium 2 lists no int8 rate
      {"a100", "fp8", "a100 has no fp8 matrix units"},      // Ampere has no fp8 tensor cores
      {"a100", "mxfp8", "(the catalog lists no fp8 peak"},  // mxfp8 runs on fp8 units
      {"gb300", "int8", "gb300 has no int8 matrix units"},  // Blackwell Ultra's int8 rate is not published
      {"tpu-v5p", "fp4", "tpu-v5p has no fp4 matrix units"},
  };
  for (const auto& c : kRefused) {
    try {
      Scenario::Parse(Training(c.accelerator, c.precision), "p.yaml");
      ADD_FAILURE() << c.accelerator << " " << c.precision << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), 7) << c.accelerator;
      EXPECT_NE(e.message().find(c.says), std::string::npos) << e.message();
    }
  }
}

TEST(Issue9Precision, PrecisionsWithMatrixUnitsRunAtTheirOwnPeak) {
  const struct {
    const char* accelerator;
    const char* precision;
  } kAccepted[] = {{"b200", "fp4"},     {"b200", "mxfp8"},  {"h100", "fp8"}, {"h100", "int8"},
                   {"tpu-v5p", "int8"}, {"tpu-v4", "bf16"}, {"trn2", "fp8"}};
  for (const auto& c : kAccepted) {
    const Scenario s = Scenario::Parse(Training(c.accelerator, c.precision), "p.yaml");
    EXPECT_EQ(PrecisionName(s.training.precision), c.precision);
  }
  const auto r = RunFleetsim({"estimate", WriteTempFile("issue9-b200-fp4.yaml", Training("b200", "fp4"))});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("of fp4 dense peak"), std::string::npos) << r.out;
}

// A user's measured run at a precision the chip lacks points at its row of the cases file.
TEST(Issue9Precision, ACaseAtAPrecisionTheChipLacksIsRefusedAtItsRow) {
  const std::string cases = WriteTempFile(
      "issue9-precision-cases.csv",
      "case,source,accelerator,count,model,seq_len,global_batch,micro_batch,tp,pp,dp,recompute,precision,metric,"
      "value\n"
      "ok,mine,h100,64,llama3-8b,4096,64,1,1,1,64,none,bf16,step_time_s,1.0\n"
      "bad,mine,trn2,64,llama3-8b,4096,64,1,1,1,64,none,int8,step_time_s,1.0\n");
  const auto r = RunFleetsim({"validate", "--cases", cases});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(cases + ":3: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("trn2 has no int8 matrix units"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleetsim
