// Benchmarks of `fleetsim sweep`: a 2,400-point estimate sweep of examples/sweep-estimate.yaml's kind (Llama 3
// 70B, chips x counts x plans) through the command line in-process, into a fresh SQLite database each time, on one
// and on two worker threads. Items = points; the counter points/s/worker gives the scaling.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fleetsim/cli/run_cli.h"

namespace fleetsim {
namespace {

void SweepEstimate(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fleetsim-bench";
  std::filesystem::create_directories(dir);
  const std::string sweep = (dir / "sweep.yaml").string();
  std::ofstream(sweep) << "base: " << FLEETSIM_SOURCE_DIR << "/examples/sweep-base-llama3-70b.yaml\n"
                       << "command: estimate\n"
                          "keep: [step_time_s, mfu, memory.fits]\n"
                          "axes:\n"
                          "  cluster.accelerator: [h100, b200, mi300x]\n"
                          "  cluster.count: {from: 512, to: 8192, factor: 2}\n"
                          "  training.parallelism.tp: [1, 2, 4, 8]\n"
                          "  training.parallelism.pp: [1, 2, 4, 8, 16]\n"
                          "  training.recompute: [none, selective, full]\n"
                          "  training.zero: [1, 3]\n";
  const std::string db = (dir / "sweep.sqlite").string();
  int64_t points = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const std::string& f : {db, db + "-wal", db + "-shm"}) std::filesystem::remove(f);
    state.ResumeTiming();
    std::ostringstream out, err;
    if (RunCli({"sweep", sweep, "--db", db, "--threads", std::to_string(threads)}, out, err) != 0) {
      state.SkipWithError(err.str().c_str());
      return;
    }
    points += 3 * 5 * 4 * 5 * 3 * 2;
  }
  state.SetItemsProcessed(points);
  state.counters["points/s/worker"] =
      benchmark::Counter(static_cast<double>(points) / threads, benchmark::Counter::kIsRate);
}
BENCHMARK(SweepEstimate)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace fleetsim
