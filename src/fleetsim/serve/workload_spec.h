// WorkloadSpec: the scenario's `workload:` section (DESIGN §3): what requests reach the served model. Lengths are
// fixed or drawn from a distribution, either given inline or taken from a named preset of published length
// statistics (request_presets.h); arrivals are all at once (offline), Poisson at a rate, or replayed from a
// trace file. The SLO and the load policy (a fixed rate, or the highest rate whose p99s meet the SLO) close it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fleetsim {

class YamlMap;

// Longest stretch over which requests may arrive, generated or replayed from a trace (a leap year).
inline constexpr double kMaxArrivalSpanS = 366.0 * 86400.0;

enum class LengthDistribution { kFixed, kUniform, kLognormal };

// One length (prompt or output tokens): `mean` for fixed; uniform over [min, max] with that mean; lognormal with
// that mean and log-space `sigma`, clipped to [min, max].
struct LengthSpec {
  double mean = 128;
  int64_t min = 1;
  int64_t max = 128;
  LengthDistribution distribution = LengthDistribution::kFixed;
  double sigma = 0.0;
};

enum class ArrivalProcess { kOffline, kPoisson, kTrace };
enum class LoadPolicy { kFixed, kMaxUnderSlo };

struct WorkloadSpec {
  std::string preset;  // empty: inline lengths
  LengthSpec input;
  LengthSpec output;
  std::optional<std::string> trace;  // path, resolved against the scenario's directory
  int trace_line = 0;                // line of `trace:` in the scenario, for messages
  int line = 0;                      // line of the `workload:` section, for messages about the whole run
  ArrivalProcess arrival = ArrivalProcess::kOffline;
  double rate_per_s = 0.0;  // Poisson
  int64_t requests = 1000;  // generated requests (a trace replays all its rows unless `requests` is given)
  bool requests_given = false;
  // Runs last at least this long (MLPerf LoadGen: 600 s). Offline: enough requests are issued to fill it at the
  // copies' steady-state capacity, as a submitter's expected QPS does, so the drain is a small share. Poisson
  // (each probe of max-under-slo too): rate x min_duration requests, so the copies reach their steady state.
  std::optional<double> min_duration_s;
  std::optional<double> ttft_p99_s;
  std::optional<double> tpot_p99_s;
  LoadPolicy load = LoadPolicy::kFixed;
  uint64_t seed = 1;
};

// Parses `workload:`; `file` is the scenario path (a relative trace path is taken from its directory).
WorkloadSpec ParseWorkloadSpec(YamlMap& map, const std::string& file);

}  // namespace fleetsim
