// YamlMap: strict, validating access to one YAML mapping, shared by the catalog and the scenario parsers. Every
// getter records the key as known; Finish() then rejects any key nobody asked for, with a "did you mean"
// suggestion. Values are type- and range-checked, quantities parsed with their units (quantity.h), and every error
// is an InputError pointing at the offending line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/quantity.h"

namespace fleetsim {

// Inclusive numeric bounds; `exclusive_min` turns the lower bound into "greater than" (sizes that must be > 0).
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool exclusive_min = false;

  static Range Positive() { return {0.0, std::numeric_limits<double>::infinity(), true}; }
  static Range NonNegative() { return {0.0, std::numeric_limits<double>::infinity(), false}; }
  static Range Fraction() { return {0.0, 1.0, false}; }
  static Range Between(double lo, double hi) { return {lo, hi, false}; }
  static Range AtLeast(double lo) { return {lo, std::numeric_limits<double>::infinity(), false}; }
};

class YamlMap {
 public:
  // `file` names the document in messages; `path` is the dotted key path of this map ("" for the root).
  YamlMap(YAML::Node node, std::shared_ptr<const std::string> file, std::string path);

  // Parses a whole document whose root must be a mapping. Syntax errors and a key repeated in any mapping of the
  // document become InputError with the line.
  static YamlMap Parse(const std::string& text, const std::string& file);
  // Reads (ReadInputFile: a regular file under its size limit) and parses a file.
  static YamlMap Load(const std::string& path);

  const std::string& file() const { return *file_; }
  const std::string& path() const { return path_; }
  int line() const;                          // line of this map (1-based)
  int LineOf(const std::string& key) const;  // line of key's value, or of this map when absent
  bool Has(const std::string& key);          // records the key as known
  const YAML::Node& node() const { return node_; }

  std::string String(const std::string& key);
  std::optional<std::string> OptString(const std::string& key);
  // A string from a fixed set of choices; anything else is an error listing them.
  std::string Choice(const std::string& key, const std::vector<std::string>& choices);
  std::optional<std::string> OptChoice(const std::string& key, const std::vector<std::string>& choices);

  double Number(const std::string& key, Range range = {});
  std::optional<double> OptNumber(const std::string& key, Range range = {});
  int64_t Integer(const std::string& key, Range range = {});
  std::optional<int64_t> OptInteger(const std::string& key, Range range = {});
  // An integer, or the word `auto` (returned as nullopt, like an absent key).
  std::optional<int64_t> OptIntegerOrAuto(const std::string& key, Range range = {});
  bool Bool(const std::string& key);
  std::optional<bool> OptBool(const std::string& key);

  // A quantity with units ("400Gbps") or a bare number in base units.
  double Quantity(const std::string& key, Dimension dim, Range range = {});
  std::optional<double> OptQuantity(const std::string& key, Dimension dim, Range range = {});

  std::vector<int64_t> IntegerList(const std::string& key, Range range = {});
  std::vector<double> NumberList(const std::string& key, Range range = {});
  std::vector<std::string> StringList(const std::string& key);
  // A mapping of names to strings (e.g. `sources:`), in key order.
  std::map<std::string, std::string> StringMap(const std::string& key);

  YamlMap Map(const std::string& key);
  std::optional<YamlMap> OptMap(const std::string& key);
  std::vector<YamlMap> MapList(const std::string& key);

  // Rejects keys that no getter asked for. Call once every key has been read.
  void Finish() const;

  // Throws InputError at the key's line (or the map's line).
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void FailHere(const std::string& message) const;
  // The same for an error about this key's value alone (InputError::about_one_key).
  [[noreturn]] void FailValue(const std::string& key, const std::string& message) const;

  // "cluster.count" for messages.
  std::string KeyPath(const std::string& key) const;

 private:
  YAML::Node Get(const std::string& key);  // records the key as known; returns a null node when absent
  YAML::Node Required(const std::string& key);
  double ToNumber(const std::string& key, const YAML::Node& value) const;
  // `dim`, for a quantity, writes the bounds in its units; `written` is the value as the file spells it.
  void CheckRange(const std::string& key, double value, Range range, std::optional<Dimension> dim = std::nullopt,
                  const std::string& written = "") const;

  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  std::vector<std::string> known_;
};

}  // namespace fleetsim
