#include "fleetsim/core/yaml_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/core/suggest.h"

namespace fleetsim {
namespace {

int LineOfNode(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

// The line of a document marker ("---" or "...", alone or before a space or comment, at the start of a line) that
// separates content from more content, or 0. A leading "---" and a trailing "..." (or "---") are allowed.
int SecondDocumentLine(const std::string& text) {
  bool content = false;
  int boundary = 0;  // the last marker after content
  int line = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view row(text.data() + pos, end - pos);
    pos = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    const bool marker = (row.substr(0, 3) == "---" || row.substr(0, 3) == "...") &&
                        (row.size() == 3 || row[3] == ' ' || row[3] == '\t');
    if (marker) {
      if (content && boundary == 0) boundary = line;
      continue;
    }
    const size_t first = row.find_first_not_of(" \t");
    if (first == std::string_view::npos || row[first] == '#') continue;
    if (boundary > 0) return boundary;
    content = true;
  }
  return 0;
}

// A bound as written in messages: a plain number, or for a quantity in a readable unit ("30 d", "$1e+03/h").
std::string Bound(double v, std::optional<Dimension> dim) {
  return dim ? FormatQuantity(v, *dim) : fmt::format("{:g}", v);
}

std::string DescribeRange(Range r, std::optional<Dimension> dim) {
  const bool has_min = std::isfinite(r.min);
  const bool has_max = std::isfinite(r.max);
  if (has_min && has_max) {
    if (r.exclusive_min)
      return fmt::format("greater than {} and at most {}", Bound(r.min, dim), Bound(r.max, dim));
    return fmt::format("between {} and {}", Bound(r.min, dim), Bound(r.max, dim));
  }
  if (has_min) {
    return r.exclusive_min ? fmt::format("greater than {}", Bound(r.min, dim))
                           : fmt::format("at least {}", Bound(r.min, dim));
  }
  if (has_max) return fmt::format("at most {}", Bound(r.max, dim));
  return "finite";
}

// yaml-cpp keeps every entry of a mapping whose key repeats, and lookups find the first, so a repeated key would
// be silently ignored. Walks the whole document once (iteratively: no recursion on deep nesting; nodes reached
// through aliases are visited once, so an alias bomb costs no more than its text) and rejects the second key.
void CheckDuplicateKeys(const YAML::Node& root, const std::string& file) {
  std::vector<std::pair<YAML::Node, std::string>> stack{{root, ""}};
  std::unordered_set<int> visited;  // source positions of nodes already walked
  while (!stack.empty()) {
    auto [node, path] = std::move(stack.back());
    stack.pop_back();
    if (!node.IsMap() && !node.IsSequence()) continue;
    const int pos = node.Mark().pos;
    if (pos >= 0 && !visited.insert(pos).second) continue;
    if (node.IsSequence()) {
      size_t i = 0;
      for (const YAML::Node& item : node) stack.emplace_back(item, fmt::format("{}[{}]", path, i++));
      continue;
    }
    std::unordered_map<std::string, int> seen;  // key -> line
    for (const auto& entry : node) {
      const std::string sub = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const std::string key_path = path.empty() ? sub : path + "." + sub;
      if (entry.first.IsScalar()) {
        const auto [it, first] = seen.emplace(sub, LineOfNode(entry.first));
        if (!first) {
          throw InputError(file, LineOfNode(entry.first),
                           fmt::format("duplicate key '{}' (first given at line {}); each key may appear once in "
                                       "a mapping",
                                       key_path, it->second));
        }
      }
      stack.emplace_back(entry.second, key_path);
    }
  }
}

}  // namespace

YamlMap::YamlMap(YAML::Node node, std::shared_ptr<const std::string> file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

YamlMap YamlMap::Parse(const std::string& text, const std::string& file) {
  auto name = std::make_shared<const std::string>(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(file, e.mark.line + 1, fmt::format("YAML syntax: {}", e.msg));
  }
  // YAML::Load reads the first document and ignores the rest: a second one would be read by nothing, so it is an
  // error. (Found by scanning for a document marker at the start of a line after some content; yaml-cpp 0.7's
  // LoadAll, which would count documents, loops forever on some malformed input.)
  if (const int line = SecondDocumentLine(text); line > 0) {
    throw InputError(file, line, "a second YAML document ('---'); a file holds one document, remove the marker");
  }
  if (!root.IsMap()) {
    throw InputError(file, root.IsDefined() && !root.IsNull() ? LineOfNode(root) : 1,
                     "the document must be a YAML mapping of keys to values");
  }
  CheckDuplicateKeys(root, file);
  return YamlMap(root, std::move(name), "");
}

YamlMap YamlMap::Load(const std::string& path) { return Parse(ReadInputFile(path, "YAML file"), path); }

int YamlMap::line() const { return LineOfNode(node_); }

int YamlMap::LineOf(const std::string& key) const {
  const YAML::Node value = node_[key];
  return value.IsDefined() ? LineOfNode(value) : line();
}

std::string YamlMap::KeyPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void YamlMap::Fail(const std::string& key, const std::string& message) const {
  throw InputError(*file_, LineOf(key), fmt::format("{}: {}", KeyPath(key), message));
}

void YamlMap::FailValue(const std::string& key, const std::string& message) const {
  throw InputError(*file_, LineOf(key), fmt::format("{}: {}", KeyPath(key), message)).AboutOneKey();
}

void YamlMap::FailHere(const std::string& message) const {
  throw InputError(*file_, line(), path_.empty() ? message : fmt::format("{}: {}", path_, message));
}

YAML::Node YamlMap::Get(const std::string& key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  // Read through a const node: yaml-cpp's non-const operator[] records an absent key in the shared document.
  const YAML::Node value = std::as_const(node_)[key];
  if (!value.IsDefined() || value.IsNull()) return YAML::Node();
  return value;
}

YAML::Node YamlMap::Required(const std::string& key) {
  YAML::Node value = Get(key);
  if (!value.IsDefined() || value.IsNull()) FailValue(key, "missing required key");
  return value;
}

bool YamlMap::Has(const std::string& key) {
  const YAML::Node value = Get(key);
  return value.IsDefined() && !value.IsNull();
}

std::string YamlMap::String(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsScalar()) FailValue(key, "expected a single value (a string)");
  return value.Scalar();
}

std::optional<std::string> YamlMap::OptString(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return String(key);
}

std::string YamlMap::Choice(const std::string& key, const std::vector<std::string>& choices) {
  std::string value = String(key);
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    FailValue(key, fmt::format("'{}' is not allowed{}; allowed: {}", value, DidYouMean(value, choices),
                               JoinList(choices)));
  }
  return value;
}

