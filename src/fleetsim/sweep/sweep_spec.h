// SweepSpec: a `fleetsim sweep` file (docs/sweep.md): a base scenario, the command each point runs, the axes
// (scenario keys with their values: lists, linear, geometric and log ranges) or the rows of a CSV, how the points
// are drawn from the axes (the full grid, or a seeded random or Latin-hypercube sample), and the figures to keep
// (JSON keys of the command's output, dotted for nested ones). Points are numbered in a fixed order, so a sweep's
// results are the same whatever the number or order of workers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

struct SweepAxis {
  std::string key;                  // a scenario key path ("cluster.count")
  std::vector<std::string> values;  // as --set would take them
  int line = 0;                     // in the sweep file
};

struct SweepSpec {
  std::string file;       // the sweep file
  std::string base_path;  // the base scenario (relative paths resolved against the sweep file)
  std::string command;    // estimate | search | simulate | reliability | cost | serve
  std::vector<SweepAxis> axes;
  std::vector<std::string> keep;  // figures to keep: JSON keys of the command's output
  int keep_line = 0;
  // Points: the full grid of the axes, or `samples` of them drawn with `seed` (random or Latin hypercube), or the
  // rows of a CSV (then every axis lists the values of its column, row by row).
  enum class Sampling { kGrid, kRandom, kLatinHypercube, kCsv } sampling = Sampling::kGrid;
  int64_t samples = 0;
  uint64_t seed = 1;

  // The number of points.
  int64_t Points() const;
  // The overrides of point `index` (0-based, < Points()).
  std::vector<Override> Point(int64_t index) const;
};

// The commands a sweep can run.
const std::vector<std::string>& SweepCommands();

// Reads and checks a sweep file: unknown keys, an axis without values, a range with none, too many points (more
// than 100M) are InputErrors at their line. Checking each axis value against the base scenario is the runner's
// (it knows the catalog).
SweepSpec ParseSweepSpec(const std::string& text, const std::string& file);
SweepSpec LoadSweepSpec(const std::string& path);

}  // namespace fleetsim
