// `fleetsim reliability S.yaml`: failures and recovery over a whole training run (docs/reliability.md): unexpected
// interruptions by cause, effective training time ratio, time lost by kind, time to train with failures, and the
// optimal checkpoint interval; `--sweep checkpoint-interval|fleet-size` prints the curve instead.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/cli/terminal_progress.h"
#include "fleetsim/core/error.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/reliability/reliability_inputs.h"
#include "fleetsim/reliability/reliability_model.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

struct ReliabilityOptions {
  CommonOptions common;
  std::string path;
  std::string sweep;
  int64_t trials = 0;  // 0: the scenario's
  int64_t seed = -1;   // -1: the scenario's
  int points = 13;
};

// A finite number, or null (JSON has no infinity).
nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json PercentilesJson(const Percentiles& p) {
  return {{"mean", Num(p.mean)}, {"p5", Num(p.p5)}, {"p95", Num(p.p95)}};
}

std::string Duration(double s) {
  if (!std::isfinite(s)) return "-";
  if (s >= 1e6 * 86400.0) return fmt::format("{:.3e} d", s / 86400.0);
  if (s < 120.0) return fmt::format("{:.1f} s", s);
  if (s < 2 * 3600.0) return fmt::format("{:.1f} min", s / 60.0);
  if (s < 2 * 86400.0) return fmt::format("{:.2f} h", s / 3600.0);
  return fmt::format("{:.2f} d", s / 86400.0);
}

std::string Pct(double f) { return fmt::format("{:.2f}%", 100.0 * f); }

// A number for a table or CSV cell; a figure that has no finite value (the mean time to interruption of a run
// with no interruption) is left empty in CSV and shown as "-" in a table, never as "inf".
std::string Cell(double v, int decimals, OutputFormat format) {
  if (!std::isfinite(v)) return format == OutputFormat::kCsv ? "" : "-";
  return fmt::format("{:.{}f}", v, decimals);
}

nlohmann::json ResultJson(const Scenario& s, const ReliabilitySpec& spec, const ReliabilityResult& r,
                          const std::optional<Throughput>& tp) {
  nlohmann::json by_cause = nlohmann::json::object();
  nlohmann::json expected = nlohmann::json::object();
  for (const CauseResult& c : r.by_cause) {
    by_cause[c.id] = c.mean;
    expected[c.id] = c.expected;
  }
  const TimeLost& l = r.lost;
  nlohmann::json policies = nlohmann::json::array();
  for (Policy p : spec.policies) policies.push_back(std::string(PolicyName(p)));
  const CheckpointPlan& cp = r.checkpoint;
  nlohmann::json j = {
      {"scenario", s.name},
      {"accelerators", s.cluster.count},
      {"trials", r.trials},
      {"seed", spec.seed},
      {"policies", policies},
      {"replacement_assumption", ReplacementAssumption(spec)},
      {"duration_s", spec.duration ? nlohmann::json(spec.duration->value()) : nlohmann::json()},
      {"unexpected_interruptions", PercentilesJson(r.unexpected_interruptions)},
      {"planned_interruptions", r.planned_interruptions},
      {"elastic_reconfigurations", r.reconfigurations},
      {"by_cause", by_cause},
      {"by_cause_expected", expected},
      {"ettr", r.ettr.mean},
      {"ettr_percentiles", PercentilesJson(r.ettr)},
      {"goodput", r.ettr.mean},
      {"goodput_tokens_per_s", tp ? nlohmann::json(tp->tokens_per_s * r.ettr.mean) : nlohmann::json()},
      {"mtti_s", Num(r.mtti_s)},
      {"mtti_model_s", Num(r.mtti_model_s)},
      {"elapsed_s", PercentilesJson(r.elapsed_s)},
      {"useful_training_s", r.useful_s},
      {"time_lost_s",
       {{"detection", l.detection},
        {"replacement", l.replacement},
        {"restart", l.restart},
        {"restore", l.restore},
        {"recompute", l.recompute},
        {"checkpoint", l.checkpoint},
        {"degraded", l.degraded}}},
      {"time_to_train_s", spec.duration ? nlohmann::json() : PercentilesJson(r.elapsed_s)},
      {"checkpoint",
       {{"size_bytes", cp.size_bytes},
        {"write_s", cp.storage_write_s},
        {"interval_s", cp.storage_interval_s},
        {"optimal_interval_s", Num(cp.daly_s)},
        {"young_interval_s", Num(cp.young_s)},
        {"daly_interval_s", Num(cp.daly_s)},
        {"storage_mtti_s", Num(cp.storage_mtti_s)},
        {"in_memory_interval_s", cp.in_memory ? nlohmann::json(cp.memory_interval_s) : nlohmann::json()},
        {"in_memory_write_s", cp.in_memory ? nlohmann::json(cp.memory_write_s) : nlohmann::json()}}},
  };
  if (tp) j["step_time_s"] = tp->step_time.value();
  return j;
}

