#include "fleetsim/serve/serve_run.h"

#include <algorithm>
#include <cmath>

#include "fleetsim/core/error.h"
#include "fleetsim/cost/cost_model.h"
#include "fleetsim/energy/power_model.h"
#include "fleetsim/serve/iteration_cost.h"
#include "fleetsim/serve/request_mix.h"

namespace fleetsim {
namespace {

// Bisection steps on the Poisson rate: 2^-8 of the first bracket (the copies' capacity), 0.4%, under the 1-2%
// run-to-run spread of a Poisson run.
constexpr int kBisectionSteps = 8;
// Requests per probe of the bisection when the workload says neither `requests` nor `min_duration` (an MLPerf
// Server run lasts at least 600 s: NVIDIA's v4.1 H100 run issued 196,608 queries in 2,618 s); a few thousand keep
// the p99 within a few percent once the copies are past their warm-up.
constexpr int64_t kDefaultProbeRequests = 2000;

// The offline capacity run holds this many full batches of every copy, so that most of it is steady state.
constexpr int64_t kCapacityBatches = 8;
constexpr int64_t kMaxCapacityRequests = 400000;
// MLPerf LoadGen issues 10% more offline samples than the expected QPS needs for the minimum duration.
constexpr double kOfflineSlack = 1.1;
// Requests a run sized by `min_duration` may reach (the workload's own ceiling, about 30 s here), and one probe
// of max-under-slo (eight of them run; a probe at a rate above 1,667/s for 600 s stops at this many).
constexpr int64_t kMaxOfflineRequests = 10'000'000;
constexpr int64_t kMaxProbeRequests = 1'000'000;

// Requests of a Poisson run at `rate`: `count`, or as many as arrive in the workload's minimum duration.
int64_t PoissonCount(const WorkloadSpec& w, double rate, int64_t count, int64_t ceiling) {
  if (!w.min_duration_s) return count;
  const double wanted = std::min(std::ceil(rate * *w.min_duration_s), static_cast<double>(ceiling));
  return std::max(count, static_cast<int64_t>(wanted));
}

struct Probe {
  ServeRun run;
  ServeMetrics metrics;
};

Probe RunAt(const Scenario& s, const StackSpec& stack, const WorkloadSpec& w, double rate, int64_t count,
            double capacity_tokens_per_s) {
  WorkloadSpec probe = w;
  probe.arrival = ArrivalProcess::kPoisson;
  const std::vector<Request> requests =
      GenerateRequests(probe, rate, PoissonCount(w, rate, count, kMaxProbeRequests));
  Probe p{SimulateServing(s.cluster, s.model, *s.serving, stack, requests), {}};
  p.metrics = Summarize(p.run, probe, capacity_tokens_per_s);
  return p;
}

// The copies' steady-state capacity for the workload's mix, in output tokens per second: an offline run long
// enough that every copy runs several full batches, measured without its drain (SteadyStateTokensPerS).
// Static batches run to completion, so their drain is part of the cycle: the whole makespan counts. Also
// returns the mean output tokens per request of that run.
double Capacity(const Scenario& s, const StackSpec& stack, const std::vector<Request>& mix, double& mean_output) {
  std::vector<Request> offline = mix;
  const ServingSpec& serving = *s.serving;
  double mean_tokens = 0;
  mean_output = 0;
  for (const Request& r : mix) {
    mean_tokens += static_cast<double>(r.input_tokens + r.output_tokens);
    mean_output += static_cast<double>(r.output_tokens);
  }
  mean_tokens /= static_cast<double>(std::max<size_t>(mix.size(), 1));
  mean_output /= static_cast<double>(std::max<size_t>(mix.size(), 1));
  if (serving.scheduler == BatchScheduler::kContinuous && !mix.empty()) {
    // Sequences one copy holds at once: its batch limit, or what its KV cache holds at the mix's mean length.
    const IterationCost cost(s.cluster, s.model, serving, stack);
    const double kv_tokens = static_cast<double>(
        KvBlocksPerReplica(s.cluster, s.model, serving, cost.KvBytesPerTokenPerDevice()) * serving.block_tokens);
    // A dense cache gives every sequence a whole slot.
    const double slot = serving.dense_kv_cache && serving.kv_cache_length
                            ? std::max(mean_tokens, static_cast<double>(*serving.kv_cache_length))
                            : mean_tokens;
    const double batch =
        std::min(static_cast<double>(serving.max_batch.value_or(AutoMaxBatch())), kv_tokens / std::max(slot, 1.0));
    const int64_t replicas = s.cluster.count / serving.ReplicaDevices();
    const int64_t want = std::min<int64_t>(kMaxCapacityRequests,
                                           static_cast<int64_t>(std::ceil(kCapacityBatches * batch)) * replicas);
    // Repeat the mix until the run is long enough.
    for (size_t i = 0; static_cast<int64_t>(offline.size()) < want; ++i) offline.push_back(mix[i % mix.size()]);
  }
  for (Request& r : offline) r.arrival_s = 0.0;
  const ServeRun run = SimulateServing(s.cluster, s.model, serving, stack, offline);
  if (serving.scheduler == BatchScheduler::kStatic) {
    WorkloadSpec w;
    w.arrival = ArrivalProcess::kOffline;
    return Summarize(run, w).output_tokens_per_s;
  }
  return SteadyStateTokensPerS(run);
}

ServeResult Evaluate(const Scenario& s, const ServeProgress& progress) {
  if (!s.serving || !s.workload) {
    throw InputError(s.file, 1, "fleetsim serve needs a `serving:` and a `workload:` section (docs/serve.md)");
  }
  const StackSpec& stack = Catalog::BuiltIn().DefaultStack(s.cluster.accelerator.id);
  const WorkloadSpec& w = *s.workload;
  ServeResult result;
  if (w.load == LoadPolicy::kMaxUnderSlo) {
    const int64_t count = w.requests_given ? w.requests : kDefaultProbeRequests;
    WorkloadSpec offline = w;
    offline.arrival = ArrivalProcess::kOffline;
    double mean_output = 0;
    const double capacity = Capacity(s, stack, GenerateRequests(offline, 0.0, count), mean_output);
    result.capacity_tokens_per_s = capacity;
    // The bracket's top: the steady-state capacity in requests per second. No higher rate can be sustained
    // (its queue grows without bound), though a probe of a few thousand requests may end before its p99s show
    // it; so no probe above it counts.
    double hi = capacity / std::max(mean_output, 1.0);
    FLEETSIM_CHECK(hi > 0);
    double lo = 0.0;
    std::optional<Probe> best;
    for (int i = 0; i < kBisectionSteps; ++i) {
      const double mid = 0.5 * (lo + hi);
      Probe p = RunAt(s, stack, w, mid, count, capacity);
      result.bisection_runs++;
      if (progress) progress(i + 1, kBisectionSteps);
      if (p.metrics.meets_slo) {
        lo = mid;
        best = std::move(p);
      } else {
        hi = mid;
      }
    }
    result.max_rate_under_slo_per_s = lo;
    if (!best) best = RunAt(s, stack, w, std::max(lo, hi * 1e-3), count, capacity);
    result.run = std::move(best->run);
    result.metrics = best->metrics;
  } else {
    std::vector<Request> requests = WorkloadRequests(w);
    if (w.min_duration_s && w.arrival == ArrivalProcess::kPoisson) {
      // As MLPerf LoadGen runs a Server scenario: the target QPS for at least the minimum duration.
      const int64_t count = PoissonCount(w, w.rate_per_s, w.requests, kMaxOfflineRequests);
      if (count > static_cast<int64_t>(requests.size())) requests = GenerateRequests(w, w.rate_per_s, count);
    } else if (w.min_duration_s) {
      // As MLPerf LoadGen sizes an Offline run: expected QPS x minimum duration x 1.1, the expected QPS being the
      // copies' steady-state capacity; never fewer than `requests`.
      double mean_output = 0;
      const double rps = Capacity(s, stack, requests, mean_output) / std::max(mean_output, 1.0);
      const double wanted = std::ceil(kOfflineSlack * rps * *w.min_duration_s);
      const auto count = static_cast<int64_t>(std::min(wanted, static_cast<double>(kMaxOfflineRequests)));
      if (count > static_cast<int64_t>(requests.size())) requests = GenerateRequests(w, 0.0, count);
    }
    std::optional<double> capacity;
    if (w.arrival != ArrivalProcess::kOffline) {
      double mean_output = 0;
      capacity = Capacity(s, stack, requests, mean_output);
      result.capacity_tokens_per_s = capacity;
    }
    result.run = SimulateServing(s.cluster, s.model, *s.serving, stack, requests, progress);
    result.metrics = Summarize(result.run, w, capacity);
  }

  PriceServing(s, result);
  return result;
}

}  // namespace

void PriceServing(const Scenario& s, ServeResult& result) {
  result.energy_j_per_token.reset();
  result.usd_per_million_tokens.reset();
  const PowerModel power(s.cluster, s.datacenter.value_or(DatacenterSpec::Default()));
  const double busy = std::clamp(result.metrics.busy_fraction, 0.0, 1.0);
  result.facility_power_w = power.Facility(power.It(busy, 0.0).Total()).value();
  const double tokens_per_s = result.metrics.output_tokens_per_s;
  if (tokens_per_s > 0) {
    result.energy_j_per_token = result.facility_power_w / tokens_per_s;
    const CostModel cost(power, s.economics.value_or(EconomicsSpec::Default()));
    result.cost_note = cost.note();
    if (auto hour = cost.PerAcceleratorHour(busy, 0.0)) {
      const double usd_per_s = hour->Total().value() * static_cast<double>(s.cluster.count) / 3600.0;
      result.usd_per_million_tokens = usd_per_s / tokens_per_s * 1e6;
    }
  }
}

ServeResult EvaluateServing(const Scenario& s, const ServeProgress& progress) {
  try {
    return Evaluate(s, progress);
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    const WorkloadSpec& w = *s.workload;
    if (w.trace && e.line() > 0) throw InputError(*w.trace, e.line(), e.message());
    throw InputError(s.file, w.line, e.message());
  }
}

}  // namespace fleetsim
