// Catalog: the read-only registry of accelerators, nodes, fabrics and models, loaded once from the data/*.yaml
// files embedded in the library (or from a directory, for tests of user-supplied catalogs). Lookups by id throw
// InputError with a "did you mean" suggestion, so a scenario's misspelt id gets a clear message.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fleetsim/catalog/accelerator.h"
#include "fleetsim/catalog/fabric.h"
#include "fleetsim/catalog/model.h"
#include "fleetsim/catalog/node.h"
#include "fleetsim/catalog/stack.h"

namespace fleetsim {

class YamlMap;

class Catalog {
 public:
  // The catalog compiled into the library; parsed on first use, then shared (thread-safe).
  static const Catalog& BuiltIn();
  // Parses the catalog from files: each pair is (display name, YAML text). Checks cross-references. Files whose
  // top level holds none of accelerators/nodes/fabrics/models/stacks/calibration belong to other modules and are
  // skipped. The built-in catalog with one more file parsed after it (`--catalog-overlay FILE`, same format as
  // data/*.yaml): an entry whose id is built in overrides the keys it gives; a `calibration:` entry overrides only
  // its fields.
  static Catalog WithOverlay(const std::string& path);
  // The same with the overlay's text given (`name` names it in messages).
  static Catalog WithOverlayText(const std::string& text, const std::string& name);
  static Catalog FromTexts(const std::vector<std::pair<std::string, std::string>>& files);

  const Accelerator* FindAccelerator(const std::string& id) const;
  const NodeSpec* FindNode(const std::string& id) const;
  const FabricSpec* FindFabric(const std::string& id) const;
  const ModelSpec* FindModel(const std::string& id) const;
  const StackSpec* FindStack(const std::string& id) const;
  // The stack an accelerator runs when a scenario names none (data/stacks.yaml `default_for`); never null.
  const StackSpec& DefaultStack(const std::string& accelerator_id) const;
  // The stack a published run's description names (a `match` phrase found in it, case-insensitive), if any.
  const StackSpec* StackNamedIn(const std::string& description) const;

  const std::vector<Accelerator>& accelerators() const { return accelerators_; }
  const std::vector<NodeSpec>& nodes() const { return nodes_; }
  const std::vector<FabricSpec>& fabrics() const { return fabrics_; }
  const std::vector<ModelSpec>& models() const { return models_; }
  const std::vector<StackSpec>& stacks() const { return stacks_; }

  std::vector<std::string> AcceleratorIds() const;
  std::vector<std::string> NodeIds() const;
  std::vector<std::string> FabricIds() const;
  std::vector<std::string> ModelIds() const;
  std::vector<std::string> StackIds() const;

 private:
  // Reads parsed documents in order (later ones override earlier entries), then checks cross-references.
  static Catalog FromDocuments(const std::vector<YamlMap>& documents);
  // Reads the entries of catalog documents over those already held (an id read before is overridden), collecting
  // their `calibration:` tables; then applies the tables, in order, to the accelerators.
  void ReadDocuments(const std::vector<YamlMap>& documents, std::vector<YamlMap>& tables);
  void ResolveCalibration(std::vector<YamlMap>& tables);
  void CheckReferences() const;

  std::vector<Accelerator> accelerators_;
  std::vector<NodeSpec> nodes_;
  std::vector<FabricSpec> fabrics_;
  std::vector<ModelSpec> models_;
  std::vector<StackSpec> stacks_;
};

}  // namespace fleetsim
