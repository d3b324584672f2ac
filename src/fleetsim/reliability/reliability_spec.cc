#include "fleetsim/reliability/reliability_spec.h"

#include <fmt/format.h>

#include <algorithm>

#include "fleetsim/core/quantity.h"
#include "fleetsim/core/suggest.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

bool IsAuto(YamlMap& m, const std::string& key) {
  return m.Has(key) && m.node()[key].IsScalar() && m.node()[key].Scalar() == "auto";
}

// A time that must be > 0, or `auto` (returned empty, like an absent key).
std::optional<Seconds> OptIntervalOrAuto(YamlMap& m, const std::string& key) {
  if (IsAuto(m, key)) return std::nullopt;
  if (auto v = m.OptQuantity(key, Dimension::kTime, Range::Positive())) return Seconds(*v);
  return std::nullopt;
}

CheckpointSpec ParseCheckpoint(YamlMap& m) {
  CheckpointSpec c;
  c.interval = OptIntervalOrAuto(m, "interval");
  c.in_memory_interval = OptIntervalOrAuto(m, "in_memory_interval");
  if (auto v = m.OptQuantity("storage_bandwidth", Dimension::kBandwidth, Range::Positive())) {
    c.storage_bandwidth = Bandwidth(*v);
  }
  if (auto v = m.OptQuantity("in_memory_bandwidth", Dimension::kBandwidth, Range::Positive())) {
    c.in_memory_bandwidth = Bandwidth(*v);
  }
  if (auto v = m.OptQuantity("size", Dimension::kBytes, Range::Positive())) c.size = Bytes(*v);
  c.bytes_per_parameter = m.OptNumber("bytes_per_parameter", Range::Between(0.5, 64));
  m.Finish();
  return c;
}

std::vector<Policy> ParsePolicies(YamlMap& m) {
  std::vector<Policy> policies;
  for (const std::string& name : m.StringList("policies")) {
    const auto& names = PolicyNames();
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      m.Fail("policies",
             fmt::format("unknown policy '{}'{}; known: {}", name, DidYouMean(name, names), JoinList(names)));
    }
    const Policy p = static_cast<Policy>(it - names.begin());
    if (std::find(policies.begin(), policies.end(), p) != policies.end()) {
      m.Fail("policies", fmt::format("policy '{}' is listed twice", name));
    }
    policies.push_back(p);
  }
  if (policies.empty()) m.Fail("policies", "list at least one policy (checkpoint-restart is the base)");
  // Checkpoints to storage are the base of every run (silent corruption and correlated failures need them).
  if (std::find(policies.begin(), policies.end(), Policy::kCheckpointRestart) == policies.end()) {
    policies.insert(policies.begin(), Policy::kCheckpointRestart);
  }
  return policies;
}

void ParseRates(YamlMap& m, FailureCatalog& failures) {
  const std::vector<std::string> ids = failures.Ids();
  for (const auto& entry : m.node()) {
    if (!entry.first.IsScalar()) m.FailHere("keys are failure class ids, e.g. gpu");
    const std::string id = entry.first.Scalar();
    if (!failures.Find(id)) {
      m.Fail(id, fmt::format("unknown failure class '{}'{}; known: {}", id, DidYouMean(id, ids), JoinList(ids)));
    }
  }
  for (FailureClass& c : failures.classes) {
    if (auto v = m.OptNumber(c.id, Range::Between(0, kMaxRatePerUnitHour))) c.rate_per_unit_hour = *v;
  }
  m.Finish();
}

}  // namespace

const std::vector<std::string>& PolicyNames() {
  static const std::vector<std::string> names = {"checkpoint-restart", "in-memory", "hot-spares", "elastic",
                                                 "ocs-reroute"};
  return names;
}

std::string_view PolicyName(Policy p) { return PolicyNames()[static_cast<size_t>(p)]; }

bool ReliabilitySpec::Has(Policy p) const {
  return std::find(policies.begin(), policies.end(), p) != policies.end();
}

