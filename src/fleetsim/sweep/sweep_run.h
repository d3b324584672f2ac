// RunSweep: every point of a sweep not yet stored, evaluated on `threads` worker threads that take the next point
// as they finish one (points differ in cost by orders of magnitude), with the results written to the database by
// one writer in batches. A point that fails is stored with its error and the sweep goes on. The database content
// does not depend on the number of workers or the order they finish in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/sweep/sweep_db.h"
#include "fleetsim/sweep/sweep_spec.h"

namespace fleetsim {

// The command's JSON output for one point; bad input is an InputError (stored as the point's error).
using PointEvaluator = std::function<nlohmann::json(const std::vector<Override>& point)>;

struct SweepOptions {
  int threads = 1;
  size_t batch = 2000;  // rows per transaction
  std::function<void(int64_t done, int64_t total)> progress;
  // Points to run: [first, first + count) of the spec's (MPI ranks and tests take a share); count < 0: all.
  int64_t first = 0;
  int64_t count = -1;
};

struct SweepStats {
  int64_t points = 0;          // in the sweep
  int64_t already_stored = 0;  // skipped (--resume)
  int64_t run = 0;
  int64_t failed = 0;
};

// The kept figures of one output: each a JSON key, dotted for nested objects ("memory.per_device_bytes"); null
// where the output has none.
std::vector<nlohmann::json> KeptFigures(const nlohmann::json& output, const std::vector<std::string>& keep);

// Evaluates one point into a result (never throws for bad input: the error is the result).
PointResult EvaluatePoint(const SweepSpec& spec, int64_t index, const PointEvaluator& evaluate);

SweepStats RunSweep(const SweepSpec& spec, SweepDb& db, const PointEvaluator& evaluate,
                    const SweepOptions& options);

}  // namespace fleetsim
