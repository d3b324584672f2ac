#include "fleetsim/simulate/perfetto_trace.h"

#include <fmt/format.h>

#include <cmath>

namespace fleetsim {
namespace {

const char* PassName(PassKind k) {
  switch (k) {
    case PassKind::kForward:
      return "F";
    case PassKind::kBackward:
      return "B";
    case PassKind::kWeightGrad:
      return "W";
  }
  return "?";
}

// A collective inside a pass: its short name (span titles) and what it is (span arguments).
struct CollectiveNames {
  const char* short_name;
  const char* what;
};

CollectiveNames NamesOf(PassCollective op) {
  switch (op) {
    case PassCollective::kTensorParallel:
      return {"TP", "tensor-parallel gather/scatter of the layer's activations"};
    case PassCollective::kContextParallel:
      return {"CP", "context-parallel key/value exchange"};
    case PassCollective::kExpertParallel:
      return {"EP", "expert-parallel all-to-all"};
    case PassCollective::kNone:
      break;
  }
  return {"?", "?"};
}

// Microseconds, rounded to nanoseconds so that the text is the same on every run and platform.
double Micros(double seconds) { return std::round(seconds * 1e9) / 1e3; }

}  // namespace

nlohmann::json ChromeTrace(const StepSimulation& sim, const Plan& plan, const PipelineCosts& costs) {
  nlohmann::json events = nlohmann::json::array();
  const int64_t devices_per_stage = static_cast<int64_t>(plan.tp) * plan.cp * plan.dp;
  // A thread for the collectives inside passes and one for the optimizer, on the stages that have them.
  std::vector<bool> in_pass(sim.stages.size(), false);
  std::vector<bool> optimizer(sim.stages.size(), false);
  for (const SimSpan& span : sim.spans) {
    if (span.stream == 2) in_pass[static_cast<size_t>(span.stage)] = true;
    if (span.stream == 3) optimizer[static_cast<size_t>(span.stage)] = true;
  }
  for (size_t s = 0; s < sim.stages.size(); ++s) {
    const int pid = static_cast<int>(s);
    events.push_back({{"ph", "M"},
                      {"name", "process_name"},
                      {"pid", pid},
                      {"args",
                       {{"name", fmt::format("stage {} ({} layers; represents {} devices)", s,
                                             sim.stages[s].layers, devices_per_stage)}}}});
    auto thread = [&](int tid, const char* name) {
      events.push_back(
          {{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
    };
    thread(0, "compute");
    thread(1, "data-parallel comm");
    if (in_pass[s]) thread(2, "collectives inside passes (TP, CP, EP)");
    if (optimizer[s]) thread(3, "optimizer");
  }
  const int chunks = plan.vpp > 1 && sim.schedule == PipelineSchedule::kInterleaved ? plan.vpp : 1;
  const int buckets = ReductionBuckets(costs, plan.pp, chunks);
  for (const SimSpan& span : sim.spans) {
    nlohmann::json e{{"ph", "X"},
                     {"pid", span.stage},
                     {"tid", span.stream},
                     {"ts", Micros(span.start_s)},
                     {"dur", Micros(span.duration_s)}};
    if (span.stream == 0) {
      e["name"] = fmt::format("{}{} c{}", PassName(span.kind), span.micro_batch, span.chunk);
      e["cat"] = "compute";
      e["args"] = {{"micro_batch", span.micro_batch}, {"chunk", span.chunk}};
    } else if (span.stream == 3) {
      e["name"] = "optimizer step";
      e["cat"] = "compute";
    } else if (span.stream == 2) {
      const CollectiveNames names = NamesOf(span.op);
      e["name"] = fmt::format("{} L{} {}{}", names.short_name, span.layer, PassName(span.kind), span.micro_batch);
      e["cat"] = "collective";
      e["args"] = {{"collective", names.what},
                   {"pass", fmt::format("{}{} c{}", PassName(span.kind), span.micro_batch, span.chunk)},
                   {"layer", span.layer},
                   {"bytes", span.bytes}};
    } else {
      e["name"] = span.reduce ? fmt::format("gradient reduce c{}", span.chunk)
                              : fmt::format("parameter gather c{}", span.chunk);
      e["cat"] = "collective";
      e["args"] = {{"chunk", span.chunk},
                   {"collective", span.reduce ? (plan.zero == 0 ? "all-reduce" : "reduce-scatter") : "all-gather"},
                   {"bytes", (span.reduce ? costs.dp_reduce_bytes / buckets : costs.dp_gather_bytes) / chunks},
                   {"ranks", costs.dp_ranks}};
    }
    events.push_back(std::move(e));
  }
  return {{"traceEvents", events},
          {"displayTimeUnit", "ms"},
          {"otherData",
           {{"schedule", PipelineScheduleName(sim.schedule)},
            {"step_time_s", sim.step_time.value()},
            {"truncated", sim.spans_truncated}}}};
}

}  // namespace fleetsim