std::string ReplacementAssumption(const ReliabilitySpec& s) {
  const RecoveryTimes& t = s.failures.recovery;
  auto time = [](Seconds v) { return FormatQuantity(v.value(), Dimension::kTime); };
  const bool elastic = s.Has(Policy::kElastic);
  if (s.Has(Policy::kHotSpares)) {
    return fmt::format(
        "{} hot spare node(s), each swapped in after {}; failed nodes go to repair (mean {}) and rejoin the pool; "
        "with no spare free the job {}",
        s.spares, time(t.hot_swap), time(t.repair),
        elastic ? "shrinks (elastic) until a repair returns" : "waits for the next repair");
  }
  if (s.Has(Policy::kOcsReroute)) {
    return fmt::format(
        "failed cubes are replaced by re-pointing optical circuits at spare cubes ({} plus the "
        "switching time), assumed always available",
        time(t.ocs_swap));
  }
  if (elastic) {
    return fmt::format(
        "the job shrinks by the failed nodes' replicas and grows back after repair (mean {}); it "
        "waits instead when shrinking would stop it",
        time(t.repair));
  }
  return fmt::format(
      "failed nodes are replaced from an unlimited pool of cold spares, each after {} (provisioning "
      "and health checks); the job never waits for a repair",
      time(t.cold_replacement));
}

ReliabilitySpec ParseReliabilitySpec(YamlMap& m, const ClusterSpec& cluster) {
  ReliabilitySpec s;
  if (auto v = m.OptQuantity("duration", Dimension::kTime, Range::Positive())) s.duration = Seconds(*v);
  if (auto v = m.OptInteger("trials", Range::Between(1, static_cast<double>(kMaxTrials)))) s.trials = *v;
  if (auto v = m.OptInteger("seed", Range::Between(0, 9e15))) s.seed = static_cast<uint64_t>(*v);
  if (m.Has("policies")) s.policies = ParsePolicies(m);
  if (auto c = m.OptMap("checkpoint")) s.checkpoint = ParseCheckpoint(*c);
  if (auto v = m.OptInteger("spares", Range::NonNegative())) s.spares = *v;
  if (auto v = m.OptQuantity("step_time", Dimension::kTime, Range::Positive())) s.step_time = Seconds(*v);
  s.replica_size = m.OptInteger("replica_size", Range::Between(1, 1e8));
  if (auto r = m.OptMap("rates")) ParseRates(*r, s.failures);
  if (auto v = m.OptNumber("rate_scale", Range::Between(0, kMaxRateScale))) {
    for (FailureClass& c : s.failures.classes) c.rate_per_unit_hour *= *v;
  }
  if (auto r = m.OptMap("recovery")) {
    ParseRecoveryTimes(*r, s.failures.recovery);
    r->Finish();
  }
  m.Finish();

  const int64_t nodes = cluster.Nodes();
  if (s.spares > nodes) {
    m.Fail("spares", fmt::format("{} spare nodes for a job of {} nodes ('{}' domains of {}): at most {}", s.spares,
                                 nodes, cluster.node.id, cluster.node.size, nodes));
  }
  if (s.spares > 0 && !s.Has(Policy::kHotSpares) && !s.Has(Policy::kOcsReroute)) {
    m.Fail("spares", "spares need the hot-spares or ocs-reroute policy in `policies`");
  }
  if (s.Has(Policy::kOcsReroute) && !cluster.fabric.ocs) {
    m.Fail("policies",
           fmt::format("ocs-reroute needs a fabric with optical circuit switches (e.g. tpu-ici-torus-ocs); "
                       "'{}' has none",
                       cluster.fabric.id));
  }
  if (s.replica_size && cluster.count % *s.replica_size != 0) {
    m.Fail("replica_size",
           fmt::format("replica_size {} does not divide the {} accelerators", *s.replica_size, cluster.count));
  }
  return s;
}

}  // namespace fleetsim
