// Scenario: the validated, immutable input of every command, parsed once from one YAML file (DESIGN §3): the
// cluster, the model and the training job, plus the optional reliability, datacenter, economics, serving and
// simulation sections.
// Presets resolve against the Catalog; every key is checked (unknown keys, units, ranges, consistency), and any
// problem is an InputError naming the file and line.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/catalog/model.h"
#include "fleetsim/cost/economics_spec.h"
#include "fleetsim/energy/datacenter_spec.h"
#include "fleetsim/reliability/reliability_spec.h"
#include "fleetsim/scenario/cluster_spec.h"
#include "fleetsim/scenario/simulation_spec.h"
#include "fleetsim/scenario/training_spec.h"
#include "fleetsim/serve/serving_spec.h"
#include "fleetsim/serve/workload_spec.h"

namespace fleetsim {

// One `--set key.path=value` override from the command line, applied before validation.
struct Override {
  std::string key;    // dotted path, e.g. "training.micro_batch"
  std::string value;  // YAML scalar or flow text, e.g. "2", "auto", "{tp: 8, pp: 4}"
};

struct Scenario {
  std::string name;
  std::string file;
  ClusterSpec cluster;
  ModelSpec model;
  TrainingSpec training;
  bool has_training = false;  // a `training:` section was given (a serving scenario may leave it out)
  std::optional<ReliabilitySpec> reliability;
  std::optional<DatacenterSpec> datacenter;
  std::optional<EconomicsSpec> economics;
  // Serving (`fleetsim serve`): with a `serving:` section, `training:` may be left out (training then holds
  // its defaults, unused) and `workload:` says what requests arrive.
  std::optional<ServingSpec> serving;
  std::optional<WorkloadSpec> workload;
  std::optional<SimulationSpec> simulation;  // `fleetsim simulate`: schedule and stragglers

  // Parses and validates YAML text; `file` names it in messages.
  static Scenario Parse(const std::string& text, const std::string& file,
                        const std::vector<Override>& overrides = {}, const Catalog& catalog = Catalog::BuiltIn());
  static Scenario Load(const std::string& path, const std::vector<Override>& overrides = {},
                       const Catalog& catalog = Catalog::BuiltIn());
  // Only the `cluster:` section of a scenario file (for commands that need no model or job); other sections are
  // not read.
  static ClusterSpec LoadCluster(const std::string& path, const std::vector<Override>& overrides = {},
                                 const Catalog& catalog = Catalog::BuiltIn());
};

// Parses "key.path=value" as given to --set; malformed text is an InputError.
Override ParseOverride(const std::string& text);

}  // namespace fleetsim