std::optional<std::string> YamlMap::OptChoice(const std::string& key, const std::vector<std::string>& choices) {
  if (!Has(key)) return std::nullopt;
  return Choice(key, choices);
}

double YamlMap::ToNumber(const std::string& key, const YAML::Node& value) const {
  if (!value.IsScalar()) FailValue(key, "expected a number");
  double v = 0.0;
  if (!YAML::convert<double>::decode(value, v) || !std::isfinite(v)) {
    FailValue(key, fmt::format("'{}' is not a number", value.Scalar()));
  }
  return v;
}

void YamlMap::CheckRange(const std::string& key, double value, Range range, std::optional<Dimension> dim,
                         const std::string& written) const {
  const bool below = range.exclusive_min ? value <= range.min : value < range.min;
  if (below || value > range.max) {
    FailValue(key, fmt::format("{} is out of range: must be {}",
                               written.empty() ? fmt::format("{:g}", value) : written, DescribeRange(range, dim)));
  }
}

double YamlMap::Number(const std::string& key, Range range) {
  const double v = ToNumber(key, Required(key));
  CheckRange(key, v, range);
  return v;
}

std::optional<double> YamlMap::OptNumber(const std::string& key, Range range) {
  if (!Has(key)) return std::nullopt;
  return Number(key, range);
}

int64_t YamlMap::Integer(const std::string& key, Range range) {
  const double v = Number(key, range);
  if (v != std::floor(v) || std::fabs(v) > 9.0e15) FailValue(key, fmt::format("{:g} is not a whole number", v));
  return static_cast<int64_t>(v);
}

std::optional<int64_t> YamlMap::OptInteger(const std::string& key, Range range) {
  if (!Has(key)) return std::nullopt;
  return Integer(key, range);
}

