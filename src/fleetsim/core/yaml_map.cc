#include "fleetsim/core/yaml_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "fleetsim/core/error.h"
#include "fleetsim/core/suggest.h"

namespace fleetsim {
namespace {

int LineOfNode(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

std::string DescribeRange(Range r) {
  const bool has_min = std::isfinite(r.min);
  const bool has_max = std::isfinite(r.max);
  if (has_min && has_max) return fmt::format("between {:g} and {:g}", r.min, r.max);
  if (has_min)
    return r.exclusive_min ? fmt::format("greater than {:g}", r.min) : fmt::format("at least {:g}", r.min);
  if (has_max) return fmt::format("at most {:g}", r.max);
  return "finite";
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
  if (!root.IsMap()) {
    throw InputError(file, root.IsDefined() && !root.IsNull() ? LineOfNode(root) : 1,
                     "the document must be a YAML mapping of keys to values");
  }
  return YamlMap(root, std::move(name), "");
}

YamlMap YamlMap::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "cannot open the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

int YamlMap::line() const { return LineOfNode(node_); }

int YamlMap::LineOf(const std::string& key) const {
  const YAML::Node value = node_[key];
  return value.IsDefined() ? LineOfNode(value) : line();
}

std::string YamlMap::KeyPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void YamlMap::Fail(const std::string& key, const std::string& message) const {
  throw InputError(*file_, LineOf(key), fmt::format("{}: {}", KeyPath(key), message));
}

void YamlMap::FailHere(const std::string& message) const {
  throw InputError(*file_, line(), path_.empty() ? message : fmt::format("{}: {}", path_, message));
}

YAML::Node YamlMap::Get(const std::string& key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  const YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return YAML::Node();
  return value;
}

YAML::Node YamlMap::Required(const std::string& key) {
  YAML::Node value = Get(key);
  if (!value.IsDefined() || value.IsNull()) Fail(key, "missing required key");
  return value;
}

bool YamlMap::Has(const std::string& key) {
  const YAML::Node value = Get(key);
  return value.IsDefined() && !value.IsNull();
}

std::string YamlMap::String(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsScalar()) Fail(key, "expected a single value (a string)");
  return value.Scalar();
}

std::optional<std::string> YamlMap::OptString(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return String(key);
}

std::string YamlMap::Choice(const std::string& key, const std::vector<std::string>& choices) {
  std::string value = String(key);
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    Fail(key,
         fmt::format("'{}' is not allowed{}; allowed: {}", value, DidYouMean(value, choices), JoinList(choices)));
  }
  return value;
}

std::optional<std::string> YamlMap::OptChoice(const std::string& key, const std::vector<std::string>& choices) {
  if (!Has(key)) return std::nullopt;
  return Choice(key, choices);
}

double YamlMap::ToNumber(const std::string& key, const YAML::Node& value) const {
  if (!value.IsScalar()) Fail(key, "expected a number");
  double v = 0.0;
  if (!YAML::convert<double>::decode(value, v) || !std::isfinite(v)) {
    Fail(key, fmt::format("'{}' is not a number", value.Scalar()));
  }
  return v;
}

void YamlMap::CheckRange(const std::string& key, double value, Range range) const {
  const bool below = range.exclusive_min ? value <= range.min : value < range.min;
  if (below || value > range.max) {
    Fail(key, fmt::format("{:g} is out of range: must be {}", value, DescribeRange(range)));
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
  if (v != std::floor(v) || std::fabs(v) > 9.0e15) Fail(key, fmt::format("{:g} is not a whole number", v));
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
    Fail(key, fmt::format("expected true or false, got '{}'", value.IsScalar() ? value.Scalar() : "a collection"));
  }
  return b;
}

std::optional<bool> YamlMap::OptBool(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return Bool(key);
}

double YamlMap::Quantity(const std::string& key, Dimension dim, Range range) {
  const YAML::Node value = Required(key);
  if (!value.IsScalar()) Fail(key, fmt::format("expected {}", DimensionName(dim)));
  double v = 0.0;
  if (YAML::convert<double>::decode(value, v)) {
    if (!std::isfinite(v)) Fail(key, "the value must be finite");
  } else {
    const QuantityResult parsed = ParseQuantity(value.Scalar(), dim);
    if (!parsed.value) Fail(key, parsed.error);
    v = *parsed.value;
  }
  CheckRange(key, v, range);
  return v;
}

std::optional<double> YamlMap::OptQuantity(const std::string& key, Dimension dim, Range range) {
  if (!Has(key)) return std::nullopt;
  return Quantity(key, dim, range);
}

std::vector<int64_t> YamlMap::IntegerList(const std::string& key, Range range) {
  std::vector<int64_t> out;
  for (double v : NumberList(key, range)) {
    if (v != std::floor(v)) Fail(key, fmt::format("{:g} is not a whole number", v));
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

std::vector<double> YamlMap::NumberList(const std::string& key, Range range) {
  const YAML::Node value = Required(key);
  if (!value.IsSequence()) Fail(key, "expected a list of numbers, e.g. [4, 4, 4]");
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
  if (!value.IsSequence()) Fail(key, "expected a list of names");
  std::vector<std::string> out;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) Fail(key, "expected a list of names");
    out.push_back(item.Scalar());
  }
  return out;
}

std::map<std::string, std::string> YamlMap::StringMap(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsMap()) Fail(key, "expected a mapping of names to strings");
  std::map<std::string, std::string> out;
  for (const auto& entry : value) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) Fail(key, "expected a mapping of names to strings");
    out[entry.first.Scalar()] = entry.second.Scalar();
  }
  return out;
}

YamlMap YamlMap::Map(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsMap()) Fail(key, "expected a mapping of keys to values");
  return YamlMap(value, file_, KeyPath(key));
}

std::optional<YamlMap> YamlMap::OptMap(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return Map(key);
}

std::vector<YamlMap> YamlMap::MapList(const std::string& key) {
  const YAML::Node value = Required(key);
  if (!value.IsSequence()) Fail(key, "expected a list of mappings");
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
                                 path_.empty() ? "" : fmt::format(" in '{}'", path_), JoinList(allowed)));
  }
}

}  // namespace fleetsim
