#include "fleetsim/sweep/sweep_mpi.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "fleetsim/core/error.h"

#ifdef FLEETSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace fleetsim {

bool LaunchedUnderMpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(var); v && std::atoi(v) > 1) return true;
  }
  return false;
}

#ifndef FLEETSIM_HAVE_MPI

MpiWorld StartMpi() { throw InputError("", 0, "this fleetsim was built without MPI (Debian's libopenmpi-dev)"); }
void StopMpi() {}
SweepStats CoordinateSweep(const SweepSpec&, SweepDb&, const SweepOptions&, const MpiWorld&) { return {}; }
void ReleaseWorkers(const MpiWorld&) {}
void WorkForCoordinator(const SweepSpec&, const PointEvaluator&) {}

#else

namespace {

constexpr int kAsk = 1;    // worker -> 0: results of its last chunk (empty the first time), and a request
constexpr int kChunk = 2;  // 0 -> worker: the number of points, then their numbers; 0 points: stop

nlohmann::json ToJson(const PointResult& r) {
  return {{"i", r.index}, {"ok", r.ok}, {"e", r.error}, {"f", r.figures}};
}

PointResult FromJson(const SweepSpec& spec, const nlohmann::json& j) {
  PointResult r;
  r.index = j.at("i").get<int64_t>();
  r.point = spec.Point(r.index);
  r.ok = j.at("ok").get<bool>();
  r.error = j.at("e").get<std::string>();
  for (const nlohmann::json& f : j.at("f")) r.figures.push_back(f);
  return r;
}

// Hands `count` points, from todo[first], to a worker (count 0: stop).
void SendChunk(int to, const std::vector<int64_t>& todo, int64_t first, int64_t count) {
  MPI_Send(&count, 1, MPI_INT64_T, to, kChunk, MPI_COMM_WORLD);
  if (count > 0) MPI_Send(todo.data() + first, static_cast<int>(count), MPI_INT64_T, to, kChunk, MPI_COMM_WORLD);
}

}  // namespace

MpiWorld StartMpi() {
  int started = 0;
  MPI_Initialized(&started);
  if (!started) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  MpiWorld w;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void StopMpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// The next worker's request, from whichever worker asks first: its rank and the results it carries (JSON text,
// empty on its first request).
std::string ReceiveAsk(int& worker) {
  MPI_Status status;
  int bytes = 0;
  MPI_Probe(MPI_ANY_SOURCE, kAsk, MPI_COMM_WORLD, &status);
  MPI_Get_count(&status, MPI_CHAR, &bytes);
  std::string text(static_cast<size_t>(bytes), '\0');
  MPI_Recv(text.data(), bytes, MPI_CHAR, status.MPI_SOURCE, kAsk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  worker = status.MPI_SOURCE;
  return text;
}

void ReleaseWorkers(const MpiWorld& world) {
  for (int stopped = 1; stopped < world.size; ++stopped) {
    int worker = 0;
    ReceiveAsk(worker);
    SendChunk(worker, {}, 0, 0);
  }
}

SweepStats CoordinateSweep(const SweepSpec& spec, SweepDb& db, const SweepOptions& options,
                           const MpiWorld& world) {
  SweepStats stats;
  stats.points = spec.Points();
  const std::vector<bool> stored = db.Stored(stats.points);
  std::vector<int64_t> todo;
  for (int64_t i = 0; i < stats.points; ++i) {
    if (stored[static_cast<size_t>(i)]) {
      ++stats.already_stored;
    } else {
      todo.push_back(i);
    }
  }
  const int64_t workers = world.size - 1;
  size_t next = 0;
  int active = world.size - 1;
  std::vector<PointResult> batch;
  while (active > 0) {
    int worker = 0;
    const std::string text = ReceiveAsk(worker);
    if (!text.empty()) {
      for (const nlohmann::json& j : nlohmann::json::parse(text)) {
        batch.push_back(FromJson(spec, j));
        stats.failed += batch.back().ok ? 0 : 1;
        ++stats.run;
      }
    }
    // Chunks shrink as the work runs out, so the last points spread over every rank.
    const auto remaining = static_cast<int64_t>(todo.size() - next);
    const int64_t count = std::clamp<int64_t>(remaining / (4 * workers), remaining > 0 ? 1 : 0, 256);
    SendChunk(worker, todo, static_cast<int64_t>(next), count);
    next += static_cast<size_t>(count);
    if (count == 0) --active;
    if (batch.size() >= options.batch || active == 0) {
      db.Insert(batch);
      batch.clear();
      if (options.progress) options.progress(stats.run, static_cast<int64_t>(todo.size()));
    }
  }
  db.Insert(batch);
  return stats;
}

void WorkForCoordinator(const SweepSpec& spec, const PointEvaluator& evaluate) {
  std::string results;  // of the last chunk, sent with the next request
  for (;;) {
    MPI_Send(results.data(), static_cast<int>(results.size()), MPI_CHAR, 0, kAsk, MPI_COMM_WORLD);
    int64_t count = 0;
    MPI_Recv(&count, 1, MPI_INT64_T, 0, kChunk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (count == 0) return;
    std::vector<int64_t> indices(static_cast<size_t>(count));
    MPI_Recv(indices.data(), static_cast<int>(count), MPI_INT64_T, 0, kChunk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    nlohmann::json out = nlohmann::json::array();
    for (int64_t index : indices) out.push_back(ToJson(EvaluatePoint(spec, index, evaluate)));
    results = out.dump();
  }
}

#endif

}  // namespace fleetsim
