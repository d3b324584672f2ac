#include "fleetsim/serve/serve_report.h"

#include <fmt/format.h>

#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

nlohmann::json PercentilesJson(const LatencyPercentiles& p) {
  return {{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}};
}

template <class T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string Ms(double s) { return fmt::format("{:.1f} ms", s * 1e3); }

}  // namespace

nlohmann::json ServeJson(const Scenario& s, const ServeResult& r) {
  const ServeMetrics& m = r.metrics;
  nlohmann::json j;
  j["scenario"] = s.name;
  j["accelerator"] = s.cluster.accelerator.id;
  j["count"] = s.cluster.count;
  j["model"] = s.model.id;
  j["replicas"] = r.run.replicas;
  j["prefill_replicas"] = s.serving->prefill_devices / s.serving->ReplicaDevices();
  j["requests"] = r.run.requests.size();
  j["output_tokens_per_s"] = m.output_tokens_per_s;
  j["output_tokens_per_s_per_device"] = m.output_tokens_per_s / static_cast<double>(s.cluster.count);
  j["requests_per_s"] = m.requests_per_s;
  j["offered_tokens_per_s"] = m.offered_tokens_per_s;
  j["capacity_tokens_per_s"] = OrNull(r.capacity_tokens_per_s);
  j["makespan_s"] = m.makespan_s;
  j["ttft_s"] = PercentilesJson(m.ttft_s);
  j["tpot_s"] = PercentilesJson(m.tpot_s);
  j["e2e_s"] = PercentilesJson(m.e2e_s);
  j["slo_attainment"] = m.slo_attainment;
  j["max_rate_under_slo_per_s"] = OrNull(r.max_rate_under_slo_per_s);
  j["batch"] = {{"mean", m.batch_mean}, {"max", m.batch_max}};
  j["kv_cache_utilization"] = m.kv_cache_utilization;
  j["kv_cache_blocks_per_replica"] = r.run.kv_blocks_per_replica;
  j["preemptions"] = r.run.preemptions;
  j["busy_fraction"] = m.busy_fraction;
  j["facility_power_w"] = r.facility_power_w;
  j["energy_j_per_token"] = OrNull(r.energy_j_per_token);
  j["usd_per_million_tokens"] = OrNull(r.usd_per_million_tokens);
  return j;
}

std::string ServeText(const Scenario& s, const ServeResult& r) {
  const ServeMetrics& m = r.metrics;
  const int64_t prefill = s.serving->prefill_devices / s.serving->ReplicaDevices();
  const std::string pools =
      prefill > 0 ? fmt::format(" ({} prefill, {} decode)", prefill, r.run.replicas - prefill) : std::string();
  std::string out = fmt::format("{}: {} on {} x {}, {} copies of tp {} pp {}{}, {} requests\n", s.name, s.model.id,
                                s.cluster.count, s.cluster.accelerator.id, r.run.replicas, s.serving->tp,
                                s.serving->pp, pools, r.run.requests.size());
  if (r.max_rate_under_slo_per_s) {
    out += fmt::format("max rate under the SLO: {:.2f} requests/s ({} bisection runs); figures at that rate\n",
                       *r.max_rate_under_slo_per_s, r.bisection_runs);
  }
  Table t({"metric", "value"});
  t.AddRow({"output tokens/s", fmt::format("{:.0f}", m.output_tokens_per_s)});
  t.AddRow({"output tokens/s per device", fmt::format("{:.0f}", m.output_tokens_per_s / s.cluster.count)});
  t.AddRow({"requests/s", fmt::format("{:.2f}", m.requests_per_s)});
  if (r.capacity_tokens_per_s) {
    t.AddRow({"offered / capacity tokens/s",
              fmt::format("{:.0f} / {:.0f}", m.offered_tokens_per_s, *r.capacity_tokens_per_s)});
  }
  t.AddRow(
      {"TTFT p50 / p90 / p99", fmt::format("{} / {} / {}", Ms(m.ttft_s.p50), Ms(m.ttft_s.p90), Ms(m.ttft_s.p99))});
  t.AddRow(
      {"TPOT p50 / p90 / p99", fmt::format("{} / {} / {}", Ms(m.tpot_s.p50), Ms(m.tpot_s.p90), Ms(m.tpot_s.p99))});
  t.AddRow({"end-to-end p50 / p90 / p99",
            fmt::format("{:.2f} s / {:.2f} s / {:.2f} s", m.e2e_s.p50, m.e2e_s.p90, m.e2e_s.p99)});
  t.AddRow({"SLO attainment", fmt::format("{:.1f}%", m.slo_attainment * 100)});
  t.AddRow({"batch mean / max", fmt::format("{:.1f} / {}", m.batch_mean, m.batch_max)});
  t.AddRow({"KV cache utilization",
            fmt::format("{:.1f}% of {} blocks", m.kv_cache_utilization * 100, r.run.kv_blocks_per_replica)});
  t.AddRow({"preemptions", fmt::format("{}", r.run.preemptions)});
  t.AddRow({"facility power", fmt::format("{:.1f} kW", r.facility_power_w / 1e3)});
  t.AddRow({"energy per output token",
            r.energy_j_per_token ? fmt::format("{:.3f} J", *r.energy_j_per_token) : std::string("n/a")});
  t.AddRow({"$ per million output tokens", r.usd_per_million_tokens
                                               ? fmt::format("${:.3f}", *r.usd_per_million_tokens)
                                               : std::string("n/a (" + r.cost_note + ")")});
  return out + t.RenderText();
}

