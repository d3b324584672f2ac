#include "fleetsim/sweep/sweep_spec.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <utility>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/validate/csv_table.h"

namespace fleetsim {
namespace {

constexpr int64_t kMaxPoints = 100'000'000;
constexpr int64_t kMaxAxisValues = 1'000'000;

std::string Number(double v) { return fmt::format("{:.12g}", v); }

// The values of one axis: a list of scalars, or a range map.
std::vector<std::string> AxisValues(YamlMap& axes, const std::string& key) {
  const YAML::Node node = std::as_const(axes.node())[key];
  std::vector<std::string> values;
  if (node.IsSequence()) {
    for (const YAML::Node& v : node) {
      if (!v.IsScalar())
        axes.Fail(key, "a list of values holds scalars (numbers, words, quantities such as \"400Gbps\")");
      values.push_back(v.Scalar());
    }
  } else if (node.IsScalar()) {
    values.push_back(node.Scalar());
  } else if (node.IsMap()) {
    YamlMap r = axes.Map(key);
    const double from = r.Number("from");
    const double to = r.Number("to");
    const auto step = r.OptNumber("step", Range::Positive());
    const auto factor = r.OptNumber("factor", Range::Between(1.000001, 1e6));
    const auto points = r.OptInteger("points", Range::Between(1, kMaxAxisValues));
    r.Finish();
    if (static_cast<int>(step.has_value()) + static_cast<int>(factor.has_value()) +
            static_cast<int>(points.has_value()) !=
        1) {
      axes.Fail(key, "a range gives exactly one of step (linear), factor (geometric) or points (log-spaced)");
    }
    if (step) {
      // from + k step, not a running sum: no drift over many steps; `to` itself is kept despite rounding.
      for (int64_t k = 0; values.size() <= kMaxAxisValues; ++k) {
        const double v = from + static_cast<double>(k) * *step;
        if (v > to + *step * 1e-9) break;
        values.push_back(Number(v));
      }
    } else if (factor) {
      if (from <= 0) axes.Fail(key, "a geometric range starts above 0");
      for (double v = from; v <= to * (1 + 1e-12) && values.size() <= kMaxAxisValues; v *= *factor)
        values.push_back(Number(v));
    } else {
      if (from <= 0 || to <= 0) axes.Fail(key, "a log-spaced range lies above 0");
      for (int64_t i = 0; i < *points && from <= to; ++i) {
        const double f = *points == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(*points - 1);
        values.push_back(Number(from * std::pow(to / from, f)));
      }
    }
    if (values.size() > kMaxAxisValues) axes.Fail(key, fmt::format("more than {} values", kMaxAxisValues));
  } else {
    axes.Fail(key, "give a list of values or a range {from, to, step | factor | points}");
  }
  if (values.empty()) axes.Fail(key, "the axis has no values (a range whose `from` lies above its `to`?)");
  return values;
}

}  // namespace

const std::vector<std::string>& SweepCommands() {
  static const std::vector<std::string> commands = {"estimate",    "search", "simulate",
                                                    "reliability", "cost",   "serve"};
  return commands;
}

int64_t SweepSpec::Points() const {
  if (axes.empty()) return 0;
  if (sampling == Sampling::kCsv) return static_cast<int64_t>(axes.front().values.size());
  if (sampling != Sampling::kGrid) return samples;
  int64_t n = 1;
  for (const SweepAxis& a : axes) n *= static_cast<int64_t>(a.values.size());
  return n;
}

std::vector<Override> SweepSpec::Point(int64_t index) const {
  std::vector<Override> point;
  point.reserve(axes.size());
  switch (sampling) {
    case Sampling::kCsv:
      for (const SweepAxis& a : axes) point.push_back({a.key, a.values[static_cast<size_t>(index)]});
      break;
    case Sampling::kGrid: {
      // The last axis varies fastest.
      std::vector<size_t> at(axes.size());
      int64_t rest = index;
      for (size_t i = axes.size(); i-- > 0;) {
        const auto n = static_cast<int64_t>(axes[i].values.size());
        at[i] = static_cast<size_t>(rest % n);
        rest /= n;
      }
      for (size_t i = 0; i < axes.size(); ++i) point.push_back({axes[i].key, axes[i].values[at[i]]});
      break;
    }
    case Sampling::kRandom:
      // Each point draws from its own stream: the same point whatever else is drawn.
      for (size_t i = 0; i < axes.size(); ++i) {
        std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(index) * 1000003ULL + i);
        point.push_back({axes[i].key, axes[i].values[rng() % axes[i].values.size()]});
      }
      break;
    case Sampling::kLatinHypercube:
      // Axis i takes stratum perm_i(index) of `samples` equal strata of its values: every stratum once per axis.
      for (size_t i = 0; i < axes.size(); ++i) {
        std::vector<int64_t> perm(static_cast<size_t>(samples));
        std::iota(perm.begin(), perm.end(), 0);
        std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + i);
        std::shuffle(perm.begin(), perm.end(), rng);
        const double stratum = static_cast<double>(perm[static_cast<size_t>(index)]);
        const auto n = static_cast<double>(axes[i].values.size());
        const auto v =
            static_cast<size_t>(std::min(n - 1, std::floor((stratum + 0.5) / static_cast<double>(samples) * n)));
        point.push_back({axes[i].key, axes[i].values[v]});
      }
      break;
  }
  return point;
}

