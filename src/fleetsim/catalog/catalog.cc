#include "fleetsim/catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/core/suggest.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

template <class T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  for (const T& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

template <class T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const T& item : items) ids.push_back(item.id);
  return ids;
}

// Parses every entry of a top-level list with `parse`, rejecting duplicate ids.
template <class T, class Parse>
void ParseEntries(YamlMap& root, const std::string& key, std::vector<T>& out, Parse parse) {
  if (!root.Has(key)) return;
  std::set<std::string> seen;
  for (YamlMap& entry : root.MapList(key)) {
    T item;
    const std::string id = entry.String("id");
    if (!seen.insert(id).second) entry.Fail("id", fmt::format("duplicate id '{}'", id));
    // An id that an earlier file defined (a --catalog-overlay over the built-in files) overrides that entry,
    // starting from it, so the keys the overlay leaves out keep their values.
    auto earlier = std::find_if(out.begin(), out.end(), [&](const T& t) { return t.id == id; });
    if (earlier != out.end()) item = *earlier;
    parse(entry, item);
    entry.Finish();
    if (earlier != out.end()) {
      *earlier = std::move(item);
    } else {
      out.push_back(std::move(item));
    }
  }
}

// The top-level sections the catalog reads; a data file with none of them belongs to another module.
const std::vector<std::string>& CatalogSections() {
  static const std::vector<std::string> sections{"accelerators", "nodes",  "fabrics",
                                                 "models",       "stacks", "calibration"};
  return sections;
}

bool HasCatalogSection(YamlMap& root) {
  return std::any_of(CatalogSections().begin(), CatalogSections().end(),
                     [&](const std::string& s) { return root.Has(s); });
}

}  // namespace

namespace {

// The built-in data files as parsed documents, parsed once: every --catalog-overlay reads on top of them, so
// only the overlay itself is parsed per call. (A YamlMap copy shares its document and starts with no keys read.)
const std::vector<YamlMap>& EmbeddedDocuments() {
  static const std::vector<YamlMap> documents = [] {
    std::vector<YamlMap> docs;
    for (const EmbeddedFile& f : EmbeddedFiles())
      docs.push_back(YamlMap::Parse(std::string(f.content), std::string(f.path)));
    return docs;
  }();
  return documents;
}

}  // namespace

const Catalog& Catalog::BuiltIn() {
  static const Catalog catalog = FromDocuments(EmbeddedDocuments());
  return catalog;
}

Catalog Catalog::WithOverlay(const std::string& path) {
  return WithOverlayText(ReadInputFile(path, "catalog overlay file"), path);
}

Catalog Catalog::WithOverlayText(const std::string& text, const std::string& path) {
  const std::vector<YamlMap> documents = {YamlMap::Parse(text, path)};
  // FromDocuments passes over files without catalog sections (they belong to other modules); an overlay is read
  // for nothing else, so one without them is a mistake (a misspelt section, the wrong file) and is said so.
  YamlMap root = documents.back();
  if (!HasCatalogSection(root)) {
    const std::vector<std::string>& sections = CatalogSections();
    std::string first_key;
    if (root.node().size() > 0) first_key = root.node().begin()->first.Scalar();
    throw InputError(path, root.line(),
                     fmt::format("a catalog overlay needs at least one of the sections {}{}", JoinList(sections),
                                 first_key.empty() ? std::string()
                                                   : fmt::format(" (found '{}'{})", first_key,
                                                                 DidYouMean(first_key, sections))));
  }
  // The built-in entries are parsed once (BuiltIn); the overlay's are read over a copy of them, and the
  // calibration is resolved again with the overlay's table last, so that an accelerator taking a `relative`'s
  // parameters sees the overlay's change to them.
  Catalog c = BuiltIn();
  std::vector<YamlMap> tables;
  for (YamlMap doc : EmbeddedDocuments()) {
    if (HasCatalogSection(doc) && doc.Has("calibration")) tables.push_back(doc.Map("calibration"));
  }
  c.ReadDocuments({documents.back()}, tables);
  c.ResolveCalibration(tables);
  c.CheckReferences();
  return c;
}

Catalog Catalog::FromTexts(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<YamlMap> documents;
  for (const auto& [name, text] : files) documents.push_back(YamlMap::Parse(text, name));
  return FromDocuments(documents);
}

Catalog Catalog::FromDocuments(const std::vector<YamlMap>& documents) {
  Catalog c;
  std::vector<YamlMap> tables;  // the calibration sections, in file order
  c.ReadDocuments(documents, tables);
  c.ResolveCalibration(tables);
  c.CheckReferences();
  return c;
}

void Catalog::ReadDocuments(const std::vector<YamlMap>& documents, std::vector<YamlMap>& tables) {
  Catalog& c = *this;
  for (YamlMap root : documents) {
    // Data files of other modules (failure rates, datacenter defaults) are theirs to read.
    if (!HasCatalogSection(root)) continue;
    if (root.Has("calibration")) tables.push_back(root.Map("calibration"));
    ParseEntries(root, "accelerators", c.accelerators_, ParseAccelerator);
    ParseEntries(root, "nodes", c.nodes_, ParseNode);
    ParseEntries(root, "fabrics", c.fabrics_, ParseFabric);
    ParseEntries(root, "models", c.models_, ParseModel);
    ParseEntries(root, "stacks", c.stacks_, ParseStack);
    root.Has("notes");  // free-form commentary allowed at the top of a data file
    root.Finish();
  }
}