std::string ServeCsv(const Scenario& s, const ServeResult& r) {
  const ServeMetrics& m = r.metrics;
  Table t({"scenario", "output_tokens_per_s", "requests_per_s", "ttft_p50_s", "ttft_p90_s", "ttft_p99_s",
           "tpot_p50_s", "tpot_p90_s", "tpot_p99_s", "e2e_p50_s", "e2e_p90_s", "e2e_p99_s", "slo_attainment",
           "max_rate_under_slo_per_s", "batch_mean", "batch_max", "kv_cache_utilization", "energy_j_per_token",
           "usd_per_million_tokens"});
  auto g = [](double v) { return fmt::format("{:.6g}", v); };
  auto opt = [&](const std::optional<double>& v) { return v ? g(*v) : std::string(); };
  t.AddRow({s.name, g(m.output_tokens_per_s), g(m.requests_per_s), g(m.ttft_s.p50), g(m.ttft_s.p90),
            g(m.ttft_s.p99), g(m.tpot_s.p50), g(m.tpot_s.p90), g(m.tpot_s.p99), g(m.e2e_s.p50), g(m.e2e_s.p90),
            g(m.e2e_s.p99), g(m.slo_attainment), opt(r.max_rate_under_slo_per_s), g(m.batch_mean),
            fmt::format("{}", m.batch_max), g(m.kv_cache_utilization), opt(r.energy_j_per_token),
            opt(r.usd_per_million_tokens)});
  return t.RenderCsv();
}

std::string RequestsCsv(const ServeRun& run) {
  std::string out =
      "id,replica,arrival_s,first_token_s,finish_s,input_tokens,output_tokens,ttft_s,tpot_s,e2e_s,preemptions\n";
  for (size_t i = 0; i < run.requests.size(); ++i) {
    const RequestOutcome& o = run.requests[i];
    const double tpot =
        o.output_tokens > 1 ? (o.finish_s - o.first_token_s) / static_cast<double>(o.output_tokens - 1) : 0.0;
    out += fmt::format("{},{},{:.6f},{:.6f},{:.6f},{},{},{:.6f},{:.6f},{:.6f},{}\n", i, o.replica, o.arrival_s,
                       o.first_token_s, o.finish_s, o.input_tokens, o.output_tokens, o.first_token_s - o.arrival_s,
                       tpot, o.finish_s - o.arrival_s, o.preemptions);
  }
  return out;
}

}  // namespace fleetsim