void PrintTable(const Scenario& s, const ReliabilitySpec& spec, const ReliabilityResult& r,
                const std::optional<Throughput>& tp, std::ostream& out) {
  std::string policies;
  for (Policy p : spec.policies) policies += (policies.empty() ? "" : ", ") + std::string(PolicyName(p));
  out << fmt::format("{}: {} x {}, {} trials, seed {}, policies: {}\n", s.name, s.cluster.count,
                     s.cluster.accelerator.id, r.trials, spec.seed, policies);
  out << (spec.duration ? fmt::format("run of {}\n", Duration(spec.duration->value()))
                        : fmt::format("run until {:.3g} tokens are trained\n", *s.training.tokens));
  out << "replacement: " << ReplacementAssumption(spec) << "\n\n";

  Table summary({"metric", "mean", "p5", "p95"});
  const Percentiles& u = r.unexpected_interruptions;
  summary.AddRow({"unexpected interruptions", fmt::format("{:.1f}", u.mean), fmt::format("{:.0f}", u.p5),
                  fmt::format("{:.0f}", u.p95)});
  summary.AddRow({"planned interruptions", fmt::format("{:.1f}", r.planned_interruptions), "", ""});
  summary.AddRow({"effective training time ratio", Pct(r.ettr.mean), Pct(r.ettr.p5), Pct(r.ettr.p95)});
  summary.AddRow({"mean time to interruption", Duration(r.mtti_s), "", ""});
  summary.AddRow({spec.duration ? "elapsed" : "time to train", Duration(r.elapsed_s.mean),
                  Duration(r.elapsed_s.p5), Duration(r.elapsed_s.p95)});
  if (tp) {
    summary.AddRow({"goodput", fmt::format("{:.4g} tokens/s", tp->tokens_per_s * r.ettr.mean), "", ""});
  }
  if (r.reconfigurations > 0)
    summary.AddRow({"elastic grow-backs", fmt::format("{:.1f}", r.reconfigurations), "", ""});
  out << summary.RenderText() << "\n";

  const double elapsed = r.elapsed_s.mean;
  Table lost({"time", "mean", "share"});
  const TimeLost& l = r.lost;
  const std::pair<const char*, double> rows[] = {{"useful training", r.useful_s},
                                                 {"detection", l.detection},
                                                 {"replacement and waits", l.replacement},
                                                 {"restart", l.restart},
                                                 {"restore", l.restore},
                                                 {"recomputation", l.recompute},
                                                 {"checkpoint writes", l.checkpoint},
                                                 {"degraded (elastic)", l.degraded}};
  for (const auto& [name, v] : rows) lost.AddRow({name, Duration(v), Pct(elapsed > 0 ? v / elapsed : 0.0)});
  out << lost.RenderText() << "\n";

  Table causes({"cause", "interruptions", "expected", "share"});
  for (const CauseResult& c : r.by_cause) {
    if (c.expected <= 0.0 && c.mean <= 0.0) continue;
    const double share = c.planned || u.mean <= 0 ? 0.0 : c.mean / u.mean;
    causes.AddRow({c.id + (c.planned ? " (planned)" : ""), fmt::format("{:.1f}", c.mean),
                   fmt::format("{:.1f}", c.expected), c.planned ? "-" : Pct(share)});
  }
  out << causes.RenderText() << "\n";

  const CheckpointPlan& cp = r.checkpoint;
  out << fmt::format("checkpoint: {:.3g} GB in {} to storage, every {} (Young 1974: {}, Daly 2006: {})\n",
                     cp.size_bytes / 1e9, Duration(cp.storage_write_s), Duration(cp.storage_interval_s),
                     Duration(cp.young_s), Duration(cp.daly_s));
  if (cp.in_memory) {
    out << fmt::format("in-memory checkpoint: {} per copy, every {}; every {} to storage\n",
                       Duration(cp.memory_write_s), Duration(cp.memory_interval_s), cp.memory_per_storage);
  }
}

void PrintCsv(const ReliabilityResult& r, std::ostream& out) {
  Table t({"metric", "mean", "p5", "p95"});
  auto row = [&](const std::string& name, const Percentiles& p) {
    t.AddRow({name, fmt::format("{:.6g}", p.mean), fmt::format("{:.6g}", p.p5), fmt::format("{:.6g}", p.p95)});
  };
  auto single = [&](const std::string& name, double v) {
    t.AddRow({name, std::isfinite(v) ? fmt::format("{:.6g}", v) : "", "", ""});
  };
  row("unexpected_interruptions", r.unexpected_interruptions);
  single("planned_interruptions", r.planned_interruptions);
  row("ettr", r.ettr);
  single("mtti_s", r.mtti_s);
  row("elapsed_s", r.elapsed_s);
  single("useful_training_s", r.useful_s);
  single("time_lost_detection_s", r.lost.detection);
  single("time_lost_replacement_s", r.lost.replacement);
  single("time_lost_restart_s", r.lost.restart);
  single("time_lost_restore_s", r.lost.restore);
  single("time_lost_recompute_s", r.lost.recompute);
  single("time_lost_checkpoint_s", r.lost.checkpoint);
  single("time_lost_degraded_s", r.lost.degraded);
  single("checkpoint_interval_s", r.checkpoint.storage_interval_s);
  single("optimal_checkpoint_interval_s", r.checkpoint.daly_s);
  for (const CauseResult& c : r.by_cause) single("by_cause." + c.id, c.mean);
  out << t.RenderCsv();
}

// One point of a sweep curve.
struct SweepPoint {
  double x = 0.0;
  ReliabilityResult result;
};

void PrintSweep(const std::string& sweep, const std::vector<SweepPoint>& points, OutputFormat format,
                std::ostream& out) {
  const bool interval = sweep == "checkpoint-interval";
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const SweepPoint& p : points) {
      const ReliabilityResult& r = p.result;
      rows.push_back({{interval ? "checkpoint_interval_s" : "accelerators", p.x},
                      {"ettr", r.ettr.mean},
                      {"ettr_p5", r.ettr.p5},
                      {"ettr_p95", r.ettr.p95},
                      {"unexpected_interruptions", r.unexpected_interruptions.mean},
                      {"mtti_s", Num(r.mtti_s)},
                      {"recompute_s", r.lost.recompute},
                      {"checkpoint_s", r.lost.checkpoint},
                      {"optimal_interval_s", Num(r.checkpoint.daly_s)},
                      {"elapsed_s", r.elapsed_s.mean}});
    }
    out << nlohmann::json{{"sweep", sweep}, {"rows", rows}}.dump(2) << "\n";
    return;
  }
  Table t({interval ? "interval_s" : "accelerators", "ettr", "ettr_p5", "ettr_p95", "interruptions", "mtti_s",
           "recompute_s", "checkpoint_s", "optimal_interval_s"});
  for (const SweepPoint& p : points) {
    const ReliabilityResult& r = p.result;
    t.AddRow({fmt::format("{:.6g}", p.x), fmt::format("{:.5f}", r.ettr.mean), fmt::format("{:.5f}", r.ettr.p5),
              fmt::format("{:.5f}", r.ettr.p95), fmt::format("{:.1f}", r.unexpected_interruptions.mean),
              Cell(r.mtti_s, 0, format), fmt::format("{:.0f}", r.lost.recompute),
              fmt::format("{:.0f}", r.lost.checkpoint), Cell(r.checkpoint.daly_s, 0, format)});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
}

std::vector<SweepPoint> Sweep(const Scenario& s, const ReliabilitySpec& spec, const std::optional<Throughput>& tp,
                              const std::string& sweep, int n) {
  std::vector<SweepPoint> points;
  if (sweep == "checkpoint-interval") {
    // Log-spaced from a quarter to four times the optimum for this fleet.
    const ReliabilityModel base(spec, MakeReliabilityInputs(s, spec, tp));
    const double opt = base.checkpoint().daly_s;
    for (int i = 0; i < n; ++i) {
      const double x = opt * std::pow(16.0, n == 1 ? 0.0 : static_cast<double>(i) / (n - 1) - 0.5);
      ReliabilitySpec swept = spec;
      if (swept.Has(Policy::kInMemory)) {
        swept.checkpoint.in_memory_interval = Seconds(x);
        swept.checkpoint.interval = Seconds(x);
      } else {
        swept.checkpoint.interval = Seconds(x);
      }
      points.push_back({x, ReliabilityModel(swept, MakeReliabilityInputs(s, swept, tp)).Run()});
    }
    return points;
  }
  // Fleet size: from 1/16 to 4 times the scenario's count, in whole scale-up domains.
  const int64_t node = s.cluster.node.size;
  for (int i = 0; i < n; ++i) {
    const double f = std::pow(64.0, n == 1 ? 0.0 : static_cast<double>(i) / (n - 1)) / 16.0;
    const int64_t count =
        std::max<int64_t>(node, std::llround(static_cast<double>(s.cluster.count) * f / node) * node);
    if (!points.empty() && points.back().x == static_cast<double>(count)) continue;
    ReliabilitySpec swept = spec;
    swept.spares = std::min(swept.spares, count / node);
    points.push_back(
        {static_cast<double>(count), ReliabilityModel(swept, MakeReliabilityInputs(s, swept, tp, count)).Run()});
  }
  return points;
}

// Runs `f`; an InputError about the run as a whole (the event cap, failures faster than recovery) is given the
// scenario's file name.
template <class F>
auto InScenario(const std::string& path, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    throw InputError(path, 0, e.message());
  }
}

int RunReliability(const ReliabilityOptions& o, std::ostream& out) {
  const Scenario s = o.common.LoadScenario(o.path);
  if (!s.reliability) {
    throw InputError(o.path, 1, "the scenario has no `reliability:` section (docs/reliability.md)");
  }
  ReliabilitySpec spec = *s.reliability;
  if (o.trials > 0) spec.trials = o.trials;
  if (o.seed >= 0) spec.seed = static_cast<uint64_t>(o.seed);
  std::optional<Throughput> tp = ThroughputFromSpec(s);
  if (!tp && NeedsThroughput(s)) {
    if (!s.training.tokens) {
      throw InputError(o.path, 1,
                       "reliability: give reliability.duration, or training.tokens to run until trained");
    }
    const StepResult step = EstimateScenario(s);
    tp = Throughput{step.step_time, step.tokens_per_s};
  }
  const OutputFormat format = o.common.Format();
  if (!o.sweep.empty()) {
    PrintSweep(o.sweep, InScenario(o.path, [&] { return Sweep(s, spec, tp, o.sweep, o.points); }), format, out);
    return 0;
  }
  TerminalProgress progress("reliability", "trials");
  const ReliabilityResult r = InScenario(o.path, [&] {
    return ReliabilityModel(spec, MakeReliabilityInputs(s, spec, tp)).Run(spec.trials, progress.Callback());
  });
  switch (format) {
    case OutputFormat::kJson:
      out << ResultJson(s, spec, r, tp).dump(2) << "\n";
      break;
    case OutputFormat::kCsv:
      PrintCsv(r, out);
      break;
    case OutputFormat::kTable:
      PrintTable(s, spec, r, tp, out);
      break;
  }
  return 0;
}

}  // namespace

Command AddReliabilityCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("reliability", "failures and recovery over a long run: interruptions, goodput");
  auto o = std::make_shared<ReliabilityOptions>();
  cmd->add_option("scenario", o->path, "scenario YAML file with a reliability: section")->required();
  cmd->add_option("--sweep", o->sweep, "print a curve instead: checkpoint-interval | fleet-size")
      ->check(CLI::IsMember({"checkpoint-interval", "fleet-size"}));
  cmd->add_option("--points", o->points, "points on the --sweep curve (default 13)")->check(CLI::Range(1, 200));
  cmd->add_option("--trials", o->trials, "Monte Carlo trials (default: reliability.trials)")
      ->check(CLI::Range(int64_t{1}, kMaxTrials));
  cmd->add_option("--seed", o->seed, "random seed (default: reliability.seed)")
      ->check(CLI::Range(int64_t{0}, int64_t{9000000000000000}));
  AddCommonOptions(*cmd, o->common);
  auto run = [o](std::ostream& out) { return RunReliability(*o, out); };
  return {cmd, run, &o->common};
}

}  // namespace fleetsim