SweepSpec ParseSweepSpec(const std::string& text, const std::string& file) {
  YamlMap m = YamlMap::Parse(text, file);
  SweepSpec s;
  s.file = file;
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  const std::string base = m.String("base");
  s.base_path = std::filesystem::path(base).is_absolute() ? base : (dir / base).string();
  s.command = m.Choice("command", SweepCommands());
  if (m.Has("csv") && m.Has("axes")) m.Fail("csv", "give axes or a csv of points, not both");
  if (auto csv_path = m.OptString("csv")) {
    const std::string path =
        std::filesystem::path(*csv_path).is_absolute() ? *csv_path : (dir / *csv_path).string();
    const CsvTable t = CsvTable::Parse(ReadInputFile(path, "points file", 64u << 20), path);
    if (t.rows.empty()) throw InputError(path, 1, "the points file has a header but no rows");
    for (size_t c = 0; c < t.header.size(); ++c) {
      SweepAxis a{t.header[c], {}, m.LineOf("csv")};
      for (const CsvRow& row : t.rows) {
        if (row.cells[c].empty())
          throw InputError(path, row.line, fmt::format("column '{}' is empty", t.header[c]));
        a.values.push_back(row.cells[c]);
      }
      s.axes.push_back(std::move(a));
    }
    s.sampling = SweepSpec::Sampling::kCsv;
  } else {
    YamlMap axes = m.Map("axes");
    for (auto it = axes.node().begin(); it != axes.node().end(); ++it) {
      const std::string key = it->first.Scalar();
      if (axes.Has(key)) s.axes.push_back({key, AxisValues(axes, key), axes.LineOf(key)});
    }
    axes.Finish();
    if (s.axes.empty()) m.Fail("axes", "a sweep needs at least one axis (scenario key: values)");
  }
  if (m.Has("sample")) {
    if (s.sampling == SweepSpec::Sampling::kCsv)
      m.Fail("sample", "a csv of points is taken row by row; drop sample");
    YamlMap sample = m.Map("sample");
    const std::string kind = sample.Choice("kind", {"grid", "random", "latin-hypercube"});
    if (kind != "grid") {
      s.sampling = kind == "random" ? SweepSpec::Sampling::kRandom : SweepSpec::Sampling::kLatinHypercube;
      s.samples = sample.Integer("points", Range::Between(1, 10'000'000));
      s.seed = static_cast<uint64_t>(sample.OptInteger("seed", Range::Between(0, 1e15)).value_or(1));
    }
    sample.Finish();
  }
  s.keep = m.StringList("keep");
  s.keep_line = m.LineOf("keep");
  if (s.keep.empty()) m.Fail("keep", "name at least one figure to keep (a JSON key of the command's output)");
  m.Finish();
  double points = 1;
  for (const SweepAxis& a : s.axes) points *= static_cast<double>(a.values.size());
  if (s.sampling == SweepSpec::Sampling::kGrid && points > static_cast<double>(kMaxPoints)) {
    m.Fail("axes", fmt::format("the grid has {:.3g} points; at most {} (sample a subset: sample: {{kind: "
                               "latin-hypercube, points: N}})",
                               points, kMaxPoints));
  }
  return s;
}

SweepSpec LoadSweepSpec(const std::string& path) {
  return ParseSweepSpec(ReadInputFile(path, "sweep file"), path);
}

}  // namespace fleetsim
