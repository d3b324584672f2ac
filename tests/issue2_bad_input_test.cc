// Issue 2: every kind of bad scenario input gets `file:line: error: ...` naming what is wrong and what is
// allowed, and exit code 2 -- never a crash, never a silent default.
#include <gtest/gtest.h>

#include "cli_test_util.h"

namespace fleetsim {
namespace {

using testing::RunFleetsim;
using testing::WriteTempFile;

// A valid scenario; each test breaks one thing in it.
const char* kGood = R"(name: good
cluster:
  accelerator: h100
  count: 64
model:
  preset: llama3-8b
training:
  seq_len: 4096
  global_batch: 128
  micro_batch: 1
  parallelism: {tp: 4, pp: 2, dp: 8}
  recompute: selective
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// Runs `estimate` on the text and checks exit code 2 and that stderr starts with `<file>:<line>: error:` and
// contains `expected`.
void ExpectInputError(const std::string& name, const std::string& text, int line, const std::string& expected) {
  const std::string path = WriteTempFile(name + ".yaml", text);
  const testing::CliRun run = RunFleetsim({"estimate", path});
  EXPECT_EQ(run.code, 2) << run.err << run.out;
  const std::string prefix = path + ":" + std::to_string(line) + ": error: ";
  EXPECT_EQ(run.err.rfind(prefix, 0), 0u) << "stderr: " << run.err << "\nexpected prefix: " << prefix;
  EXPECT_NE(run.err.find(expected), std::string::npos) << "stderr: " << run.err << "\nexpected: " << expected;
}

TEST(Issue2BadInput, GoodScenarioRuns) {
  const testing::CliRun run = RunFleetsim({"estimate", WriteTempFile("good.yaml", kGood)});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("step time"), std::string::npos);
}

TEST(Issue2BadInput, YamlSyntaxError) {
  ExpectInputError("syntax", Replace(kGood, "  count: 64\n", "  count: [64\n"), 5, "YAML syntax");
}

TEST(Issue2BadInput, UnknownKeyWithSuggestion) {
  ExpectInputError("unknown-key", Replace(kGood, "  micro_batch: 1", "  micro_bach: 1"), 10,
                   "unknown key 'micro_bach' (did you mean 'micro_batch'?)");
}

TEST(Issue2BadInput, UnknownTopLevelSection) {
  ExpectInputError("unknown-section", std::string(kGood) + "traning: {}\n", 13, "unknown key 'traning'");
}

TEST(Issue2BadInput, WrongUnit) {
  ExpectInputError("wrong-unit", Replace(kGood, "  count: 64\n", "  count: 64\n  wan: {bandwidth: \"80GB\"}\n"), 5,
                   "'80GB' is not a bandwidth");
}

TEST(Issue2BadInput, NegativeSize) {
  ExpectInputError("negative", Replace(kGood, "global_batch: 128", "global_batch: -128"), 9,
                   "training.global_batch: -128 is out of range");
}

TEST(Issue2BadInput, ZeroCount) {
  ExpectInputError("zero-count", Replace(kGood, "count: 64", "count: 0"), 4, "cluster.count: 0 is out of range");
}

TEST(Issue2BadInput, ZeroBandwidthOverride) {
  ExpectInputError(
      "zero-bw",
      Replace(kGood, "  count: 64\n", "  count: 64\n  fabric: {preset: ib-ndr-400-clos, link_bandwidth: 0}\n"), 5,
      "link_bandwidth: 0 is out of range");
}

TEST(Issue2BadInput, ParallelismProductMustEqualCount) {
  ExpectInputError("product", Replace(kGood, "{tp: 4, pp: 2, dp: 8}", "{tp: 4, pp: 2, dp: 4}"), 11,
                   "tp*pp*dp*cp = 4*2*4*1 = 32 but cluster.count is 64");
}

TEST(Issue2BadInput, HeadsNotDivisibleByTensorParallel) {
  ExpectInputError("heads",
                   Replace(Replace(kGood, "{tp: 4, pp: 2, dp: 8}", "{tp: 64, pp: 1, dp: 1}"), "global_batch: 128",
                           "global_batch: 128"),
                   11, "model heads 32 are not divisible by tp 64");
}

TEST(Issue2BadInput, FewerLayersThanPipelineStages) {
  ExpectInputError("layers", Replace(kGood, "{tp: 4, pp: 2, dp: 8}", "{tp: 1, pp: 64, dp: 1}"), 11,
                   "64 pipeline stages for 32 layers");
}

TEST(Issue2BadInput, FewerLayersThanInterleavedChunks) {
  ExpectInputError("vpp", Replace(kGood, "{tp: 4, pp: 2, dp: 8}", "{tp: 4, pp: 2, dp: 8, vpp: 32}"), 11,
                   "pp*vpp = 64 model chunks for 32 layers");
}

TEST(Issue2BadInput, MicroBatchMustDivideBatch) {
  ExpectInputError("micro", Replace(kGood, "micro_batch: 1", "micro_batch: 3"), 10,
                   "micro_batch 3 does not divide the 16 sequences per data-parallel rank");
}

TEST(Issue2BadInput, UnknownAcceleratorIdWithSuggestion) {
  ExpectInputError("acc", Replace(kGood, "accelerator: h100", "accelerator: h1000"), 3,
                   "unknown accelerator 'h1000' (did you mean 'h100'?)");
}

TEST(Issue2BadInput, UnknownModelPreset) {
  ExpectInputError("model", Replace(kGood, "preset: llama3-8b", "preset: llama3-9b"), 6,
                   "unknown model 'llama3-9b' (did you mean 'llama3-8b'?)");
}

TEST(Issue2BadInput, UnknownChoice) {
  ExpectInputError("recompute", Replace(kGood, "recompute: selective", "recompute: partial"), 12,
                   "'partial' is not allowed; allowed: none, selective, full, auto");
}

TEST(Issue2BadInput, NodeOfAnotherAccelerator) {
  ExpectInputError("node", Replace(kGood, "  count: 64\n", "  count: 64\n  node: dgx-a100\n"), 5,
                   "node 'dgx-a100' holds a100 accelerators, not h100");
}

// An uneven split (126 layers over 16 stages) is valid: the busiest stage carries the extra layer.
TEST(Issue2BadInput, UnevenPipelineSplitIsValid) {
  const std::string text = R"(cluster: {accelerator: h100, count: 1024}
model: llama3-405b
training: {seq_len: 8192, global_batch: 512, micro_batch: 1, recompute: full,
           parallelism: {tp: 8, pp: 16, dp: 8}}
)";
  const testing::CliRun run = RunFleetsim({"estimate", WriteTempFile("uneven.yaml", text)});
  EXPECT_EQ(run.code, 0) << run.err;
}

TEST(Issue2BadInput, MissingFileIsExitTwo) {
  const testing::CliRun run = RunFleetsim({"estimate", "/nonexistent/scenario.yaml"});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("/nonexistent/scenario.yaml: error: cannot open"), std::string::npos) << run.err;
}

TEST(Issue2BadInput, BadSetOverride) {
  const std::string path = WriteTempFile("good-set.yaml", kGood);
  testing::CliRun run = RunFleetsim({"estimate", path, "--set", "training.micro_batch"});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("is not key.path=value"), std::string::npos) << run.err;
  run = RunFleetsim({"estimate", path, "--set", "training.micro_batch=0"});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("training.micro_batch: 0 is out of range"), std::string::npos) << run.err;
}

TEST(Issue2BadInput, UnknownCommandIsUsageError) {
  const testing::CliRun run = RunFleetsim({"estimat"});
  EXPECT_EQ(run.code, 2);
}

}  // namespace
}  // namespace fleetsim
