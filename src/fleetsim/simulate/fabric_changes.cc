#include "fleetsim/simulate/fabric_changes.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/simulate/rank_layout.h"

namespace fleetsim {
namespace {

// Bytes per device of the collectives that measure the fabric when the step's own size is not known (no
// data-parallel reduction, the expert all-to-alls): large enough that bandwidth, which is what a failed switch
// or a neighbour takes away, dominates the time.
constexpr double kProbeBytes = 256e6;

// Where a job's accelerators sit on the shared fabric: from `offset` on, or every `ways`-th node (scale-up
// domain) starting at node `slot`.
struct Placement {
  int64_t offset = 0;
  int64_t domain = 1;
  int64_t slot = 0;
  int64_t ways = 1;
  int64_t Map(int64_t acc) const {
    if (ways == 1) return offset + acc;
    return ((acc / domain) * ways + slot) * domain + acc % domain;
  }
};

// The data-parallel groups of one stage of a job (one per tensor- and context-parallel position, across the
// replicas), ranks laid out as the step simulator places them (RankLayout).
std::vector<std::vector<int64_t>> StageGroups(const Plan& plan, int64_t devices, int stage, const Placement& at) {
  const RankLayout layout(plan, devices);
  std::vector<std::vector<int64_t>> groups(static_cast<size_t>(layout.per_replica));
  for (int64_t g = 0; g < layout.per_replica; ++g) {
    for (int64_t r = 0; r < plan.dp; ++r)
      groups[static_cast<size_t>(g)].push_back(at.Map(layout.Rank(stage, r, g)));
  }
  return groups;
}

// The transfers across the boundary after stage `stage` (to the next, or from the last to the first): every rank
// of the stage with its counterpart, activations one way and gradients the other at once.
std::vector<std::vector<int64_t>> BoundaryPairs(const Plan& plan, int64_t devices, int stage,
                                                const Placement& at) {
  const RankLayout layout(plan, devices);
  const int64_t from = layout.Rank(stage, 0, 0);
  const int64_t to = layout.Rank((stage + 1) % plan.pp, 0, 0);
  std::vector<std::vector<int64_t>> pairs;
  pairs.reserve(static_cast<size_t>(layout.per_stage));
  for (int64_t i = 0; i < layout.per_stage; ++i) pairs.push_back({at.Map(from + i), at.Map(to + i)});
  return pairs;
}

// The stage's expert-parallel groups: ep consecutive data-parallel replicas of each of its data-parallel groups.
std::vector<std::vector<int64_t>> ExpertGroups(const Plan& plan, const std::vector<std::vector<int64_t>>& dp) {
  std::vector<std::vector<int64_t>> groups;
  const auto ep = static_cast<size_t>(plan.ep);
  for (const std::vector<int64_t>& g : dp) {
    for (size_t first = 0; first + ep <= g.size(); first += ep) {
      groups.emplace_back(g.begin() + static_cast<std::ptrdiff_t>(first),
                          g.begin() + static_cast<std::ptrdiff_t>(first + ep));
    }
  }
  return groups;
}

// Collectives that start together: ring all-reduces (data parallel), all-to-alls (expert parallel, on the
// network's direct schedule) or point-to-point exchanges (pipeline boundaries).
struct Traffic {
  std::vector<std::vector<int64_t>> groups;
  CollectiveOp op = CollectiveOp::kAllReduce;
  double bytes = kProbeBytes;
};

void Add(std::vector<CollectiveRequest>& requests, const Traffic& t) {
  const bool direct = t.op == CollectiveOp::kAllToAll || t.op == CollectiveOp::kPointToPoint;
  const Algorithm algorithm = direct ? Algorithm::kDirect : Algorithm::kRing;
  for (const std::vector<int64_t>& g : t.groups) requests.push_back({t.op, algorithm, Bytes(t.bytes), g});
}

// The slowest of `ours` while `theirs` (may be empty) runs beside it.
double SlowestOf(const Network& net, const Traffic& ours, const Traffic* theirs) {
  std::vector<CollectiveRequest> requests;
  Add(requests, ours);
  if (theirs) Add(requests, *theirs);
  const std::vector<CollectiveResult> results = SimulateConcurrent(net, requests);
  double slowest = 0;
  for (size_t i = 0; i < ours.groups.size(); ++i) slowest = std::max(slowest, results[i].time.value());
  return slowest;
}

// The vertex of the index-th switch of a tier, in build order.
int32_t FindSwitch(const Network& net, int tier_number, int64_t index, int line, const std::string& file) {
  const Topology& topo = net.topology();
  int64_t seen = 0;
  for (size_t v = 0; v < topo.num_vertices(); ++v) {
    const Vertex& vx = topo.vertex(static_cast<int32_t>(v));
    if (vx.kind != VertexKind::kSwitch || vx.tier != tier_number) continue;
    if (seen++ == index) return static_cast<int32_t>(v);
  }
  const std::string tier = SwitchTierNames()[static_cast<size_t>(tier_number - 1)];
  throw InputError(
      file, line,
      seen == 0
          ? fmt::format("simulation.failures: the fabric '{}' has no {} switches", net.cluster().fabric.id, tier)
          : fmt::format("simulation.failures: {} switch {} does not exist; the fabric '{}' has {} "
                        "(index 0 to {})",
                        tier, index, net.cluster().fabric.id, seen, seen - 1));
}

// Takes the failed switch, or link, out of the network.
void Fail(Network& net, const SwitchFailure& f, const std::string& file) {
  const int32_t a = FindSwitch(net, f.tier, f.index, f.line, file);
  if (!f.link) {
    net.FailSwitch(a);
    return;
  }
  const int32_t b = FindSwitch(net, f.peer_tier, f.peer_index, f.line, file);
  if (!net.FailConnection(a, b)) {
    throw InputError(file, f.line,
                     fmt::format("simulation.failures: {} {} and {} {} are not linked in the fabric '{}'",
                                 SwitchTierNames()[static_cast<size_t>(f.tier - 1)], f.index,
                                 SwitchTierNames()[static_cast<size_t>(f.peer_tier - 1)], f.peer_index,
                                 net.cluster().fabric.id));
  }
}

// The neighbour job's gradient reduction, all its stages at once, where its placement puts it.
struct Neighbour {
  int64_t count = 0;
  Plan plan;
  Traffic reduction;  // bytes only; the groups once the placement is known
};

Neighbour LoadNeighbour(const Scenario& scenario, const NeighbourJob& job) {
  const std::filesystem::path path = std::filesystem::path(scenario.file).parent_path() / job.scenario;
  const Scenario other = Scenario::Load(path.string());
  const ClusterSpec& a = scenario.cluster;
  const ClusterSpec& b = other.cluster;
  if (b.accelerator.id != a.accelerator.id || b.node.id != a.node.id || b.fabric.id != a.fabric.id ||
      b.datacenters != a.datacenters) {
    throw InputError(scenario.file, job.line,
                     fmt::format("simulation.neighbour: '{}' runs on {} / {} / {}; a job sharing this fabric must "
                                 "run on the same accelerator, node and fabric ({} / {} / {})",
                                 job.scenario, b.accelerator.id, b.node.id, b.fabric.id, a.accelerator.id,
                                 a.node.id, a.fabric.id));
  }
  if (job.interleaved && b.count != a.count) {
    throw InputError(
        scenario.file, job.line,
        fmt::format("simulation.neighbour: interleaved placement gives the jobs every other node: they "
                    "need as many accelerators ({} here, {} in '{}'); use placement: after",
                    a.count, b.count, job.scenario));
  }
  Neighbour n;
  n.count = b.count;
  n.plan = EstimateScenario(other).plan;
  const PipelineCosts costs = Estimator(other.model, other.cluster, other.training).Pipeline(n.plan);
  n.reduction.bytes = costs.dp_reduce_bytes > 0 ? costs.dp_reduce_bytes : kProbeBytes;
  return n;
}

}  // namespace

std::vector<CommChange> FabricChanges(const Scenario& scenario, const Plan& plan, const PipelineCosts& costs) {
  const SimulationSpec spec = scenario.simulation.value_or(SimulationSpec{});
  if (spec.failures.empty() && !spec.neighbour) return {};
  std::vector<SwitchFailure> failures = spec.failures;
  std::stable_sort(failures.begin(), failures.end(),
                   [](const SwitchFailure& a, const SwitchFailure& b) { return a.at_s < b.at_s; });
  std::optional<Neighbour> neighbour;
  if (spec.neighbour) neighbour = LoadNeighbour(scenario, *spec.neighbour);
  ClusterSpec shared = scenario.cluster;
  if (neighbour) shared.count += neighbour->count;
  Network net = [&] {
    try {
      return Network::Build(shared);
    } catch (const InputError& e) {
      if (!neighbour) throw;
      throw InputError(
          scenario.file, spec.neighbour->line,
          fmt::format("simulation.neighbour: the fabric cannot hold both jobs ({} + {} accelerators): {}",
                      scenario.cluster.count, neighbour->count, e.message()));
    }
  }();
  // This job first, the neighbour after it or on the nodes in between.
  const bool interleaved = neighbour && spec.neighbour->interleaved;
  const Placement ours{0, net.domain_size(), 0, interleaved ? 2 : 1};
  const Placement theirs_at =
      interleaved ? Placement{0, net.domain_size(), 1, 2} : Placement{scenario.cluster.count, 1, 0, 1};
  if (neighbour) {
    for (int s = 0; s < neighbour->plan.pp; ++s) {
      for (auto& g : StageGroups(neighbour->plan, neighbour->count, s, theirs_at)) {
        if (g.size() > 1) neighbour->reduction.groups.push_back(std::move(g));
      }
    }
  }
  const Traffic* theirs = neighbour ? &neighbour->reduction : nullptr;

  // Per stage, its reduction, (with expert parallelism) its all-to-alls and (with pipeline parallelism) the
  // transfers across the boundary after it, and their times alone. The boundary from the last stage back to the
  // first carries traffic only under interleaving.
  struct StageTraffic {
    Traffic reduction, all_to_all, boundary;
    double alone = 0, alone_ep = 0, alone_pp = 0;
  };
  const int boundaries = plan.pp > 1 ? (plan.vpp > 1 ? plan.pp : plan.pp - 1) : 0;
  std::vector<StageTraffic> stages(static_cast<size_t>(plan.pp));
  for (int s = 0; s < plan.pp; ++s) {
    StageTraffic& st = stages[static_cast<size_t>(s)];
    st.reduction.groups = StageGroups(plan, scenario.cluster.count, s, ours);
    if (costs.dp_reduce_bytes > 0) st.reduction.bytes = costs.dp_reduce_bytes;
    st.alone = SlowestOf(net, st.reduction, nullptr);
    if (plan.ep > 1) {
      st.all_to_all = {ExpertGroups(plan, st.reduction.groups), CollectiveOp::kAllToAll, kProbeBytes};
      st.alone_ep = SlowestOf(net, st.all_to_all, nullptr);
    }
    if (s < boundaries) {
      st.boundary = {BoundaryPairs(plan, scenario.cluster.count, s, ours), CollectiveOp::kPointToPoint,
                     costs.p2p_bytes > 0 ? costs.p2p_bytes : kProbeBytes};
      st.alone_pp = SlowestOf(net, st.boundary, nullptr);
    }
  }
  auto ratio = [](double t, double base) { return base > 0 ? t / base : 1.0; };
  // The factors on the network as it is now, against each stage alone on the healthy fabric.
  auto measure = [&](double at_s) {
    CommChange change{at_s, {}, {}, {}};
    for (int s = 0; s < plan.pp; ++s) {
      const StageTraffic& st = stages[static_cast<size_t>(s)];
      change.factor.push_back(ratio(SlowestOf(net, st.reduction, theirs), st.alone));
      if (plan.ep > 1) change.ep_factor.push_back(ratio(SlowestOf(net, st.all_to_all, theirs), st.alone_ep));
      if (s < boundaries) change.pp_factor.push_back(ratio(SlowestOf(net, st.boundary, theirs), st.alone_pp));
    }
    return change;
  };
  std::vector<CommChange> changes;
  if (neighbour) changes.push_back(measure(0.0));
  for (size_t i = 0; i < failures.size(); ++i) {
    const SwitchFailure& f = failures[i];
    Fail(net, f, scenario.file);
    // Failures at the same time take effect together.
    if (i + 1 < failures.size() && failures[i + 1].at_s == f.at_s) continue;
    try {
      changes.push_back(measure(f.at_s));
    } catch (const InputError& e) {
      throw InputError(
          scenario.file, f.line,
          fmt::format("simulation.failures: after the failure at {} s, the step's collectives cannot "
                      "complete ({}); the step cannot finish, and the job's recovery is what `fleetsim "
                      "reliability` models",
                      f.at_s, e.message()));
    }
  }
  return changes;
}

}  // namespace fleetsim
