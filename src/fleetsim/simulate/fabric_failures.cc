#include "fleetsim/simulate/fabric_failures.h"

#include <fmt/format.h>

#include <algorithm>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"

namespace fleetsim {
namespace {

// Bytes per device of the all-reduces that measure a failure's effect: large enough that bandwidth, which is what
// a failed switch takes away, dominates the time.
constexpr double kProbeBytes = 256e6;

// The data-parallel groups of one stage, ranks laid out pipeline-outermost as the step simulator places them
// (stage = rank / devices per stage; inside a stage, the replica = rank / (tp x cp)).
std::vector<std::vector<int64_t>> StageGroups(const Plan& plan, int64_t devices, int stage) {
  const int64_t per_stage = devices / plan.pp;
  const int64_t width = static_cast<int64_t>(plan.tp) * plan.cp;
  const int64_t first = per_stage * stage;
  std::vector<std::vector<int64_t>> groups(static_cast<size_t>(width));
  for (int64_t g = 0; g < width; ++g) {
    for (int64_t r = 0; r < plan.dp; ++r) groups[static_cast<size_t>(g)].push_back(first + g + r * width);
  }
  return groups;
}

// The stage's expert-parallel groups: ep consecutive data-parallel replicas of each of its data-parallel groups.
std::vector<std::vector<int64_t>> ExpertGroups(const Plan& plan, const std::vector<std::vector<int64_t>>& dp) {
  std::vector<std::vector<int64_t>> groups;
  for (const std::vector<int64_t>& g : dp) {
    for (size_t first = 0; first + static_cast<size_t>(plan.ep) <= g.size();
         first += static_cast<size_t>(plan.ep)) {
      groups.emplace_back(g.begin() + static_cast<std::ptrdiff_t>(first),
                          g.begin() + static_cast<std::ptrdiff_t>(first + static_cast<size_t>(plan.ep)));
    }
  }
  return groups;
}

// The slowest of the groups' concurrent collectives: ring all-reduces (data parallel) or all-to-alls (expert
// parallel, on the network's direct schedule).
double ConcurrentTime(const Network& net, const std::vector<std::vector<int64_t>>& groups, CollectiveOp op) {
  std::vector<CollectiveRequest> requests;
  const Algorithm algorithm = op == CollectiveOp::kAllToAll ? Algorithm::kDirect : Algorithm::kRing;
  for (const std::vector<int64_t>& g : groups) requests.push_back({op, algorithm, Bytes(kProbeBytes), g});
  double slowest = 0;
  for (const CollectiveResult& r : SimulateConcurrent(net, requests)) slowest = std::max(slowest, r.time.value());
  return slowest;
}

// The vertex of the index-th switch of a tier, in build order.
int32_t FindSwitch(const Network& net, const SwitchFailure& f, const std::string& file) {
  const Topology& topo = net.topology();
  int64_t seen = 0;
  for (size_t v = 0; v < topo.num_vertices(); ++v) {
    const Vertex& vx = topo.vertex(static_cast<int32_t>(v));
    if (vx.kind != VertexKind::kSwitch || vx.tier != f.tier) continue;
    if (seen++ == f.index) return static_cast<int32_t>(v);
  }
  const std::string tier = SwitchTierNames()[static_cast<size_t>(f.tier - 1)];
  throw InputError(
      file, f.line,
      seen == 0
          ? fmt::format("simulation.failures: the fabric '{}' has no {} switches", net.cluster().fabric.id, tier)
          : fmt::format("simulation.failures: {} switch {} does not exist; the fabric '{}' has {} "
                        "(index 0 to {})",
                        tier, f.index, net.cluster().fabric.id, seen, seen - 1));
}

}  // namespace

std::vector<CommChange> FabricFailureChanges(const Scenario& scenario, const Plan& plan) {
  if (!scenario.simulation || scenario.simulation->failures.empty()) return {};
  std::vector<SwitchFailure> failures = scenario.simulation->failures;
  std::stable_sort(failures.begin(), failures.end(),
                   [](const SwitchFailure& a, const SwitchFailure& b) { return a.at_s < b.at_s; });
  Network net = Network::Build(scenario.cluster);
  std::vector<std::vector<std::vector<int64_t>>> groups, expert_groups;
  std::vector<double> healthy, healthy_ep;
  for (int s = 0; s < plan.pp; ++s) {
    groups.push_back(StageGroups(plan, scenario.cluster.count, s));
    healthy.push_back(ConcurrentTime(net, groups.back(), CollectiveOp::kAllReduce));
    if (plan.ep > 1) {
      expert_groups.push_back(ExpertGroups(plan, groups.back()));
      healthy_ep.push_back(ConcurrentTime(net, expert_groups.back(), CollectiveOp::kAllToAll));
    }
  }
  auto ratio = [](double t, double base) { return base > 0 ? t / base : 1.0; };
  std::vector<CommChange> changes;
  for (size_t i = 0; i < failures.size(); ++i) {
    const SwitchFailure& f = failures[i];
    net.FailSwitch(FindSwitch(net, f, scenario.file));
    // Failures at the same time take effect together.
    if (i + 1 < failures.size() && failures[i + 1].at_s == f.at_s) continue;
    CommChange change{f.at_s, {}, {}};
    for (int s = 0; s < plan.pp; ++s) {
      const size_t i_s = static_cast<size_t>(s);
      try {
        change.factor.push_back(ratio(ConcurrentTime(net, groups[i_s], CollectiveOp::kAllReduce), healthy[i_s]));
        if (plan.ep > 1) {
          change.ep_factor.push_back(
              ratio(ConcurrentTime(net, expert_groups[i_s], CollectiveOp::kAllToAll), healthy_ep[i_s]));
        }
      } catch (const InputError& e) {
        throw InputError(scenario.file, f.line,
                         fmt::format("simulation.failures: after the failure at {} s, stage {}'s data-parallel "
                                     "collectives cannot complete ({}); the step cannot finish, and the job's "
                                     "recovery is what `fleetsim reliability` models",
                                     f.at_s, s, e.message()));
      }
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace fleetsim
