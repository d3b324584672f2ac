#include "fleetsim/search/plan_search.h"

#include <algorithm>

namespace fleetsim {
namespace {

std::vector<int64_t> Divisors(int64_t n, int64_t limit) {
  std::vector<int64_t> out;
  for (int64_t d = 1; d <= n && d <= limit; ++d) {
    if (n % d == 0) out.push_back(d);
  }
  return out;
}

// The candidates for one field: the value the scenario fixed (already validated by the scenario parser), or all.
template <class T>
std::vector<int64_t> Fixed(const std::optional<T>& value, std::vector<int64_t> all) {
  if (!value) return all;
  return {static_cast<int64_t>(*value)};
}

bool Better(const RankedPlan& a, const RankedPlan& b) {
  if (a.step_time != b.step_time) return a.step_time < b.step_time;
  return a.memory < b.memory;
}

// Largest tensor-parallel degree worth trying: within one scale-up domain, and at most the attention heads.
constexpr int64_t kMaxTensorParallel = 64;
constexpr int64_t kMaxContextParallel = 32;
constexpr int64_t kMaxMicroBatch = 64;

}  // namespace

PlanConstraints PlanConstraints::FromTraining(const TrainingSpec& t) {
  PlanConstraints c;
  if (t.parallelism) {
    c.tp = t.parallelism->tp;
    c.pp = t.parallelism->pp;
    c.dp = t.parallelism->dp;
    c.cp = t.parallelism->cp;
    c.ep = t.parallelism->ep;
    c.vpp = t.parallelism->vpp;
  }
  c.micro_batch = t.micro_batch;
  c.recompute = t.recompute;
  c.sequence_parallel = t.sequence_parallel;
  c.zero = t.zero;
  return c;
}

SearchResult SearchPlans(const Estimator& estimator, const ModelSpec& model, const ClusterSpec& cluster,
                         const TrainingSpec& training, const PlanConstraints& c, size_t top,
                         const std::function<void(int64_t done, int64_t total)>& progress) {
  SearchResult result;
  const int64_t count = cluster.count;
  const GroupLevels levels(cluster);
  const int64_t tp_limit = std::min<int64_t>({kMaxTensorParallel, levels.DomainSize(), model.heads});
  std::vector<Recompute> recomputes = {Recompute::kNone, Recompute::kSelective, Recompute::kFull};
  if (c.recompute) recomputes = {*c.recompute};
  const std::vector<int64_t> zeros = Fixed(c.zero, {0, 1, 2, 3});

  auto consider = [&](const Plan& plan) {
    const Estimator::Quick q = estimator.Score(plan);
    ++result.evaluated;
    const RankedPlan ranked{plan, q.step_time, q.memory, q.fits};
    if (!result.smallest || q.memory < result.smallest->memory) result.smallest = ranked;
    if (!q.fits) return;
    ++result.fitting;
    if (result.best.size() < top) {
      result.best.push_back(ranked);
      std::push_heap(result.best.begin(), result.best.end(), Better);
    } else if (top > 0 && Better(ranked, result.best.front())) {
      std::pop_heap(result.best.begin(), result.best.end(), Better);
      result.best.back() = ranked;
      std::push_heap(result.best.begin(), result.best.end(), Better);
    }
  };

  const std::vector<int64_t> tps = Fixed(c.tp, Divisors(count, tp_limit));
  int64_t tps_done = 0;
  for (int64_t tp : tps) {
    if (progress) progress(tps_done++, static_cast<int64_t>(tps.size()));
    if (model.heads % tp != 0 || (model.kv_heads % tp != 0 && tp % model.kv_heads != 0)) continue;
    const bool sp = c.sequence_parallel.value_or(tp > 1) && tp > 1;
    for (int64_t cp : Fixed(c.cp, Divisors(count / tp, kMaxContextParallel))) {
      if (training.seq_len % cp != 0) continue;
      for (int64_t pp : Fixed(c.pp, Divisors(count / (tp * cp), model.layers))) {
        const int64_t dp = count / (tp * cp * pp);
        if (c.dp && *c.dp != dp) continue;
        if (training.global_batch % dp != 0) continue;
        const int64_t per_rank = training.global_batch / dp;
        std::vector<int64_t> eps = {1};
        if (model.moe.enabled()) eps = Divisors(model.moe.experts, model.moe.experts);
        for (int64_t ep : Fixed(c.ep, eps)) {
          if ((dp * cp) % ep != 0) continue;
          if (per_rank % c.micro_batch.value_or(1) != 0) continue;
          for (int64_t mb : Fixed(c.micro_batch, Divisors(per_rank, kMaxMicroBatch))) {
            const int64_t micro_batches = per_rank / mb;
            std::vector<int64_t> vpps = {1};
            if (pp > 1) {
              vpps = Divisors(model.layers / pp, model.layers);
              // The interleaved schedule runs micro-batches in groups of pp.
              std::erase_if(vpps, [&](int64_t v) { return v > 1 && micro_batches % pp != 0; });
            }
            for (int64_t vpp : Fixed(c.vpp, vpps)) {
              for (Recompute rc : recomputes) {
                for (int64_t zero : zeros) {
                  Plan plan;
                  plan.tp = static_cast<int>(tp);
                  plan.pp = static_cast<int>(pp);
                  plan.dp = static_cast<int>(dp);
                  plan.cp = static_cast<int>(cp);
                  plan.ep = static_cast<int>(ep);
                  plan.vpp = static_cast<int>(vpp);
                  plan.micro_batch = mb;
                  plan.sequence_parallel = sp;
                  plan.recompute = rc;
                  plan.zero = static_cast<int>(zero);
                  consider(plan);
                }
              }
            }
          }
        }
      }
    }
  }
  std::sort_heap(result.best.begin(), result.best.end(), Better);
  return result;
}

}  // namespace fleetsim
