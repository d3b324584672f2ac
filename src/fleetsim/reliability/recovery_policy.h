// RecoveryPolicy: one recovery strategy (checkpoint-restart, in-memory checkpoints, hot spares, elastic shrink,
// optical re-routing) behind one interface. For each interruption the model asks every chosen policy, in a fixed
// order, to refine a Recovery plan: where state is restored from, how failed domains are replaced, and how long
// each phase takes. Policies are stateless; the per-trial state they share (spares, repairs, shrink) is PoolState.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetsim/reliability/failure_catalog.h"
#include "fleetsim/reliability/fleet_shape.h"
#include "fleetsim/reliability/reliability_spec.h"

namespace fleetsim {

// How the job comes back from one interruption (seconds). Policies refine it in turn.
struct Recovery {
  double detection = 0.0;
  double swap = 0.0;          // time to bring in a replacement domain once one is available
  double restart = 0.0;       // re-scheduling, process start, communicator set-up
  double restore = 0.0;       // loading the state to resume from
  bool from_memory = false;   // restore from a peer's RAM copy, else from persistent storage
  int64_t nodes_lost = 0;     // domains the failure took out
  int64_t nodes_waiting = 0;  // domains with no replacement yet: the job waits for repairs
  int64_t nodes_shrunk = 0;   // domains dropped instead of replaced (elastic)
  int64_t replicas_shrunk = 0;
  bool send_to_repair = false;  // failed domains go to repair and come back to this job (spares or elastic)
};

// Per-trial state of the spare pool, repairs in flight and elastic shrink. Reused across trials: no allocation
// per event once `repairs` has grown to its working size.
struct PoolState {
  int64_t spares_free = 0;
  std::vector<double> repairs;  // completion times of domains under repair, ascending
  int64_t shrunk_nodes = 0;
  int64_t shrunk_replicas = 0;

  void Reset(int64_t spares) {
    spares_free = spares;
    repairs.clear();
    shrunk_nodes = 0;
    shrunk_replicas = 0;
  }
  void AddRepair(double done_at);
  double NextRepair() const;  // +inf when none
};

// What a policy may read: the failure, the fleet, the times, and derived restart and restore costs.
struct RecoveryContext {
  const FailureClass& failure;
  const FleetShape& fleet;
  const RecoveryTimes& times;
  double restart_s = 0.0;          // full restart at this scale
  double storage_restore_s = 0.0;  // read the whole state back from storage
  double memory_restore_s = 0.0;   // copy one accelerator's state back from a peer host
  double ocs_reconfigure_s = 0.0;  // the fabric's optical switching time
};

class RecoveryPolicy {
 public:
  virtual ~RecoveryPolicy() = default;
  virtual Policy kind() const = 0;
  // Refines `r` for one interruption; may take spares from or return them to `pool`.
  virtual void Refine(const RecoveryContext& ctx, PoolState& pool, Recovery& r) const = 0;
};

// The chosen policies in the order they refine a plan: checkpoint-restart (the base), ocs-reroute, hot-spares,
// elastic, in-memory. ocs-reroute with `spares` > 0 swaps spare cubes in, as hot-spares does.
std::vector<std::unique_ptr<RecoveryPolicy>> MakePolicies(const std::vector<Policy>& chosen, int64_t spares);

}  // namespace fleetsim
