#include "fleetsim/serve/workload_spec.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "fleetsim/core/suggest.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/serve/request_presets.h"

namespace fleetsim {
namespace {

// Longest prompt or output a request may ask for: 10M tokens, beyond any model's context window.
constexpr double kMaxTokens = 1e7;

// `input_tokens: 128`, or `{mean: 300, max: 1024, min: 1, distribution: lognormal, sigma: 0.8}`.
LengthSpec ParseLength(YamlMap& m, const std::string& key, LengthSpec length) {
  if (m.node()[key].IsScalar()) {
    const int64_t v = m.Integer(key, Range::Between(1, kMaxTokens));
    return {static_cast<double>(v), v, v, LengthDistribution::kFixed, 0.0};
  }
  YamlMap l = m.Map(key);
  if (auto v = l.OptNumber("mean", Range::Between(1, kMaxTokens))) length.mean = *v;
  if (auto v = l.OptInteger("min", Range::Between(1, kMaxTokens))) length.min = *v;
  if (auto v = l.OptInteger("max", Range::Between(1, kMaxTokens))) {
    length.max = *v;
  } else if (!l.Has("max") && length.distribution == LengthDistribution::kFixed) {
    length.max = static_cast<int64_t>(std::ceil(length.mean));
  }
  if (auto v = l.OptChoice("distribution", {"fixed", "uniform", "lognormal"})) {
    length.distribution = *v == "fixed"     ? LengthDistribution::kFixed
                          : *v == "uniform" ? LengthDistribution::kUniform
                                            : LengthDistribution::kLognormal;
  }
  if (auto v = l.OptNumber("sigma", Range::Between(0, 4))) length.sigma = *v;
  if (length.distribution == LengthDistribution::kLognormal && length.sigma == 0.0) length.sigma = 0.8;
  l.Finish();
  if (length.min > length.max || length.mean < static_cast<double>(length.min) ||
      length.mean > static_cast<double>(length.max)) {
    l.FailHere(fmt::format("{}: need min <= mean <= max, got min {}, mean {:g}, max {}", m.KeyPath(key),
                           length.min, length.mean, length.max));
  }
  if (length.distribution == LengthDistribution::kFixed) {
    length.min = length.max = static_cast<int64_t>(std::llround(length.mean));
  }
  return length;
}

// "2s", "200ms": a duration that must carry its unit (a bare number is ambiguous between s and ms).
double ParseSloTime(YamlMap& m, const std::string& key) {
  const YAML::Node node = m.node()[key];
  if (node.IsScalar()) {
    const std::string text = node.Scalar();
    const bool has_unit = text.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
    if (!has_unit) {
      m.Fail(key, fmt::format("'{}' has no unit; write a duration such as \"2s\" or \"200ms\"", text));
    }
  }
  return m.Quantity(key, Dimension::kTime, {0.0, 3600.0, true});
}

// "10/s", "600/min", "36000/h" or a bare number of requests per second; above 0, at most 1e7/s.
double ParseRate(YamlMap& m, const std::string& key) {
  const std::string text = m.String(key);
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  const double per = unit.empty() || unit == "/s" ? 1.0 : unit == "/min" ? 60.0 : unit == "/h" ? 3600.0 : -1.0;
  if (used == 0 || per < 0 || !std::isfinite(value)) {
    m.Fail(key, fmt::format("'{}' is not a request rate; write e.g. \"10/s\", \"600/min\" or \"36000/h\"", text));
  }
  const double rate = value / per;
  if (!(rate > 0) || rate > 1e7) {
    m.Fail(key, fmt::format("rate '{}' must be above 0 and at most 1e7 requests/s", text));
  }
  return rate;
}

}  // namespace

WorkloadSpec ParseWorkloadSpec(YamlMap& m, const std::string& file) {
  WorkloadSpec w;
  w.line = m.line();
  if (auto id = m.OptString("preset")) {
    const RequestPreset* p = FindRequestPreset(*id);
    if (!p) {
      m.Fail("preset", fmt::format("unknown request preset '{}'{}; known: {}", *id,
                                   DidYouMean(*id, RequestPresetIds()), JoinList(RequestPresetIds())));
    }
    w.preset = *id;
    w.input = p->input;
    w.output = p->output;
  }
  if (m.Has("input_tokens")) w.input = ParseLength(m, "input_tokens", w.input);
  if (m.Has("output_tokens")) w.output = ParseLength(m, "output_tokens", w.output);
  if (auto t = m.OptString("trace")) {
    w.trace_line = m.LineOf("trace");
    std::filesystem::path path(*t);
    if (path.is_relative()) path = std::filesystem::path(file).parent_path() / path;
    w.trace = path.string();
  }
  if (auto v = m.OptChoice("arrival", {"offline", "poisson", "trace"})) {
    w.arrival = *v == "offline"   ? ArrivalProcess::kOffline
                : *v == "poisson" ? ArrivalProcess::kPoisson
                                  : ArrivalProcess::kTrace;
  } else if (w.trace) {
    w.arrival = ArrivalProcess::kTrace;
  }
  const bool has_rate = m.Has("rate");
  if (has_rate) w.rate_per_s = ParseRate(m, "rate");
  // 10M requests replay in about 30 s and 0.75 GB on one core; beyond that a run takes many minutes.
  if (auto v = m.OptInteger("requests", Range::Between(1, 1e7))) {
    w.requests = *v;
    w.requests_given = true;
  }
  if (m.Has("min_duration")) w.min_duration_s = ParseSloTime(m, "min_duration");
  if (auto slo = m.OptMap("slo")) {
    if (slo->Has("ttft_p99")) w.ttft_p99_s = ParseSloTime(*slo, "ttft_p99");
    if (slo->Has("tpot_p99")) w.tpot_p99_s = ParseSloTime(*slo, "tpot_p99");
    slo->Finish();
  }
  if (auto v = m.OptChoice("load", {"fixed", "max-under-slo"})) {
    w.load = *v == "fixed" ? LoadPolicy::kFixed : LoadPolicy::kMaxUnderSlo;
  }
  if (auto v = m.OptInteger("seed", Range::Between(0, 9.0e15))) w.seed = static_cast<uint64_t>(*v);
  m.Finish();

  if (w.arrival == ArrivalProcess::kTrace && !w.trace) {
    m.Fail("arrival", "arrival: trace needs a `trace:` file (TIMESTAMP, ContextTokens, GeneratedTokens)");
  }
  if (w.trace && w.arrival != ArrivalProcess::kTrace) {
    m.Fail("trace", "a `trace:` file replays its own arrivals; leave out `arrival:` or write arrival: trace");
  }
  if (w.arrival == ArrivalProcess::kPoisson && !has_rate && w.load == LoadPolicy::kFixed) {
    m.Fail("arrival", "arrival: poisson needs a `rate:` (e.g. \"10/s\"), or load: max-under-slo to find one");
  }
  if (w.min_duration_s && w.arrival == ArrivalProcess::kTrace) {
    m.Fail("min_duration", "a trace sets its own length; min_duration sizes offline and Poisson runs");
  }
  if (w.load == LoadPolicy::kMaxUnderSlo) {
    if (!w.ttft_p99_s && !w.tpot_p99_s) {
      m.Fail("load", "load: max-under-slo needs an `slo:` with ttft_p99 and/or tpot_p99");
    }
    if (w.arrival == ArrivalProcess::kTrace) {
      m.Fail("load", "load: max-under-slo searches a Poisson rate; it cannot be combined with a trace");
    }
    w.arrival = ArrivalProcess::kPoisson;
    // The search runs a dozen or more probes of `requests` each: 1M requests take about half a minute.
    if (w.requests > 1'000'000) {
      m.Fail("requests", fmt::format("load: max-under-slo runs many probes of {} requests each; give at most "
                                     "1,000,000 (a few thousand are enough for p99s)",
                                     w.requests));
    }
  }
  if (w.min_duration_s && w.arrival == ArrivalProcess::kPoisson && has_rate && w.load == LoadPolicy::kFixed &&
      w.rate_per_s * *w.min_duration_s > 1e7) {
    m.Fail("min_duration",
           fmt::format("{:.3g} requests/s for {:.3g} s is {:.3g} requests; a run may issue at most "
                       "10,000,000 (about 30 s on one core)",
                       w.rate_per_s, *w.min_duration_s, w.rate_per_s * *w.min_duration_s));
  }
  if (w.arrival == ArrivalProcess::kPoisson && has_rate &&
      static_cast<double>(w.requests) / w.rate_per_s > kMaxArrivalSpanS) {
    m.Fail("rate",
           fmt::format("{} requests at {:.3g}/s arrive over {:.3g} days; the arrivals may span at most 366 "
                       "days (raise the rate or lower `requests`)",
                       w.requests, w.rate_per_s, static_cast<double>(w.requests) / w.rate_per_s / 86400.0));
  }
  return w;
}

}  // namespace fleetsim
