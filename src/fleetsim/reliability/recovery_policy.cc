#include "fleetsim/reliability/recovery_policy.h"

#include <algorithm>
#include <limits>

namespace fleetsim {
namespace {

// Restart from the last checkpoint in persistent storage; failed domains are drained and replaced by healthy ones
// from the cluster's pool (cold: provisioned and health-checked first).
class CheckpointRestart final : public RecoveryPolicy {
 public:
  Policy kind() const override { return Policy::kCheckpointRestart; }
  void Refine(const RecoveryContext& ctx, PoolState&, Recovery& r) const override {
    r.restart = ctx.restart_s;
    r.restore = ctx.storage_restore_s;
    r.swap = r.nodes_lost > 0 ? ctx.times.cold_replacement.value() : 0.0;
  }
};

// A failed cube is replaced by re-pointing optical circuits at a spare one: seconds, not minutes.
class OcsReroute final : public RecoveryPolicy {
 public:
  Policy kind() const override { return Policy::kOcsReroute; }
  void Refine(const RecoveryContext& ctx, PoolState&, Recovery& r) const override {
    if (r.nodes_lost > 0) r.swap = ctx.times.ocs_swap.value() + ctx.ocs_reconfigure_s;
  }
};

// N warm spare domains; failed ones go to repair and return to the pool. With no spare left the job waits for a
// repair (unless elastic shrinks instead).
class HotSpares final : public RecoveryPolicy {
 public:
  Policy kind() const override { return Policy::kHotSpares; }
  void Refine(const RecoveryContext& ctx, PoolState& pool, Recovery& r) const override {
    if (r.nodes_lost == 0) return;
    const int64_t from_spares = std::min(pool.spares_free, r.nodes_lost);
    pool.spares_free -= from_spares;
    r.nodes_waiting = r.nodes_lost - from_spares;
    r.send_to_repair = true;
    // An OCS swap is already faster than a hot swap; keep the faster.
    r.swap = std::min(r.swap, ctx.times.hot_swap.value());
  }
};

// Continue with fewer data-parallel replicas instead of waiting for a replacement; grow back after repair. Never
// shrinks to zero replicas.
class Elastic final : public RecoveryPolicy {
 public:
  explicit Elastic(bool after_spares) : after_spares_(after_spares) {}
  Policy kind() const override { return Policy::kElastic; }
  void Refine(const RecoveryContext& ctx, PoolState& pool, Recovery& r) const override {
    const int64_t nodes = after_spares_ ? r.nodes_waiting : r.nodes_lost;
    if (nodes == 0) return;
    const int64_t replicas = ctx.fleet.ReplicasLost(nodes);
    if (pool.shrunk_replicas + replicas >= ctx.fleet.Replicas()) return;  // would stop the job: wait instead
    pool.shrunk_nodes += nodes;
    pool.shrunk_replicas += replicas;
    r.nodes_shrunk = nodes;
    r.replicas_shrunk = replicas;
    r.send_to_repair = true;
    if (after_spares_) {
      r.nodes_waiting = 0;
    } else {
      r.swap = 0.0;
    }
  }

 private:
  bool after_spares_;
};

// Redundant checkpoints in peer hosts' memory: restore from RAM unless the failure may have taken both copies (a
// leaf switch or a site) or corrupted them (silent data corruption).
class InMemory final : public RecoveryPolicy {
 public:
  Policy kind() const override { return Policy::kInMemory; }
  void Refine(const RecoveryContext& ctx, PoolState&, Recovery& r) const override {
    const FailureClass& f = ctx.failure;
    if (f.detection == Detection::kSilent || f.blast == BlastRadius::kLeaf || f.blast == BlastRadius::kSite)
      return;
    r.from_memory = true;
    r.restore = ctx.memory_restore_s;
  }
};

}  // namespace

void PoolState::AddRepair(double done_at) {
  repairs.push_back(done_at);
  for (size_t i = repairs.size() - 1; i > 0 && repairs[i - 1] > repairs[i]; --i)
    std::swap(repairs[i - 1], repairs[i]);
}

double PoolState::NextRepair() const {
  return repairs.empty() ? std::numeric_limits<double>::infinity() : repairs.front();
}

std::vector<std::unique_ptr<RecoveryPolicy>> MakePolicies(const std::vector<Policy>& chosen, int64_t spares) {
  auto has = [&](Policy p) { return std::find(chosen.begin(), chosen.end(), p) != chosen.end(); };
  std::vector<std::unique_ptr<RecoveryPolicy>> out;
  out.push_back(std::make_unique<CheckpointRestart>());
  if (has(Policy::kOcsReroute)) out.push_back(std::make_unique<OcsReroute>());
  const bool spares_pool = has(Policy::kHotSpares) || (has(Policy::kOcsReroute) && spares > 0);
  if (spares_pool) out.push_back(std::make_unique<HotSpares>());
  if (has(Policy::kElastic)) out.push_back(std::make_unique<Elastic>(spares_pool));
  if (has(Policy::kInMemory)) out.push_back(std::make_unique<InMemory>());
  return out;
}

}  // namespace fleetsim
