#include "fleetsim/sweep/sweep_run.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "fleetsim/core/error.h"

namespace fleetsim {

std::vector<nlohmann::json> KeptFigures(const nlohmann::json& output, const std::vector<std::string>& keep) {
  std::vector<nlohmann::json> figures;
  figures.reserve(keep.size());
  for (const std::string& key : keep) {
    const nlohmann::json* at = &output;
    size_t start = 0;
    while (at && start <= key.size()) {
      const size_t dot = key.find('.', start);
      const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      at = at->is_object() && at->contains(part) ? &(*at)[part] : nullptr;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    figures.push_back(at ? *at : nlohmann::json());
  }
  return figures;
}

PointResult EvaluatePoint(const SweepSpec& spec, int64_t index, const PointEvaluator& evaluate) {
  PointResult r;
  r.index = index;
  r.point = spec.Point(index);
  try {
    r.figures = KeptFigures(evaluate(r.point), spec.keep);
    r.ok = true;
  } catch (const InputError& e) {
    r.error = e.file().empty() ? e.message()
              : e.line() > 0   ? fmt::format("{}:{}: {}", e.file(), e.line(), e.message())
                               : fmt::format("{}: {}", e.file(), e.message());
  } catch (const std::exception& e) {
    r.error = fmt::format("internal error: {}", e.what());
  }
  return r;
}

SweepStats RunSweep(const SweepSpec& spec, SweepDb& db, const PointEvaluator& evaluate, const SweepOptions& o) {
  SweepStats stats;
  stats.points = spec.Points();
  const int64_t first = std::clamp<int64_t>(o.first, 0, stats.points);
  const int64_t last = o.count < 0 ? stats.points : std::min(stats.points, first + o.count);
  const std::vector<bool> stored = db.Stored(stats.points);
  std::vector<int64_t> todo;
  for (int64_t i = first; i < last; ++i) {
    if (stored[static_cast<size_t>(i)]) {
      ++stats.already_stored;
    } else {
      todo.push_back(i);
    }
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<PointResult> pending;
  int running = std::max(1, o.threads);
  std::exception_ptr failure;
  auto work = [&] {
    std::vector<PointResult> local;
    auto flush = [&] {
      std::lock_guard<std::mutex> lock(mu);
      for (PointResult& r : local) pending.push_back(std::move(r));
      local.clear();
      cv.notify_one();
    };
    try {
      for (size_t k; (k = next.fetch_add(1)) < todo.size();) {
        local.push_back(EvaluatePoint(spec, todo[k], evaluate));
        if (local.size() >= 64) flush();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!failure) failure = std::current_exception();
    }
    flush();
    std::lock_guard<std::mutex> lock(mu);
    --running;
    cv.notify_one();
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, o.threads); ++t) workers.emplace_back(work);
  // This thread writes: in batches, and once more when the workers are done.
  int64_t done = 0;
  const int64_t total = static_cast<int64_t>(todo.size());
  for (;;) {
    std::vector<PointResult> batch;
    bool finished = false;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return running == 0 || pending.size() >= o.batch; });
      batch.swap(pending);
      finished = running == 0;
    }
    for (const PointResult& r : batch) stats.failed += r.ok ? 0 : 1;
    done += static_cast<int64_t>(batch.size());
    try {
      db.Insert(batch);
    } catch (...) {
      next = todo.size();  // stop the workers
      for (std::thread& w : workers) w.join();
      throw;
    }
    if (o.progress) o.progress(done, total);
    if (finished) {
      std::lock_guard<std::mutex> lock(mu);
      if (pending.empty()) break;
    }
  }
  for (std::thread& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
  stats.run = done;
  return stats;
}

}  // namespace fleetsim
