#include "fleetsim/scenario/scenario.h"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/core/suggest.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/net/network.h"

namespace fleetsim {
namespace {

// Resolves a `preset:`-style reference: either a plain id string, or a map with an optional `preset` id and
// inline overrides. Returns the catalog entry (copied) with the overrides applied.
template <class T, class Find, class Parse>
T ResolvePreset(YamlMap& parent, const std::string& key, const std::string& default_id, const char* kind,
                const std::vector<std::string>& ids, Find find, Parse parse) {
  auto lookup = [&](const std::string& id, YamlMap& where, const std::string& where_key) -> T {
    const T* found = find(id);
    if (!found) {
      where.FailValue(where_key,
                      fmt::format("unknown {} '{}'{}; known: {}", kind, id, DidYouMean(id, ids), JoinList(ids)));
    }
    return *found;
  };
  if (!parent.Has(key)) {
    if (default_id.empty()) parent.Fail(key, fmt::format("missing required key (a {} id)", kind));
    return lookup(default_id, parent, key);
  }
  if (parent.node()[key].IsScalar()) return lookup(parent.String(key), parent, key);
  YamlMap map = parent.Map(key);
  T value;
  if (auto preset = map.OptString("preset")) {
    value = lookup(*preset, map, "preset");
  } else if (!default_id.empty()) {
    value = lookup(default_id, parent, key);
  }
  parse(map, value);
  map.Finish();
  return value;
}

// A section every training scenario needs; a missing one is an error at the top of the file, naming it.
void RequireSection(YamlMap& root, const std::string& key, const char* what) {
  if (!root.Has(key)) {
    throw InputError(root.file(), 1, fmt::format("missing section '{}:' ({}); see docs/scenario.md", key, what));
  }
}

// "1200km", "800 km", "50000m": a distance in kilometres, 0 to 40,000 km.
double ParseDistanceKm(YamlMap& m, const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  const double km = unit == "km" ? value : unit == "m" ? value / 1000.0 : -1;
  if (used == 0 || km < 0 || km > 40000 || !std::isfinite(km)) {
    m.Fail("distance",
           fmt::format("'{}' is not a distance between 0 and 40000 km (e.g. \"1200km\", \"800m\")", text));
  }
  return km;
}

ClusterSpec ParseCluster(YamlMap& root, const Catalog& catalog) {
  RequireSection(root, "cluster", "the accelerators: accelerator, count, node, fabric");
  YamlMap m = root.Map("cluster");
  ClusterSpec c;
  const std::string acc_id = m.String("accelerator");
  const Accelerator* acc = catalog.FindAccelerator(acc_id);
  if (!acc) {
    m.FailValue("accelerator",
                fmt::format("unknown accelerator '{}'{}; known: {}", acc_id,
                            DidYouMean(acc_id, catalog.AcceleratorIds()), JoinList(catalog.AcceleratorIds())));
  }
  c.accelerator = *acc;
  c.count = m.Integer("count", Range::Between(1, 1e8));
  c.node = ResolvePreset<NodeSpec>(
      m, "node", acc->default_node, "node", catalog.NodeIds(),
      [&](const std::string& id) { return catalog.FindNode(id); }, ParseNode);
  if (c.node.accelerator != acc->id) {
    m.Fail("node", fmt::format("node '{}' holds {} accelerators, not {}", c.node.id, c.node.accelerator, acc->id));
  }
  c.fabric = ResolvePreset<FabricSpec>(
      m, "fabric", c.node.default_fabric, "fabric", catalog.FabricIds(),
      [&](const std::string& id) { return catalog.FindFabric(id); }, ParseFabric);
  if (auto v = m.OptInteger("datacenters", Range::Between(1, 64))) c.datacenters = static_cast<int>(*v);
  if (auto wan = m.OptMap("wan")) {
    if (auto v = wan->OptQuantity("bandwidth", Dimension::kBandwidth, Range::Positive()))
      c.wan.bandwidth = Bandwidth(*v);
    const bool has_latency = wan->Has("latency");
    if (auto v = wan->OptQuantity("latency", Dimension::kTime, Range::NonNegative())) c.wan.latency = Seconds(*v);
    if (auto text = wan->OptString("distance")) {
      // Light in fibre covers about 200 km per millisecond (refractive index ~1.5): 5 us per km, one way.
      if (has_latency) wan->Fail("distance", "give wan.latency or wan.distance, not both");
      c.wan.latency = Seconds(ParseDistanceKm(*wan, *text) * 5e-6);
    }
    wan->Finish();
  }
  m.Finish();

  if (c.fabric.kind == FabricKind::kTorus && c.fabric.max_slice > 0 && c.count > c.fabric.max_slice) {
    const FabricSpec* dcn = catalog.FindFabric(c.fabric.dcn_fabric);
    if (!dcn) {
      m.Fail("count",
             fmt::format("{} accelerators exceed one {} slice of {}, and the fabric names no dcn_fabric to "
                         "join slices",
                         c.count, c.fabric.id, c.fabric.max_slice));
    }
    c.dcn = *dcn;
  }
  if (c.count % c.datacenters != 0) {
    m.Fail("datacenters",
           fmt::format("count {} does not split evenly over {} datacenters", c.count, c.datacenters));
  }
  if (!c.dcn) {  // a fleet the fabric cannot wire (radix, tiers, pods) is refused here, for every command
    try {
      Network::CheckFits(c);
    } catch (const InputError& e) {
      m.Fail("count", e.message());
    }
  }
  return c;
}

ModelSpec ParseModelSection(YamlMap& root, const Catalog& catalog) {
  RequireSection(root, "model", "the model to train: a catalog id such as llama3-8b, or its dimensions");
  if (root.node()["model"].IsScalar()) {
    const std::string id = root.String("model");
    const ModelSpec* m = catalog.FindModel(id);
    if (!m) {
      root.FailValue("model", fmt::format("unknown model '{}'{}; known: {}", id,
                                          DidYouMean(id, catalog.ModelIds()), JoinList(catalog.ModelIds())));
    }
    return *m;
  }
  return ResolvePreset<ModelSpec>(
      root, "model", "", "model", catalog.ModelIds(), [&](const std::string& id) { return catalog.FindModel(id); },
      ParseModel);
}

ParallelismSpec ParseParallelism(YamlMap& m, const ClusterSpec& cluster, const ModelSpec& model) {
  ParallelismSpec p;
  const Range degree = Range::Between(1, 1e7);
  if (auto v = m.OptInteger("tp", degree)) p.tp = static_cast<int>(*v);
  if (auto v = m.OptInteger("pp", degree)) p.pp = static_cast<int>(*v);
  if (auto v = m.OptInteger("cp", degree)) p.cp = static_cast<int>(*v);
  if (auto v = m.OptInteger("ep", degree)) p.ep = static_cast<int>(*v);
  if (auto v = m.OptIntegerOrAuto("vpp", Range::Between(1, 1e4))) p.vpp = static_cast<int>(*v);
  const int64_t model_parallel = static_cast<int64_t>(p.tp) * p.pp * p.cp;
  if (auto v = m.OptInteger("dp", degree)) {
    p.dp = static_cast<int>(*v);
  } else {
    if (cluster.count % model_parallel != 0) {
      m.FailHere(fmt::format("tp*pp*cp = {} does not divide count {}", model_parallel, cluster.count));
    }
    p.dp = static_cast<int>(cluster.count / model_parallel);
  }
  m.Finish();

  if (model_parallel * p.dp != cluster.count) {
    m.FailHere(fmt::format("tp*pp*dp*cp = {}*{}*{}*{} = {} but cluster.count is {}; the product must equal count",
                           p.tp, p.pp, p.dp, p.cp, model_parallel * p.dp, cluster.count));
  }
  if (model.heads % p.tp != 0) {
    m.Fail("tp", fmt::format("model heads {} are not divisible by tp {}", model.heads, p.tp));
  }
  if (model.kv_heads % p.tp != 0 && p.tp % model.kv_heads != 0) {
    m.Fail("tp", fmt::format("kv_heads {} and tp {}: one must divide the other", model.kv_heads, p.tp));
  }
  if (p.pp > model.layers) {
    m.Fail("pp", fmt::format("{} pipeline stages for {} layers: each stage needs at least one layer", p.pp,
                             model.layers));
  }
  if (p.vpp && *p.vpp > 1) {
    if (p.pp == 1) m.Fail("vpp", "interleaving (vpp > 1) needs pipeline parallelism (pp > 1)");
    // A chunk holds at least one layer, except that the first and the last may hold only the embedding and only
    // the output layer and loss (Megatron's account-for-embedding/loss pipeline split; Meta's Llama 3 layout,
    // Llama 3 paper section 3.3.2): at most layers + 2 chunks.
    if (static_cast<int64_t>(p.pp) * *p.vpp > model.layers + 2) {
      m.Fail("vpp", fmt::format("pp*vpp = {} model chunks for {} layers: each chunk needs at least one layer (the "
                                "first and last may hold only the embedding and the loss: at most {} chunks)",
                                p.pp * *p.vpp, model.layers, model.layers + 2));
    }
  }
  if (p.ep > 1) {
    if (!model.moe.enabled()) m.Fail("ep", "expert parallelism (ep > 1) needs a mixture-of-experts model");
    if (model.moe.experts % p.ep != 0) {
      m.Fail("ep", fmt::format("ep {} does not divide the {} experts", p.ep, model.moe.experts));
    }
    if ((static_cast<int64_t>(p.dp) * p.cp) % p.ep != 0) {
      m.Fail("ep", fmt::format("ep {} must divide dp*cp = {} (expert groups are drawn from data-parallel ranks)",
                               p.ep, p.dp * p.cp));
    }
  }
  return p;
}

TrainingSpec ParseTraining(YamlMap& root, const ClusterSpec& cluster, const ModelSpec& model,
                           const Catalog& catalog) {
  YamlMap m = root.Map("training");
  TrainingSpec t;
  // Llama 3's long-context stage trains at 128k tokens (Llama 3 paper section 3.4.2); a bound of 1M leaves room
  // for longer contexts and refuses nonsense such as 1e8 before the attention and memory models see it.
  if (auto v = m.OptInteger("seq_len", Range::Between(1, 1e6))) {
    t.seq_len = *v;
  } else if (model.seq_len > 0) {
    t.seq_len = model.seq_len;
  } else {
    m.Fail("seq_len", "missing required key (the model has no default sequence length)");
  }
  t.global_batch = m.Integer("global_batch", Range::Between(1, 1e9));
  t.micro_batch = m.OptIntegerOrAuto("micro_batch", Range::Between(1, 1e6));
  if (auto v = m.OptChoice("precision", PrecisionNames())) {
    t.precision = *ParsePrecision(*v);
    // Issue 9: a precision the chip has no matrix units for is not run at some other peak and labelled with this
    // one (fp4 on H100 at the fp8 rate, "of fp4 dense peak"): no such run exists, so it is refused.
    const Accelerator& acc = cluster.accelerator;
    if (!acc.HasMatrixUnits(t.precision)) {
      const std::string units = t.precision == Precision::kMxfp8 ? std::string("fp8") : *v;
      m.Fail("precision", fmt::format("{} has no {} matrix units (the catalog lists no {} peak for it); its "
                                      "precisions: {}",
                                      acc.id, *v, units, JoinList(acc.Precisions())));
    }
  }
  if (m.Has("parallelism") && !(m.node()["parallelism"].IsScalar() && m.String("parallelism") == "auto")) {
    YamlMap p = m.Map("parallelism");
    t.parallelism = ParseParallelism(p, cluster, model);
  }
  t.sequence_parallel = m.OptBool("sequence_parallel");
  if (auto v = m.OptString("recompute"); v && *v != "auto") {
    t.recompute = ParseRecompute(m.Choice("recompute", {"none", "selective", "full", "auto"}));
  }
  if (auto v = m.OptIntegerOrAuto("zero", Range::Between(0, 3))) t.zero = static_cast<int>(*v);
  t.tokens = m.OptNumber("tokens", Range::Positive());
  const StackSpec& default_stack = catalog.DefaultStack(cluster.accelerator.id);
  if (!m.Has("stack")) {
    t.stack = default_stack;
  } else {
    // `stack: nemo-24.09`, or a map: {preset: nemo-24.09, tp_overlap: false} (preset: the default stack).
    t.stack = ResolvePreset<StackSpec>(
        m, "stack", catalog.FindStack(default_stack.id) ? default_stack.id : "", "stack", catalog.StackIds(),
        [&](const std::string& id) { return catalog.FindStack(id); }, ParseStack);
  }
  m.Finish();

  if (t.parallelism) {
    const ParallelismSpec& p = *t.parallelism;
    if (t.global_batch % p.dp != 0) {
      m.Fail("global_batch", fmt::format("global_batch {} is not divisible by dp {}", t.global_batch, p.dp));
    }
    if (t.micro_batch && (t.global_batch / p.dp) % *t.micro_batch != 0) {
      m.Fail("micro_batch", fmt::format("micro_batch {} does not divide the {} sequences per data-parallel rank "
                                        "(global_batch {} / dp {})",
                                        *t.micro_batch, t.global_batch / p.dp, t.global_batch, p.dp));
    }
    if (t.seq_len % p.cp != 0) {
      m.Fail("seq_len", fmt::format("seq_len {} is not divisible by cp {}", t.seq_len, p.cp));
    }
  } else if (t.micro_batch && t.global_batch % *t.micro_batch != 0) {
    m.Fail("micro_batch",
           fmt::format("micro_batch {} does not divide global_batch {}", *t.micro_batch, t.global_batch));
  }
  return t;
}

// Sets a dotted key in the YAML tree to a value parsed as YAML, creating maps on the way.
void ApplyOverride(YAML::Node root, const Override& o) {
  std::vector<std::string> parts;
  std::stringstream ss(o.key);
  for (std::string part; std::getline(ss, part, '.');) {
    if (part.empty()) throw InputError("--set", 0, fmt::format("'{}': empty key segment", o.key));
    parts.push_back(part);
  }
  YAML::Node value;
  try {
    value = YAML::Load(o.value);
  } catch (const YAML::Exception& e) {
    throw InputError("--set", 0, fmt::format("{}={}: {}", o.key, o.value, e.msg));
  }
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = chain.back()[parts[i]];
    if (next.IsDefined() && next.IsScalar()) {
      // `model: llama3-8b` with `--set model.layers=4`: turn the id into {preset: id}.
      YAML::Node as_map(YAML::NodeType::Map);
      as_map["preset"] = next.Scalar();
      chain.back()[parts[i]] = as_map;
      next = chain.back()[parts[i]];
    }
    chain.push_back(next);
  }
  chain.back()[parts.back()] = value;
}

}  // namespace

