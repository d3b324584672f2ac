// Issue 10 item 5: MLCommons Chakra execution traces in. The three trace sets in ../shared/traces/chakra/ (other
// projects' files: one rank of a real PyTorch run, ASTRA-sim's 8-rank all-reduce and 16-rank all-to-all) run on
// any catalog node; a truncated or malformed trace fails with exit 2 naming the file (and the operation).
#include <google/protobuf/util/delimited_message_util.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"
#include "fleetsim/chakra/chakra_et.pb.h"
#include "fleetsim/chakra/chakra_replay.h"
#include "fleetsim/chakra/chakra_trace.h"
#include "fleetsim/core/error.h"
#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/net/network.h"

namespace fleetsim {
namespace {

// The shared traces are other projects' files beside this checkout; tests that need them skip without them.
const std::string kTraces = std::string(FLEETSIM_SOURCE_DIR) + "/../shared/traces/chakra/";
// A trace of our own (fuzz/seeds): a kernel, an all-reduce after it, a host operation and a send.
const std::string kOwnTrace = std::string(FLEETSIM_SOURCE_DIR) + "/fuzz/seeds/chakra/compute-collective-send.et";

#define SKIP_WITHOUT_SHARED_TRACES() \
  if (!std::filesystem::exists(kTraces)) GTEST_SKIP() << "no shared traces at " << kTraces

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json Replay(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"simulate", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const testing::CliRun r = testing::RunFleetsim(args);
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
}

TEST(Issue10Chakra, AstraSimAllReduceRunsAndCostsTheClosedForm) {
  SKIP_WITHOUT_SHARED_TRACES();
  const nlohmann::json j = Replay({"--chakra", kTraces + "astra-sim-all-reduce-8npus-1MB", "--node", "hgx-h100"});
  ASSERT_EQ(j.at("ranks").size(), 8u);
  EXPECT_EQ(j.at("collectives_per_rank"), 1);
  // One 1 MB all-reduce over the 8 GPUs of one HGX node: exactly what the estimator's closed form charges.
  const ClusterSpec cluster = MakeClusterSpec("hgx-h100", "", 8);
  const double expected = HierarchicalCollectiveTime(CollectiveOp::kAllReduce, fleetsim::Bytes(1048576.0),
                                                     GroupLevels(cluster).Levels(8, 1))
                              .value();
  // (The event engine keeps time in whole nanoseconds.)
  EXPECT_NEAR(j.at("step_time_s").get<double>(), expected, 1e-9);
  for (const nlohmann::json& r : j.at("ranks")) EXPECT_NEAR(r.at("end_s").get<double>(), expected, 1e-9);
}

TEST(Issue10Chakra, AstraSimAllToAllRunsAcrossTwoNodes) {
  SKIP_WITHOUT_SHARED_TRACES();
  const nlohmann::json j = Replay({"--chakra", kTraces + "astra-sim-all-to-all-16npus-1MB", "--node", "hgx-h100"});
  ASSERT_EQ(j.at("ranks").size(), 16u);
  // Ranks are ordered by the number in the file name (all_to_all.10.et after all_to_all.9.et).
  EXPECT_NE(j.at("ranks")[10].at("file").get<std::string>().find("all_to_all.10.et"), std::string::npos);
  // 16 GPUs span two 8-GPU nodes: the all-to-all is priced on both levels, as the estimator prices expert
  // parallelism's.
  const ClusterSpec cluster = MakeClusterSpec("hgx-h100", "", 16);
  const double expected =
      HierarchicalCollectiveTime(CollectiveOp::kAllToAll, fleetsim::Bytes(1048576.0),
                                 GroupLevels(cluster).Levels(16, 1, GroupLevels::Traffic::kAllToAll))
          .value();
  EXPECT_NEAR(j.at("step_time_s").get<double>(), expected, 1e-9);
}

TEST(Issue10Chakra, ARealPyTorchTraceRuns) {
  SKIP_WITHOUT_SHARED_TRACES();
  const nlohmann::json j = Replay({"--chakra", kTraces + "pytorch-1rank/chakra.0.et", "--node", "hgx-h100"});
  ASSERT_EQ(j.at("ranks").size(), 1u);
  const nlohmann::json& r = j.at("ranks")[0];
  EXPECT_GT(r.at("ops").get<int64_t>(), 3000);
  EXPECT_GT(r.at("compute_busy_s").get<double>(), 0.1);  // its recorded kernels: about 0.3 s
  EXPECT_GE(j.at("step_time_s").get<double>(), r.at("compute_busy_s").get<double>());
  EXPECT_EQ(j.at("collectives_per_rank"), 7);
  // Its collectives priced for a job of 64 ranks take time (for one rank they are free); they run beside the
  // kernels.
  const nlohmann::json wide =
      Replay({"--chakra", kTraces + "pytorch-1rank/chakra.0.et", "--node", "hgx-h100", "--count", "64"});
  EXPECT_EQ(r.at("comm_busy_s").get<double>(), 0.0);
  EXPECT_GT(wide.at("ranks")[0].at("comm_busy_s").get<double>(), 0.0);
  EXPECT_GE(wide.at("step_time_s").get<double>(), j.at("step_time_s").get<double>());
}

TEST(Issue10Chakra, OurOwnTraceRunsAndATruncatedCopyFailsNamingTheFileAndOperation) {
  const nlohmann::json j = Replay({"--chakra", kOwnTrace, "--node", "hgx-h100", "--count", "16"});
  EXPECT_EQ(j.at("collectives_per_rank"), 1);
  EXPECT_EQ(j.at("transfers"), 1);
  std::vector<std::string> sources = {kOwnTrace};
  if (std::filesystem::exists(kTraces)) sources.push_back(kTraces + "pytorch-1rank/chakra.0.et");
  for (const std::string& source : sources) {
    const std::string bytes = Bytes(source);
    ASSERT_GT(bytes.size(), 100u);
    const std::string path = testing::WriteTempFile("truncated.et", bytes.substr(0, bytes.size() * 2 / 3));
    const testing::CliRun r = testing::RunFleetsim({"simulate", "--chakra", path, "--node", "hgx-h100"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(path + ": error:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("after node id"), std::string::npos) << r.err;
  }
}

TEST(Issue10Chakra, MalformedInputsAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty.et", ""},
      {"text.et", "cluster:\n  accelerator: h100\n"},
      {"huge-length.et", std::string("\xff\xff\xff\xff\x0f", 5) + "abc"},
  };
  for (const auto& [name, text] : cases) {
    const std::string path = testing::WriteTempFile(name, text);
    const testing::CliRun r = testing::RunFleetsim({"simulate", "--chakra", path, "--node", "hgx-h100"});
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  }
  const testing::CliRun no_node = testing::RunFleetsim({"simulate", "--chakra", kOwnTrace});
  EXPECT_EQ(no_node.code, 2);
  EXPECT_NE(no_node.err.find("--node"), std::string::npos);
  const testing::CliRun missing =
      testing::RunFleetsim({"simulate", "--chakra", "/nonexistent.et", "--node", "hgx-h100"});
  EXPECT_EQ(missing.code, 2);
}

// Writes a trace of our own with the generated classes: the same wire format other tools read and write.
std::string Trace(const std::vector<chakra::Node>& nodes) {
  std::ostringstream out;
  chakra::GlobalMetadata meta;
  meta.set_version("0.0.4");
  google::protobuf::util::SerializeDelimitedToOstream(meta, &out);
  for (const chakra::Node& n : nodes) google::protobuf::util::SerializeDelimitedToOstream(n, &out);
  return out.str();
}

chakra::Node Node(uint64_t id, chakra::NodeType type, uint64_t micros, std::vector<uint64_t> deps = {}) {
  chakra::Node n;
  n.set_id(id);
  n.set_name("op" + std::to_string(id));
  n.set_type(type);
  n.set_duration_micros(micros);
  for (uint64_t d : deps) n.add_data_deps(d);
  auto* cpu = n.add_attr();
  cpu->set_name("is_cpu_op");
  cpu->set_bool_val(false);
  return n;
}

void Attr(chakra::Node& n, const std::string& name, int64_t v) {
  auto* a = n.add_attr();
  a->set_name(name);
  a->set_int64_val(v);
}

TEST(Issue10Chakra, SendAndReceivePairUpAndDependenciesOrderTheWork) {
  // Rank 0: 100 us of compute, then sends 8 MB to rank 1; rank 1 receives it, then computes 50 us.
  chakra::Node send = Node(2, chakra::COMM_SEND_NODE, 0, {1});
  Attr(send, "comm_dst", 1);
  Attr(send, "comm_size", 8 << 20);
  chakra::Node recv = Node(1, chakra::COMM_RECV_NODE, 0);
  Attr(recv, "comm_src", 0);
  Attr(recv, "comm_size", 8 << 20);
  const ChakraTrace r0 = ParseChakraTrace(Trace({Node(1, chakra::COMP_NODE, 100), send}), "r0.et");
  const ChakraTrace r1 = ParseChakraTrace(Trace({recv, Node(2, chakra::COMP_NODE, 50, {1})}), "r1.et");
  const ClusterSpec cluster = MakeClusterSpec("hgx-h100", "", 2);
  const ChakraReplayResult r = ReplayChakra({r0, r1}, cluster);
  const double transfer = FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect,
                                             fleetsim::Bytes(8 << 20), GroupLevels(cluster).PeerLevel(1))
                              .value();
  EXPECT_NEAR(r.ranks[0].end_s, 100e-6 + transfer, 1e-9);
  EXPECT_NEAR(r.ranks[1].end_s, 100e-6 + transfer + 50e-6, 1e-9);
  EXPECT_EQ(r.transfers, 2);
}

TEST(Issue10Chakra, RanksThatDisagreeOnACollectiveAreNamed) {
  chakra::Node a = Node(1, chakra::COMM_COLL_NODE, 0);
  Attr(a, "comm_type", chakra::ALL_REDUCE);
  Attr(a, "comm_size", 1 << 20);
  chakra::Node b = Node(1, chakra::COMM_COLL_NODE, 0);
  Attr(b, "comm_type", chakra::ALL_TO_ALL);
  Attr(b, "comm_size", 1 << 20);
  const ClusterSpec cluster = MakeClusterSpec("hgx-h100", "", 2);
  try {
    ReplayChakra({ParseChakraTrace(Trace({a}), "r0.et"), ParseChakraTrace(Trace({b}), "r1.et")}, cluster);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "r1.et");
    EXPECT_NE(e.message().find("disagree"), std::string::npos) << e.message();
  }
  // A collective without its size is refused when read, naming the node.
  chakra::Node c = Node(7, chakra::COMM_COLL_NODE, 0);
  Attr(c, "comm_type", chakra::ALL_REDUCE);
  try {
    ParseChakraTrace(Trace({c}), "r2.et");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("node id 7"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("comm_size"), std::string::npos) << e.message();
  }
}

TEST(Issue10Chakra, AReceiveNobodySendsIsAStallNotAHang) {
  chakra::Node recv = Node(1, chakra::COMM_RECV_NODE, 0);
  Attr(recv, "comm_src", 1);
  Attr(recv, "comm_size", 1024);
  const ClusterSpec cluster = MakeClusterSpec("hgx-h100", "", 2);
  try {
    ReplayChakra({ParseChakraTrace(Trace({recv}), "r0.et"),
                  ParseChakraTrace(Trace({Node(1, chakra::COMP_NODE, 10)}), "r1.et")},
                 cluster);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "r0.et");
    EXPECT_NE(e.message().find("stalled"), std::string::npos) << e.message();
  }
}

// Llama 3 70B, tp8 pp4 dp2 vpp2 on 64 H100 at ZeRO stage `zero`, simulated with its step exported as Chakra
// traces into a fresh folder `name` under the temporary directory; returns the simulated step time.
double ExportStep(const std::string& name, int zero, std::filesystem::path& dir) {
  const std::string scenario = testing::WriteTempFile(
      name + ".yaml",
      "name: export\n"
      "cluster: {accelerator: h100, count: 64}\n"
      "model: llama3-70b\n"
      "training: {seq_len: 4096, global_batch: 16, micro_batch: 1, recompute: none, zero: " +
          std::to_string(zero) +
          ",\n"
          "           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 2}}\n");
  dir = std::filesystem::temp_directory_path() / "fleetsim-tests" / name;
  std::filesystem::remove_all(dir);
  return Replay({scenario, "--export-chakra", dir.string()}).value("step_time_s", 0.0);
}

// `simulate --export-chakra DIR` writes the step fleetsim simulated as one trace per stage; the traces read back
// with the reader above and replay with `simulate --chakra` to about the simulated step time.
TEST(Issue10Chakra, ExportedStepReadsBackAndReplays) {
  std::filesystem::path dir;
  const double simulated = ExportStep("issue10-export", 1, dir);
  ASSERT_GT(simulated, 0.0);
  // Four stages, each with 2 x 8 micro-batches x 2 chunks passes, the pipeline transfers (a send for every pass
  // that hands on its output, a receive for every pass that takes one), 2 gathers and 2 reductions, each
  // reduction in one bucket per layer of its chunk (80 layers / 8 chunks).
  const std::vector<std::string> files = ChakraTraceFiles(dir.string());
  ASSERT_EQ(files.size(), 4u);
  int64_t sends = 0, receives = 0;
  for (const std::string& f : files) {
    const ChakraTrace t = ReadChakraTrace(f);
    int64_t passes = 0, collectives = 0;
    for (const TraceOp& op : t.ops) {
      passes += op.kind == TraceOpKind::kCompute;
      collectives += op.kind == TraceOpKind::kCollective;
      sends += op.kind == TraceOpKind::kSend;
      receives += op.kind == TraceOpKind::kRecv;
    }
    EXPECT_EQ(passes, 32) << f;
    EXPECT_EQ(collectives, 2 + 2 * 10) << f;
  }
  // Every pass hands on its output except the last virtual stage's forwards and the first one's backwards:
  // 2 x 8 x 8 virtual stages - 2 x 8.
  EXPECT_EQ(sends, 2 * 8 * 8 - 2 * 8);
  EXPECT_EQ(receives, sends);
  const double replayed =
      Replay({"--chakra", dir.string(), "--node", "hgx-h100", "--count", "64"}).value("step_time_s", 0.0);
  std::printf("simulated step %.4f s; its Chakra export replayed %.4f s\n", simulated, replayed);
  // The replay prices the data-parallel collectives over the whole job and runs them after the stage's last
  // pipeline send, on the transfers' stream: a little slower, not another step.
  EXPECT_NEAR(replayed / simulated, 1.0, 0.15);
}

TEST(Issue10Chakra, AZeroThreeExportReplaysToo) {
  // ZeRO-3 gathers and reduces every micro-batch, at times that differ from stage to stage: each stage's
  // collectives are its own data-parallel group's (pg_name data_parallel.stageS), so the replay matches them
  // within the stage, not across files (before, such an export stalled: the k-th collectives of the stages were
  // a gather on one and a reduction on another).
  std::filesystem::path dir;
  const double simulated = ExportStep("issue10-zero3", 3, dir);
  ASSERT_GT(simulated, 0.0);
  const double replayed =
      Replay({"--chakra", dir.string(), "--node", "hgx-h100", "--count", "64"}).value("step_time_s", 0.0);
  std::printf("ZeRO-3: simulated step %.4f s; its Chakra export replayed %.4f s\n", simulated, replayed);
  EXPECT_NEAR(replayed / simulated, 1.0, 0.15);
}

TEST(Issue10Chakra, ExportToAPathThatCannotBeWrittenIsAnError) {
  const std::string scenario = testing::WriteTempFile(
      "issue10-export-bad.yaml",
      "name: export\n"
      "cluster: {accelerator: h100, count: 64}\n"
      "model: llama3-70b\n"
      "training: {seq_len: 4096, global_batch: 16, micro_batch: 1, recompute: none, zero: 1,\n"
      "           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 1}}\n");
  const std::string file = testing::WriteTempFile("issue10-not-a-folder", "x");
  const auto r = testing::RunFleetsim({"simulate", scenario, "--export-chakra", file + "/sub"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--export-chakra"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleetsim
