#include "fleetsim/report/step_report.h"

#include <fmt/format.h>

#include <cmath>

#include "fleetsim/core/quantity.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

nlohmann::json Breakdown(const StepBreakdown& b) {
  return {{"compute", b.compute.value()}, {"tp_comm", b.tp_comm.value()},     {"cp_comm", b.cp_comm.value()},
          {"ep_comm", b.ep_comm.value()}, {"pp_comm", b.pp_comm.value()},     {"pp_bubble", b.pp_bubble.value()},
          {"dp_comm", b.dp_comm.value()}, {"optimizer", b.optimizer.value()}, {"sync_wait", b.sync_wait.value()}};
}

std::string Gb(Bytes b) { return fmt::format("{:.1f} GB", b.value() / 1e9); }

}  // namespace

std::string FormatDuration(Seconds s) {
  const double v = s.value();
  if (!std::isfinite(v)) return "-";
  if (v >= 1e6 * 86400.0) return fmt::format("{:.3e} d", v / 86400.0);  // a million days and more
  if (v >= 2 * 86400.0) return fmt::format("{:.1f} d", v / 86400.0);
  if (v >= 2 * 3600.0) return fmt::format("{:.1f} h", v / 3600.0);
  if (v >= 120.0) return fmt::format("{:.1f} min", v / 60.0);
  if (v >= 1.0) return fmt::format("{:.3f} s", v);
  return fmt::format("{:.2f} ms", v * 1e3);
}

nlohmann::json PlanJson(const Plan& p) {
  return {{"tp", p.tp},
          {"pp", p.pp},
          {"dp", p.dp},
          {"cp", p.cp},
          {"ep", p.ep},
          {"vpp", p.vpp},
          {"micro_batch", p.micro_batch},
          {"sequence_parallel", p.sequence_parallel},
          {"recompute", RecomputeName(p.recompute)},
          {"zero", p.zero}};
}

nlohmann::json StepResultJson(const Scenario& s, const StepResult& r) {
  nlohmann::json j;
  j["scenario"] = s.name;
  j["step_time_s"] = r.step_time.value();
  j["tokens_per_s"] = r.tokens_per_s;
  j["tokens_per_step"] = r.tokens_per_step;
  j["model_flops_per_step"] = r.model_flops_per_step;
  j["model_tflops_per_device"] = r.model_tflops_per_device;
  j["mfu"] = r.mfu;
  j["hfu"] = r.hfu;
  j["memory"] = {{"per_device_bytes", r.memory.Total().value()},
                 {"capacity_bytes", r.capacity.value()},
                 {"fits", r.fits},
                 {"weights_bytes", r.memory.weights.value()},
                 {"gradients_bytes", r.memory.gradients.value()},
                 {"optimizer_bytes", r.memory.optimizer.value()},
                 {"activations_bytes", r.memory.activations.value()},
                 {"reserve_bytes", r.memory.reserve.value()}};
  j["breakdown_s"] = Breakdown(r.breakdown);
  j["time_to_train_s"] = r.time_to_train ? nlohmann::json(r.time_to_train->value()) : nlohmann::json();
  j["plan"] = PlanJson(r.plan);
  j["accelerator"] = s.cluster.accelerator.id;
  j["count"] = s.cluster.count;
  j["stack"] = s.training.stack.id;
  AddCalibrationJson(s.cluster.accelerator, j);
  j["auto_chosen"] = r.auto_chosen;
  return j;
}

std::string StepResultText(const Scenario& s, const StepResult& r) {
  std::string out;
  out += fmt::format("{}: {} x {} ({} / {}), model {}\n", s.name, s.cluster.count, s.cluster.accelerator.id,
                     s.cluster.node.id, s.cluster.fabric.id, s.model.id.empty() ? "custom" : s.model.id);
  out += fmt::format("plan: {}  (seq {}, global batch {}, {})\n", r.plan.Describe(), s.training.seq_len,
                     s.training.global_batch, PrecisionName(s.training.precision));
  out += fmt::format("stack: {}\n", s.training.stack.name.empty() ? s.training.stack.id : s.training.stack.name);
  if (const std::string note = UncalibratedNote(s.cluster.accelerator); !note.empty()) out += "  " + note + "\n";
  for (const std::string& note : r.auto_chosen) out += fmt::format("  auto: {}\n", note);
  out += "\n";
  Table t({"step time", "seconds", "share"});
  auto row = [&](const char* name, Seconds v) {
    t.AddRow({name, fmt::format("{:.4f}", v.value()), fmt::format("{:.1f}%", 100.0 * (v / r.step_time))});
  };
  row("compute", r.breakdown.compute);
  row("tensor-parallel comm", r.breakdown.tp_comm);
  if (r.plan.cp > 1) row("context-parallel comm", r.breakdown.cp_comm);
  if (r.plan.ep > 1) row("expert-parallel comm", r.breakdown.ep_comm);
  row("pipeline comm", r.breakdown.pp_comm);
  row("pipeline bubble", r.breakdown.pp_bubble);
  row("data-parallel comm", r.breakdown.dp_comm);
  row("optimizer", r.breakdown.optimizer);
  if (r.breakdown.sync_wait.value() > 0) row("straggler wait", r.breakdown.sync_wait);
  t.AddRule();
  row("total", r.step_time);
  out += t.RenderText();
  out += fmt::format("\nthroughput  {:.4g} tokens/s ({:.0f} per device), {:.0f} model TFLOP/s per device\n",
                     r.tokens_per_s, r.tokens_per_s / static_cast<double>(s.cluster.count),
                     r.model_tflops_per_device);
  out += fmt::format("utilisation MFU {:.1f}%, HFU {:.1f}% of {} dense peak\n", 100 * r.mfu, 100 * r.hfu,
                     PrecisionName(s.training.precision));
  out += fmt::format(
      "memory      {} of {} per device ({}): weights {}, gradients {}, optimizer {}, activations {}, "
      "reserve {}\n",
      Gb(r.memory.Total()), Gb(r.capacity), r.fits ? "fits" : "DOES NOT FIT", Gb(r.memory.weights),
      Gb(r.memory.gradients), Gb(r.memory.optimizer), Gb(r.memory.activations), Gb(r.memory.reserve));
  if (r.time_to_train) {
    out += fmt::format("training    {:.4g} tokens in {}\n", *s.training.tokens, FormatDuration(*r.time_to_train));
  }
  return out;
}

std::string StepResultCsv(const Scenario& s, const StepResult& r) {
  Table t({"scenario", "accelerator", "count", "plan", "step_time_s", "tokens_per_s", "model_tflops_per_device",
           "mfu", "hfu", "memory_per_device_bytes", "fits", "time_to_train_s", "calibrated",
           "calibration_relative"});
  const ComputeEfficiency& eff = s.cluster.accelerator.efficiency;
  t.AddRow({s.name, s.cluster.accelerator.id, std::to_string(s.cluster.count), r.plan.Describe(),
            fmt::format("{:.6g}", r.step_time.value()), fmt::format("{:.6g}", r.tokens_per_s),
            fmt::format("{:.6g}", r.model_tflops_per_device), fmt::format("{:.4f}", r.mfu),
            fmt::format("{:.4f}", r.hfu), fmt::format("{:.0f}", r.memory.Total().value()),
            r.fits ? "true" : "false", r.time_to_train ? fmt::format("{:.6g}", r.time_to_train->value()) : "",
            eff.calibrated() ? "true" : "false", eff.relative});
  return t.RenderCsv();
}

std::string UncalibratedNote(const Accelerator& acc) {
  const ComputeEfficiency& eff = acc.efficiency;
  if (eff.calibrated()) return "";
  return fmt::format("uncalibrated: {} has no published run of its own; it takes {}'s kernel efficiencies ({})",
                     acc.id, eff.relative, eff.reason);
}

void AddCalibrationJson(const Accelerator& acc, nlohmann::json& j) {
  const ComputeEfficiency& eff = acc.efficiency;
  j["calibrated"] = eff.calibrated();
  j["calibration_relative"] = eff.calibrated() ? nlohmann::json() : nlohmann::json(eff.relative);
}

}  // namespace fleetsim
