// The requests of one serving run: arrival time, prompt tokens and output tokens, generated from a WorkloadSpec
// (offline or Poisson arrivals, lengths fixed or drawn with the seed) or read from a trace file in the Azure LLM
// inference trace format (TIMESTAMP, ContextTokens, GeneratedTokens). Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/serve/workload_spec.h"

namespace fleetsim {

struct Request {
  double arrival_s = 0.0;
  int64_t input_tokens = 1;
  int64_t output_tokens = 1;
  int32_t line = 0;  // its row in a replayed trace file; 0 when generated
};

// Offline (every arrival at 0) or Poisson at `rate_per_s`; `count` requests. Lengths from the spec's
// distributions, reproducible for the spec's seed.
std::vector<Request> GenerateRequests(const WorkloadSpec& workload, double rate_per_s, int64_t count);

// Parses trace text; `file` names it in messages. Arrivals are relative to the first row. Rows must be in time
// order; a malformed row is an InputError at its line. `limit` > 0 keeps only the first `limit` rows.
std::vector<Request> ParseRequestTrace(const std::string& text, const std::string& file, int64_t limit = 0);
// Reads and parses a trace file (at most 256 MiB).
std::vector<Request> LoadRequestTrace(const std::string& path, int64_t limit = 0);

// The requests a workload describes: the trace when it has one, otherwise generated at its rate.
std::vector<Request> WorkloadRequests(const WorkloadSpec& workload);

}  // namespace fleetsim