Override ParseOverride(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw InputError("--set", 0, fmt::format("'{}' is not key.path=value (e.g. training.micro_batch=2)", text));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Scenario Scenario::Parse(const std::string& text, const std::string& file, const std::vector<Override>& overrides,
                         const Catalog& catalog) {
  YamlMap root = YamlMap::Parse(text, file);
  for (const Override& o : overrides) ApplyOverride(root.node(), o);

  Scenario s;
  s.file = file;
  s.name = root.OptString("name").value_or(file);
  s.cluster = ParseCluster(root, catalog);
  s.model = ParseModelSection(root, catalog);
  if (auto m = root.OptMap("serving")) s.serving = ParseServingSpec(*m, s.cluster, s.model);
  if (auto m = root.OptMap("workload")) s.workload = ParseWorkloadSpec(*m, file);
  if (!s.serving || root.Has("training")) {
    RequireSection(root, "training", "the job: seq_len, global_batch, precision, parallelism");
    s.training = ParseTraining(root, s.cluster, s.model, catalog);
    s.has_training = true;
  }
  if (auto m = root.OptMap("reliability")) s.reliability = ParseReliabilitySpec(*m, s.cluster);
  if (auto m = root.OptMap("datacenter")) s.datacenter = ParseDatacenterSpec(*m, s.cluster);
  if (auto m = root.OptMap("economics")) s.economics = ParseEconomicsSpec(*m, s.cluster);
  if (auto m = root.OptMap("simulation")) s.simulation = ParseSimulationSpec(*m, s.cluster.count);
  root.Finish();
  return s;
}

Scenario Scenario::Load(const std::string& path, const std::vector<Override>& overrides, const Catalog& catalog) {
  return Parse(ReadInputFile(path, "scenario file"), path, overrides, catalog);
}

ClusterSpec Scenario::LoadCluster(const std::string& path, const std::vector<Override>& overrides,
                                  const Catalog& catalog) {
  YamlMap root = YamlMap::Parse(ReadInputFile(path, "scenario file"), path);
  for (const Override& o : overrides) ApplyOverride(root.node(), o);
  return ParseCluster(root, catalog);
}

}  // namespace fleetsim
