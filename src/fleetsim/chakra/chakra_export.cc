#include "fleetsim/chakra/chakra_export.h"

#include <fmt/format.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "fleetsim/chakra/chakra_et.pb.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/precision.h"

namespace fleetsim {
namespace {

namespace pb = ::fleetsim::chakra;

void Attr(pb::Node& n, const char* name, int64_t v) {
  pb::AttributeProto* a = n.add_attr();
  a->set_name(name);
  a->set_int64_val(v);
}

void Attr(pb::Node& n, const char* name, const std::string& v) {
  pb::AttributeProto* a = n.add_attr();
  a->set_name(name);
  a->set_string_val(v);
}

// One operation of one stage's trace before ids are given: when it happened (for the order) and what it needs.
struct Op {
  double at = 0;  // the time it is listed at: a pass's start, a send's producer's end, a receive just before
  int rank = 0;   // at the same time: a send (-2), a receive (-1), a pass (0), a collective (1)
  pb::Node node;
  std::vector<size_t> deps;  // indices into the stage's ops
};

// The virtual stage a pass hands its output to: forward to the next stage (or, from the last stage, to the first
// with the next chunk), backward to the previous one.
std::optional<std::pair<int, int>> Next(PassKind kind, int stage, int chunk, int pp, int chunks) {
  if (kind == PassKind::kForward) {
    if (stage + 1 < pp) return std::pair{stage + 1, chunk};
    if (chunk + 1 < chunks) return std::pair{0, chunk + 1};
    return std::nullopt;
  }
  if (kind == PassKind::kBackward) {
    if (stage > 0) return std::pair{stage - 1, chunk};
    if (chunk > 0) return std::pair{pp - 1, chunk - 1};
  }
  return std::nullopt;
}

}  // namespace

ChakraExport WriteChakraTraces(const std::string& dir, const Scenario& scenario, const ScenarioSimulation& sim) {
  const StepSimulation& step = sim.step;
  if (step.spans_truncated) {
    throw InputError("--export-chakra", 0,
                     "the step has more operations than a trace export keeps; lower the "
                     "global batch or raise the micro-batch");
  }
  const Plan& plan = sim.simulated.plan;
  const int pp = plan.pp;
  const int chunks = step.schedule == PipelineSchedule::kInterleaved ? std::max(1, plan.vpp) : 1;
  const int m = static_cast<int>(sim.costs.micro_batches);
  const int buckets = ReductionBuckets(sim.costs, pp, chunks);  // a chunk's gradient reduction, in buckets
  const double tokens =
      static_cast<double>(plan.micro_batch) * static_cast<double>(scenario.training.seq_len) / plan.cp;
  const auto activation =
      static_cast<int64_t>(std::llround(tokens * static_cast<double>(scenario.model.hidden) *
                                        ActivationBytes(scenario.training.precision) / plan.tp));
  auto tag = [&](PassKind kind, int mb, int chunk) {
    return (static_cast<int64_t>(kind == PassKind::kForward ? 0 : 1) * m + mb) * chunks + chunk;
  };

  std::vector<std::vector<Op>> stages(static_cast<size_t>(pp));
  // Passes first (their order on each stage is the spans' order), with the sends they produce and the receives
  // they wait for.
  std::vector<std::optional<size_t>> last_pass(static_cast<size_t>(pp));
  for (const SimSpan& span : step.spans) {
    if (span.stream != 0) continue;
    std::vector<Op>& ops = stages[static_cast<size_t>(span.stage)];
    Op pass;
    pass.at = span.start_s;
    const char* kind = span.kind == PassKind::kForward ? "F" : span.kind == PassKind::kBackward ? "B" : "W";
    pass.node.set_name(fmt::format("{} mb{} chunk{}", kind, span.micro_batch, span.chunk));
    pass.node.set_type(pb::COMP_NODE);
    pass.node.set_duration_micros(static_cast<uint64_t>(std::llround(span.duration_s * 1e6)));
    const std::optional<size_t> previous = last_pass[static_cast<size_t>(span.stage)];
    if (previous) pass.deps.push_back(*previous);
    ops.push_back(std::move(pass));
    const size_t index = ops.size() - 1;
    last_pass[static_cast<size_t>(span.stage)] = index;
    if (const auto to = Next(span.kind, span.stage, span.chunk, pp, chunks)) {
      Op send;
      send.at = span.start_s + span.duration_s;
      send.rank = -2;
      send.node.set_name(fmt::format("send {} mb{} to stage {}", kind, span.micro_batch, to->first));
      send.node.set_type(pb::COMM_SEND_NODE);
      Attr(send.node, "comm_dst", to->first);
      Attr(send.node, "comm_size", activation);
      Attr(send.node, "comm_tag", tag(span.kind, span.micro_batch, to->second));
      send.deps.push_back(index);
      ops.push_back(std::move(send));
    }
    // Its input, unless it is the first virtual stage's forward or the last one's backward.
    const bool first_forward = span.kind == PassKind::kForward && span.stage == 0 && span.chunk == 0;
    const bool last_backward =
        span.kind == PassKind::kBackward && span.stage == pp - 1 && span.chunk == chunks - 1;
    if (span.kind != PassKind::kWeightGrad && !first_forward && !last_backward) {
      const int from = span.kind == PassKind::kForward ? (span.stage > 0 ? span.stage - 1 : pp - 1)
                                                       : (span.stage + 1 < pp ? span.stage + 1 : 0);
      Op recv;
      recv.at = span.start_s;
      recv.rank = -1;
      recv.node.set_name(fmt::format("recv {} mb{} from stage {}", kind, span.micro_batch, from));
      recv.node.set_type(pb::COMM_RECV_NODE);
      Attr(recv.node, "comm_src", from);
      Attr(recv.node, "comm_size", activation);
      Attr(recv.node, "comm_tag", tag(span.kind, span.micro_batch, span.chunk));
      // Posted once the stage has finished the pass before (a receive posted at once would hold the stage's
      // communication stream, in a replay that runs it in order, ahead of the sends its peers wait for).
      if (previous) recv.deps.push_back(*previous);
      ops.push_back(std::move(recv));
      ops[index].deps.push_back(ops.size() - 1);
    }
  }
  std::vector<std::optional<size_t>> last_send(static_cast<size_t>(pp));
  for (int st = 0; st < pp; ++st) {
    const std::vector<Op>& ops = stages[static_cast<size_t>(st)];
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].node.type() == pb::COMM_SEND_NODE &&
          (!last_send[static_cast<size_t>(st)] || ops[i].at >= ops[*last_send[static_cast<size_t>(st)]].at))
        last_send[static_cast<size_t>(st)] = i;
    }
  }
  // The data-parallel collectives: a reduction after the pass that finished its gradients, a gather before the
  // first pass that starts after it.
  for (const SimSpan& span : step.spans) {
    if (span.stream != 1) continue;
    std::vector<Op>& ops = stages[static_cast<size_t>(span.stage)];
    Op coll;
    coll.at = span.start_s;
    coll.rank = 1;
    coll.node.set_name(
        fmt::format("{} chunk{}", span.reduce ? "gradient reduction" : "parameter gather", span.chunk));
    coll.node.set_type(pb::COMM_COLL_NODE);
    const int64_t type = !span.reduce ? pb::ALL_GATHER : plan.zero == 0 ? pb::ALL_REDUCE : pb::REDUCE_SCATTER;
    const double bytes = (span.reduce ? sim.costs.dp_reduce_bytes / buckets : sim.costs.dp_gather_bytes) / chunks;
    Attr(coll.node, "comm_type", type);
    Attr(coll.node, "comm_size", static_cast<int64_t>(std::llround(bytes)));
    // The stage's own data-parallel group (its replicas): no other stage's file takes part.
    Attr(coll.node, "pg_name", fmt::format("data_parallel.stage{}", span.stage));
    std::optional<size_t> producer, consumer;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].node.type() != pb::COMP_NODE) continue;
      const double end = ops[i].at + static_cast<double>(ops[i].node.duration_micros()) * 1e-6;
      if (end <= span.start_s + 1e-9 && (!producer || ops[i].at >= ops[*producer].at)) producer = i;
      // The pass that waits for a gather: under ZeRO-3 the one it was prefetched for (the next to start; it may
      // start before the gather ends, all but its last layer's share being there), else the first to start after
      // it ends.
      const double needed_after =
          sim.costs.gather_every_micro_batch ? span.start_s + 1e-9 : span.start_s + span.duration_s - 1e-9;
      if (ops[i].at >= needed_after && (!consumer || ops[i].at < ops[*consumer].at)) consumer = i;
    }
    if (span.reduce && producer) coll.deps.push_back(*producer);
    // And after the stage's last send: a consumer that runs a rank's collectives and transfers on one stream in
    // order (as `simulate --chakra` does) would otherwise hold a pipeline send behind a reduction that waits for
    // the stages still needing it.
    if (span.reduce && last_send[static_cast<size_t>(span.stage)]) {
      const size_t send = *last_send[static_cast<size_t>(span.stage)];
      coll.deps.push_back(send);
      coll.at = std::max(coll.at, ops[send].at);
    }
    ops.push_back(std::move(coll));
    if (!span.reduce && consumer) ops[*consumer].deps.push_back(ops.size() - 1);
  }

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir, 0, fmt::format("--export-chakra: cannot create the folder: {}", ec.message()));
  ChakraExport out;
  for (int s = 0; s < pp; ++s) {
    std::vector<Op>& ops = stages[static_cast<size_t>(s)];
    // Listed in time order, and at one time a send before a receive (a stage hands on its output before it
    // waits for its next input, as the step ran), a receive before the pass that needs it, collectives last:
    // every dependency names an operation listed before it, and no two stages wait for each other. Ids follow
    // that order.
    std::vector<size_t> order(ops.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return ops[a].at != ops[b].at ? ops[a].at < ops[b].at : ops[a].rank < ops[b].rank;
    });
    std::vector<uint64_t> id(ops.size());
    for (size_t k = 0; k < order.size(); ++k) id[order[k]] = k + 1;
    const std::string path = (std::filesystem::path(dir) / fmt::format("fleetsim.{}.et", s)).string();
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw InputError(path, 0, "--export-chakra: cannot write the trace file");
    pb::GlobalMetadata meta;
    meta.set_version("0.0.4");
    google::protobuf::util::SerializeDelimitedToOstream(meta, &file);
    for (size_t k : order) {
      pb::Node& node = ops[k].node;
      node.set_id(id[k]);
      for (size_t d : ops[k].deps) {
        if (id[d] < id[k]) node.add_data_deps(id[d]);
      }
      google::protobuf::util::SerializeDelimitedToOstream(node, &file);
    }
    if (!file) throw InputError(path, 0, "--export-chakra: writing the trace file failed");
    ++out.files;
    out.nodes += static_cast<int64_t>(ops.size());
  }
  return out;
}

}  // namespace fleetsim
