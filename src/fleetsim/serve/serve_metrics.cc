#include "fleetsim/serve/serve_metrics.h"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {

LatencyPercentiles Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    if (v.empty()) return 0.0;
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
  };
  return {at(0.50), at(0.90), at(0.99)};
}

}  // namespace

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

ServeMetrics Summarize(const ServeRun& run, const WorkloadSpec& w, std::optional<double> capacity_tokens_per_s) {
  ServeMetrics m;
  std::vector<double> ttft, tpot, e2e;
  ttft.reserve(run.requests.size());
  e2e.reserve(run.requests.size());
  double start = 0, end = 0, tokens = 0;
  int64_t met = 0;
  bool first = true;
  for (const RequestOutcome& o : run.requests) {
    if (first || o.arrival_s < start) start = o.arrival_s;
    first = false;
    end = std::max(end, o.finish_s);
    tokens += static_cast<double>(o.output_tokens);
    const double t1 = o.first_token_s - o.arrival_s;
    ttft.push_back(t1);
    e2e.push_back(o.finish_s - o.arrival_s);
    bool ok = !w.ttft_p99_s || t1 <= *w.ttft_p99_s;
    if (o.output_tokens > 1) {
      const double per = (o.finish_s - o.first_token_s) / static_cast<double>(o.output_tokens - 1);
      tpot.push_back(per);
      ok = ok && (!w.tpot_p99_s || per <= *w.tpot_p99_s);
    }
    met += ok ? 1 : 0;
  }
  m.makespan_s = end - start;
  if (w.arrival == ArrivalProcess::kOffline || run.requests.size() < 2) {
    if (m.makespan_s > 0) {
      m.output_tokens_per_s = tokens / m.makespan_s;
      m.requests_per_s = static_cast<double>(run.requests.size()) / m.makespan_s;
    }
    m.offered_tokens_per_s = m.output_tokens_per_s;
  } else {
    // Arriving load: what arrived per second of the arrival window (n arrivals span n - 1 gaps) is served as
    // long as the copies keep up; beyond their capacity they serve their capacity and the queue grows (its
    // cost shows in the latencies). Counting arrivals alone would report an overload as served.
    double window = run.requests.back().arrival_s - run.requests.front().arrival_s;
    window *= static_cast<double>(run.requests.size()) / static_cast<double>(run.requests.size() - 1);
    if (window <= 0) window = m.makespan_s;
    if (window > 0) {
      m.offered_tokens_per_s = tokens / window;
      m.output_tokens_per_s = m.offered_tokens_per_s;
      if (capacity_tokens_per_s) m.output_tokens_per_s = std::min(m.output_tokens_per_s, *capacity_tokens_per_s);
      m.requests_per_s =
          static_cast<double>(run.requests.size()) / window * m.output_tokens_per_s / m.offered_tokens_per_s;
    }
  }
  if (m.makespan_s > 0) m.busy_fraction = run.busy_seconds / (m.makespan_s * static_cast<double>(run.replicas));
  m.ttft_s = Summary(std::move(ttft));
  m.tpot_s = Summary(std::move(tpot));
  m.e2e_s = Summary(std::move(e2e));
  if (!run.requests.empty())
    m.slo_attainment = static_cast<double>(met) / static_cast<double>(run.requests.size());
  if (run.iterations > 0) m.batch_mean = run.batch_sum / static_cast<double>(run.iterations);
  m.batch_max = run.batch_max;
  if (run.busy_seconds > 0 && run.kv_blocks_per_replica > 0) {
    m.kv_cache_utilization =
        run.kv_block_seconds / (run.busy_seconds * static_cast<double>(run.kv_blocks_per_replica));
  }
  m.meets_slo =
      (!w.ttft_p99_s || m.ttft_s.p99 <= *w.ttft_p99_s) && (!w.tpot_p99_s || m.tpot_s.p99 <= *w.tpot_p99_s);
  return m;
}

double SteadyStateTokensPerS(const ServeRun& run) {
  double start = 0, end = 0, makespan_end = 0, tokens = 0;
  bool first = true;
  for (const RequestOutcome& o : run.requests) {
    if (first || o.arrival_s < start) start = o.arrival_s;
    first = false;
    end = std::max(end, o.first_token_s);
    makespan_end = std::max(makespan_end, o.finish_s);
    tokens += static_cast<double>(o.output_tokens);
  }
  if (run.requests.empty() || makespan_end <= start) return 0.0;
  // Tokens emitted by `end`: the first at first_token_s, the rest evenly until finish_s.
  double emitted = 0;
  for (const RequestOutcome& o : run.requests) {
    if (o.first_token_s > end) continue;
    if (o.finish_s <= end || o.output_tokens <= 1) {
      emitted += static_cast<double>(o.output_tokens);
    } else {
      emitted += 1.0 + static_cast<double>(o.output_tokens - 1) * (end - o.first_token_s) /
                           (o.finish_s - o.first_token_s);
    }
  }
  // A window shorter than half the run holds little beyond the first batch's prefill: the run had no steady
  // state to measure, and its whole makespan is the better figure.
  if (end - start < 0.5 * (makespan_end - start)) return tokens / (makespan_end - start);
  return emitted / (end - start);
}

}  // namespace fleetsim