void Catalog::ResolveCalibration(std::vector<YamlMap>& tables) {
  Catalog& c = *this;
  // Calibration applies to accelerators already read: one entry per accelerator id and file, applied in file
  // order (a later file, such as a --catalog-overlay, changes only the fields it gives). An entry naming a
  // `relative` starts from that accelerator's parameters as resolved, then applies its own fields.
  std::vector<int> state(c.accelerators_.size(), 0);  // 0 unresolved, 1 resolving, 2 resolved
  std::function<void(size_t)> resolve = [&](size_t i) {
    if (state[i] == 2) return;
    state[i] = 1;
    Accelerator& acc = c.accelerators_[i];
    for (YamlMap& table : tables) {
      auto entry = table.OptMap(acc.id);
      if (!entry) continue;
      if (auto relative = entry->OptString("relative")) {
        const auto it = std::find_if(c.accelerators_.begin(), c.accelerators_.end(),
                                     [&](const Accelerator& a) { return a.id == *relative; });
        if (it == c.accelerators_.end() || state[it - c.accelerators_.begin()] == 1) {
          entry->Fail("relative",
                      fmt::format("'{}' is not an accelerator with calibrated parameters of its own", *relative));
        }
        resolve(static_cast<size_t>(it - c.accelerators_.begin()));
        if (!it->efficiency.calibrated()) {
          entry->Fail("relative", fmt::format("'{}' takes its own parameters from '{}'; name a calibrated one",
                                              *relative, it->efficiency.relative));
        }
        acc.efficiency = it->efficiency;
      }
      ParseComputeEfficiency(*entry, acc.efficiency);
      entry->Finish();
    }
    state[i] = 2;
  };
  for (size_t i = 0; i < c.accelerators_.size(); ++i) resolve(i);
  for (const YamlMap& table : tables) table.Finish();
}

void Catalog::CheckReferences() const {
  for (const Accelerator& a : accelerators_) {
    if (!a.efficiency.relative.empty()) {
      const Accelerator* rel = FindAccelerator(a.efficiency.relative);
      if (!rel || !rel->efficiency.calibrated()) {
        throw InputError("data/calibration.yaml", 0,
                         fmt::format("accelerator '{}': relative '{}' is not a calibrated accelerator id", a.id,
                                     a.efficiency.relative));
      }
    }
  }
  for (const StackSpec& s : stacks_) {
    for (const std::string& id : s.default_for) {
      if (!FindAccelerator(id)) {
        throw InputError("data/stacks.yaml", 0,
                         fmt::format("stack '{}': default_for '{}' is not an accelerator id", s.id, id));
      }
    }
  }
  for (const Accelerator& a : accelerators_) {
    if (!a.default_node.empty() && !FindNode(a.default_node)) {
      throw InputError("data/accelerators.yaml", 0,
                       fmt::format("accelerator '{}': default_node '{}' is not a node id", a.id, a.default_node));
    }
  }
  for (const FabricSpec& f : fabrics_) {
    if (!f.dcn_fabric.empty() && !FindFabric(f.dcn_fabric)) {
      throw InputError("data/fabrics.yaml", 0,
                       fmt::format("fabric '{}': dcn_fabric '{}' is not a fabric id", f.id, f.dcn_fabric));
    }
  }
  for (const NodeSpec& n : nodes_) {
    if (!FindAccelerator(n.accelerator)) {
      throw InputError("data/nodes.yaml", 0,
                       fmt::format("node '{}': accelerator '{}' is not an accelerator id", n.id, n.accelerator));
    }
    if (!n.default_fabric.empty() && !FindFabric(n.default_fabric)) {
      throw InputError("data/nodes.yaml", 0,
                       fmt::format("node '{}': default_fabric '{}' is not a fabric id", n.id, n.default_fabric));
    }
  }
}

const Accelerator* Catalog::FindAccelerator(const std::string& id) const { return FindById(accelerators_, id); }
const NodeSpec* Catalog::FindNode(const std::string& id) const { return FindById(nodes_, id); }
const FabricSpec* Catalog::FindFabric(const std::string& id) const { return FindById(fabrics_, id); }
const ModelSpec* Catalog::FindModel(const std::string& id) const { return FindById(models_, id); }
const StackSpec* Catalog::FindStack(const std::string& id) const { return FindById(stacks_, id); }

const StackSpec& Catalog::DefaultStack(const std::string& accelerator_id) const {
  for (const StackSpec& s : stacks_) {
    if (std::find(s.default_for.begin(), s.default_for.end(), accelerator_id) != s.default_for.end()) return s;
  }
  static const StackSpec generic = [] {
    StackSpec s;
    s.id = "generic";
    s.name = "generic (documented defaults)";
    return s;
  }();
  const StackSpec* found = FindStack("generic");
  return found ? *found : generic;
}

const StackSpec* Catalog::StackNamedIn(const std::string& description) const {
  auto lower = [](std::string text) {
    for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return text;
  };
  const std::string text = lower(description);
  // The longest matching phrase wins, so "ngc24.09" beats a generic "nemo".
  const StackSpec* best = nullptr;
  size_t best_length = 0;
  for (const StackSpec& s : stacks_) {
    for (const std::string& phrase : s.match) {
      if (phrase.size() > best_length && text.find(lower(phrase)) != std::string::npos) {
        best = &s;
        best_length = phrase.size();
      }
    }
  }
  return best;
}

std::vector<std::string> Catalog::AcceleratorIds() const { return Ids(accelerators_); }
std::vector<std::string> Catalog::NodeIds() const { return Ids(nodes_); }
std::vector<std::string> Catalog::FabricIds() const { return Ids(fabrics_); }
std::vector<std::string> Catalog::ModelIds() const { return Ids(models_); }
std::vector<std::string> Catalog::StackIds() const { return Ids(stacks_); }

}  // namespace fleetsim
