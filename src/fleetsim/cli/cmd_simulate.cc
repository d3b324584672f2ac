// `fleetsim simulate S.yaml [--schedule S] [--trace T.json]`: one training step executed on the event engine,
// pass by pass with its real pipeline schedule (docs/simulate.md), printed in the estimate's keys, beside the
// estimate, with the time each stage's streams are busy and the stage that sets the step.
#include <fmt/format.h>

#include <algorithm>

#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

#include <chrono>

#include "fleetsim/chakra/chakra_export.h"
#include "fleetsim/chakra/chakra_replay.h"
#include "fleetsim/chakra/chakra_trace.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/cli/terminal_progress.h"
#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/simulate/perfetto_trace.h"
#include "fleetsim/simulate/simulate_scenario.h"

namespace fleetsim {
namespace {

struct SimulateCliOptions {
  CommonOptions common;
  std::string path;
  std::string schedule;
  std::string trace;
  std::string export_chakra;  // a folder: write the step's operation graph as Chakra traces
  int steps = 0;              // 0: the scenario's simulation.steps
  // Chakra replay: traces (files or directories), the cluster they run on, and the job's ranks.
  std::vector<std::string> chakra;
  std::string node;
  std::string fabric;
  int64_t count = 0;
};

int RunChakra(const SimulateCliOptions& o, std::ostream& out) {
  if (o.node.empty()) throw InputError("--node", 0, "--chakra needs --node: the catalog node the traces run on");
  std::vector<ChakraTrace> traces;
  for (const std::string& arg : o.chakra) {
    for (const std::string& file : ChakraTraceFiles(arg)) traces.push_back(ReadChakraTrace(file));
  }
  const int64_t ranks = std::max<int64_t>(o.count, static_cast<int64_t>(traces.size()));
  const ClusterSpec cluster = MakeClusterSpec(o.node, o.fabric, ranks, *o.common.LoadCatalog());
  const auto start = std::chrono::steady_clock::now();
  const ChakraReplayResult r = ReplayChakra(traces, cluster, ranks);
  std::cerr << fmt::format("simulate: {} events in {:.3f} s of host time\n", r.events,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (o.common.Format() == OutputFormat::kJson) {
    nlohmann::json ranks_json = nlohmann::json::array();
    for (const RankReplay& k : r.ranks) {
      ranks_json.push_back({{"file", k.file},
                            {"ops", k.ops},
                            {"end_s", k.end_s},
                            {"compute_busy_s", k.compute_busy_s},
                            {"host_busy_s", k.host_busy_s},
                            {"comm_busy_s", k.comm_busy_s},
                            {"accelerator_idle_s", k.accelerator_idle_s}});
    }
    out << nlohmann::json{{"traces", traces.size()},
                          {"job_ranks", r.job_ranks},
                          {"node", cluster.node.id},
                          {"fabric", cluster.fabric.id},
                          {"step_time_s", r.makespan_s},
                          {"collectives_per_rank", r.collectives},
                          {"transfers", r.transfers},
                          {"missing_dependencies", r.missing_deps},
                          {"forward_dependencies", r.forward_deps},
                          {"events", r.events},
                          {"ranks", ranks_json}}
               .dump(2)
        << "\n";
    return 0;
  }
  Table t({"rank trace", "ops", "ends at", "accelerator busy", "host busy", "comm busy", "accelerator idle"});
  for (const RankReplay& k : r.ranks) {
    t.AddRow({k.file, std::to_string(k.ops), FormatDuration(Seconds(k.end_s)),
              FormatDuration(Seconds(k.compute_busy_s)), FormatDuration(Seconds(k.host_busy_s)),
              FormatDuration(Seconds(k.comm_busy_s)), FormatDuration(Seconds(k.accelerator_idle_s))});
  }
  if (o.common.Format() == OutputFormat::kCsv) {
    out << t.RenderCsv();
    return 0;
  }
  out << fmt::format("Chakra replay: {} trace(s) as {} ranks on {} x {} ({} / {})\n", traces.size(), r.job_ranks,
                     cluster.count, cluster.accelerator.id, cluster.node.id, cluster.fabric.id);
  out << fmt::format("step time {} ; {} collective(s) per rank, {} transfer(s); {} events\n",
                     FormatDuration(Seconds(r.makespan_s)), r.collectives, r.transfers, r.events);
  if (r.forward_deps > 0) {
    out << fmt::format(
        "{} dependencies point to the operation itself or to a later one (a cycle the trace's "
        "converter left): ignored\n",
        r.forward_deps);
  }
  if (r.missing_deps > 0) {
    out << fmt::format(
        "{} dependencies name operations no trace holds (filtered by the trace's converter): "
        "ignored\n",
        r.missing_deps);
  }
  out << "\n" << t.RenderText();
  return 0;
}

nlohmann::json StagesJson(const StepSimulation& sim) {
  nlohmann::json stages = nlohmann::json::array();
  for (size_t s = 0; s < sim.stages.size(); ++s) {
    const StageActivity& a = sim.stages[s];
    stages.push_back({{"stage", s},
                      {"layers", a.layers},
                      {"compute_busy_s", a.compute_busy.value()},
                      {"waiting_s", a.waiting.value()},
                      {"comm_busy_s", a.comm_busy.value()},
                      {"nic_contention_s", a.nic_contention.value()},
                      {"end_s", a.end.value()}});
  }
  return stages;
}

struct StepTimes {
  double mean = 0, min = 0, max = 0, total = 0;
};

StepTimes Summarize(const std::vector<double>& times) {
  StepTimes t;
  if (times.empty()) return t;
  t.min = *std::min_element(times.begin(), times.end());
  t.max = *std::max_element(times.begin(), times.end());
  for (double v : times) t.total += v;
  t.mean = t.total / static_cast<double>(times.size());
  return t;
}

std::string Text(const Scenario& s, const ScenarioSimulation& r) {
  std::string out = StepResultText(s, r.simulated);
  const StepSimulation& sim = r.step;
  out += fmt::format("\nsimulated: {} schedule, {} events; estimate {:.4f} s, simulation {:.4f} s ({:+.1f}%)\n",
                     PipelineScheduleName(sim.schedule), sim.events, r.estimate.step_time.value(),
                     sim.step_time.value(), 100.0 * (sim.step_time / r.estimate.step_time - 1.0));
  if (r.stragglers > 0) {
    out += fmt::format(
        "stragglers: {} device(s) slower; {} data-parallel replica(s) hold one and were simulated; "
        "every replica waits for the slowest at the gradient reduction\n",
        r.stragglers, r.slow_replicas_simulated);
  }
  for (const CommChange& c : r.comm_changes) {
    const auto [lo, hi] = std::minmax_element(c.factor.begin(), c.factor.end());
    const bool neighbour = c.at_s == 0 && s.simulation && s.simulation->neighbour && &c == &r.comm_changes.front();
    out += fmt::format(
        "{}: the data-parallel collectives {} take x{:.3f} to x{:.3f} (per stage, on the flow network "
        "against this job alone on a healthy fabric)",
        neighbour ? "fabric shared with the neighbour job" : fmt::format("fabric failure at {:.4g} s", c.at_s),
        neighbour ? "(all of them, both jobs reducing at once)" : "that start after it", *lo, *hi);
    if (!c.ep_factor.empty()) {
      const auto [elo, ehi] = std::minmax_element(c.ep_factor.begin(), c.ep_factor.end());
      out += fmt::format("; the expert-parallel all-to-alls x{:.3f} to x{:.3f}", *elo, *ehi);
    }
    if (!c.pp_factor.empty()) {
      const auto [plo, phi] = std::minmax_element(c.pp_factor.begin(), c.pp_factor.end());
      out += fmt::format("; the pipeline transfers x{:.3f} to x{:.3f}", *plo, *phi);
    }
    out += "\n";
  }
  if (r.step_times_s.size() > 1) {
    const StepTimes t = Summarize(r.step_times_s);
    out += fmt::format(
        "{} steps: mean {:.4f} s, min {:.4f} s, max {:.4f} s, {:.4f} s in all (stragglers drawn again each "
        "step; the tables are the first step's)\n",
        r.step_times_s.size(), t.mean, t.min, t.max, t.total);
  }
  out += fmt::format("critical path: stage {} ends last (its passes, then its data-parallel collectives)\n\n",
                     sim.critical_stage);
  Table t({"stage", "layers", "compute busy", "waiting", "dp comm busy", "ends at"});
  for (size_t i = 0; i < sim.stages.size(); ++i) {
    const StageActivity& a = sim.stages[i];
    t.AddRow({fmt::format("{}{}", i, static_cast<int>(i) == sim.critical_stage ? " *" : ""),
              fmt::format("{}", a.layers), fmt::format("{:.4f} s", a.compute_busy.value()),
              fmt::format("{:.4f} s", a.waiting.value()), fmt::format("{:.4f} s", a.comm_busy.value()),
              fmt::format("{:.4f} s", a.end.value())});
  }
  return out + t.RenderText();
}

int Run(const SimulateCliOptions& o, std::ostream& out) {
  if (!o.chakra.empty()) {
    if (!o.path.empty()) throw InputError("--chakra", 0, "give a scenario file or --chakra traces, not both");
    return RunChakra(o, out);
  }
  if (o.path.empty()) throw InputError("", 0, "simulate: give a scenario file (or --chakra traces)");
  const Scenario s = o.common.LoadScenario(o.path);
  SimulateOptions options;
  options.record_spans = !o.trace.empty() || !o.export_chakra.empty();
  if (o.steps > 0) options.steps = o.steps;
  if (!o.schedule.empty()) {
    for (size_t i = 0; i < PipelineScheduleNames().size(); ++i) {
      if (PipelineScheduleNames()[i] == o.schedule) options.schedule = static_cast<PipelineSchedule>(i);
    }
  }
  const ScenarioSimulation r = [&] {
    TerminalProgress bar("simulate", "passes");
    options.progress = bar.Callback();
    return SimulateScenario(s, options);
  }();
  if (!o.trace.empty()) WriteOutputFile(o.trace, ChromeTrace(r.step, r.simulated.plan, r.costs).dump() + "\n");
  if (!o.export_chakra.empty()) {
    const ChakraExport e = WriteChakraTraces(o.export_chakra, s, r);
    std::cerr << fmt::format("simulate: wrote {} Chakra traces ({} operations) to {}\n", e.files, e.nodes,
                             o.export_chakra);
  }
  // Host time is the one figure that differs from run to run: it goes to stderr, stdout stays reproducible.
  std::cerr << fmt::format("simulate: {} events in {:.3f} s of host time\n", r.step.events, r.wall_s);
  switch (o.common.Format()) {
    case OutputFormat::kJson: {
      nlohmann::json j = StepResultJson(s, r.simulated);
      j["executor"] = "simulate";
      j["schedule"] = PipelineScheduleName(r.step.schedule);
      j["events"] = r.step.events;
      j["critical_stage"] = r.step.critical_stage;
      j["stages"] = StagesJson(r.step);
      j["stragglers"] = r.stragglers;
      j["fabric_changes"] = nlohmann::json::array();
      for (const CommChange& c : r.comm_changes) {
        j["fabric_changes"].push_back({{"at_s", c.at_s},
                                       {"dp_comm_factor_by_stage", c.factor},
                                       {"ep_comm_factor_by_stage", c.ep_factor},
                                       {"pp_comm_factor_by_boundary", c.pp_factor}});
      }
      j["steps"] = r.step_times_s.size();
      j["step_times_s"] = r.step_times_s;
      j["step_time_mean_s"] = Summarize(r.step_times_s).mean;
      j["estimate_step_time_s"] = r.estimate.step_time.value();
      out << j.dump(2) << "\n";
      break;
    }
    case OutputFormat::kCsv:
      out << StepResultCsv(s, r.simulated);
      break;
    case OutputFormat::kTable:
      out << Text(s, r);
      break;
  }
  return 0;
}

}  // namespace

Command AddSimulateCommand(CLI::App& root) {
  auto* cmd =
      root.add_subcommand("simulate", "one training step on the event engine, with its real pipeline schedule");
  auto o = std::make_shared<SimulateCliOptions>();
  cmd->add_option("scenario", o->path, "scenario YAML file");
  cmd->add_option("--schedule", o->schedule, "pipeline schedule (default: interleaved with vpp > 1, else 1f1b)")
      ->check(CLI::IsMember(PipelineScheduleNames()));
  cmd->add_option("--steps", o->steps,
                  "training steps to simulate (default: simulation.steps, else 1); stragglers are drawn again for "
                  "each")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--trace", o->trace, "write a Perfetto / Chrome trace-event JSON of the step to this file");
  cmd->add_option("--export-chakra", o->export_chakra,
                  "write the step's operation graph as MLCommons Chakra traces to this folder, one per pipeline "
                  "stage (fleetsim.STAGE.et)");
  cmd->add_option("--chakra", o->chakra,
                  "replay MLCommons Chakra execution traces instead of a scenario: trace files or directories of "
                  "NAME.RANK.et files");
  cmd->add_option("--node", o->node, "with --chakra: catalog node (scale-up domain) the traces run on");
  cmd->add_option("--fabric", o->fabric, "with --chakra: catalog fabric (default: the node's usual one)");
  cmd->add_option("--count", o->count,
                  "with --chakra: ranks in the job (default: one per trace; more replays the traces as "
                  "representatives of identical ranks)")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  AddCommonOptions(*cmd, o->common);
  auto run = [o](std::ostream& out) { return Run(*o, out); };
  return {cmd, run, &o->common};
}

}  // namespace fleetsim