std::optional<int64_t> YamlMap::OptIntegerOrAuto(const std::string& key, Range range) {
  if (!Has(key)) return std::nullopt;
  const YAML::Node value = Get(key);
  if (value.IsScalar() && value.Scalar() == "auto") return std::nullopt;
  return Integer(key, range);
}

bool YamlMap::Bool(const std::string& key) {
  const YAML::Node value = Required(key);
  bool b = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, b)) {
    FailValue(key,
              fmt::format("expected true or false, got '{}'", value.IsScalar() ? value.Scalar() : "a collection"));
  }
  return b;
}

std::optional<bool> YamlMap::OptBool(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return Bool(key);
}

double YamlMap::Quantity(const std::string& key, Dimension dim, Range range) {
  const YAML::Node value = Required(key);
  if (!value.IsScalar()) FailValue(key, fmt::format("expected {}", DimensionName(dim)));
  double v = 0.0;
  if (YAML::convert<double>::decode(value, v)) {
    if (!std::isfinite(v)) FailValue(key, "the value must be finite");
  } else {
    const QuantityResult parsed = ParseQuantity(value.Scalar(), dim);
    if (!parsed.value) FailValue(key, parsed.error);
    v = *parsed.value;
  }
  CheckRange(key, v, range, dim, value.Scalar());
  return v;
}

std::optional<double> YamlMap::OptQuantity(const std::string& key, Dimension dim, Range range) {
  if (!Has(key)) return std::nullopt;
  return Quantity(key, dim, range);
}

std::vector<int64_t> YamlMap::IntegerList(const std::string& key, Range range) {
  std::vector<int64_t> out;
  for (double v : NumberList(key, range)) {
    if (v != std::floor(v)) FailValue(key, fmt::format("{:g} is not a whole number", v));
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

std::vector<double> YamlMap::NumberList(const std::string& key, Range range) {
  const YAML::Node value = Required(key);
  if (!value.IsSequence()) FailValue(key, "expected a list of numbers, e.g. [4, 4, 4]");
  std::vector<double> out;
  for (const YAML::Node& item : value) {
    const double v = ToNumber(key, item);
    CheckRange(key, v, range);
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> YamlMap::StringList(const std::string& key) {
  const YAML::Node value = Required(key);
  if (value.IsScalar()) return {value.Scalar()};
  if (!value.IsSequence()) FailValue(key, "expected a list of names");
  std::vector<std::string> out;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) FailValue(key, "expected a list of names");
    out.push_back(item.Scalar());
  }
  return out;
}

std::map<std::string, std::string> YamlMap::StringMap(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsMap()) FailValue(key, "expected a mapping of names to strings");
  std::map<std::string, std::string> out;
  for (const auto& entry : value) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar())
      FailValue(key, "expected a mapping of names to strings");
    out[entry.first.Scalar()] = entry.second.Scalar();
  }
  return out;
}

YamlMap YamlMap::Map(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsMap()) FailValue(key, "expected a mapping of keys to values");
  return YamlMap(value, file_, KeyPath(key));
}

std::optional<YamlMap> YamlMap::OptMap(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return Map(key);
}

std::vector<YamlMap> YamlMap::MapList(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsSequence()) FailValue(key, "expected a list of mappings");
  std::vector<YamlMap> out;
  size_t i = 0;
  for (const YAML::Node& item : value) {
    if (!item.IsMap()) {
      throw InputError(*file_, LineOfNode(item), fmt::format("{}[{}]: expected a mapping", KeyPath(key), i));
    }
    out.emplace_back(item, file_, fmt::format("{}[{}]", KeyPath(key), i));
    ++i;
  }
  return out;
}

void YamlMap::Finish() const {
  for (const auto& entry : node_) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : "?";
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::vector<std::string> allowed = known_;
    std::sort(allowed.begin(), allowed.end());
    throw InputError(*file_, LineOfNode(key_node),
                     fmt::format("unknown key '{}'{}{}; allowed keys: {}", key, DidYouMean(key, known_),
                                 path_.empty() ? "" : fmt::format(" in '{}'", path_), JoinList(allowed)))
        .AboutOneKey();
  }
}

}  // namespace fleetsim
