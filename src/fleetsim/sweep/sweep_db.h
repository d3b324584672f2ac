// SweepDb: a sweep's results in SQLite (Debian's libsqlite3): a table `sweep_inputs` (the sweep file, the base
// scenario, the command and fleetsim's version) and a table `points`, one row per point: its number, its axis
// values, `status` ('ok' or 'error'), `error` (the message of a point that failed) and one column per kept
// figure. WAL journal, rows written in batches of one transaction. `--resume` reopens a database of the same sweep
// and skips the points it holds; a database of another sweep is refused. Schema in docs/sweep.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/sweep/sweep_spec.h"

struct sqlite3;

namespace fleetsim {

struct PointResult {
  int64_t index = 0;
  std::vector<Override> point;
  bool ok = false;
  std::string error;
  std::vector<nlohmann::json> figures;  // one per kept figure; null where the output has none
};

class SweepDb {
 public:
  // `inputs`: what identifies the sweep (its file and base scenario texts, the command). An existing file is
  // refused unless `resume`; with `resume`, it must hold the same sweep.
  SweepDb(const std::string& path, const SweepSpec& spec, const std::string& inputs, bool resume);
  ~SweepDb();
  SweepDb(const SweepDb&) = delete;
  SweepDb& operator=(const SweepDb&) = delete;

  // Which of the spec's points are stored already.
  std::vector<bool> Stored(int64_t points) const;
  // Writes the results in one transaction.
  void Insert(const std::vector<PointResult>& batch);

  // Every stored row, by point number: CSV text, or a JSON array of objects.
  std::string Csv() const;
  nlohmann::json Json() const;

 private:
  void Initialize(const SweepSpec& spec, const std::string& inputs);
  void Exec(const std::string& sql) const;
  [[noreturn]] void Fail(const std::string& what) const;

  std::string path_;
  const SweepSpec& spec_;
  sqlite3* db_ = nullptr;
};

}  // namespace fleetsim
