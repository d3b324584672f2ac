// Event engine throughput: schedule-and-pop pairs with a steady population of pending events (the hold model of
// ns-3's bench-scheduler). items_per_second counts pairs; ops_per_s counts a schedule and a pop each as one
// operation (twice the pairs).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "fleetsim/engine/engine.h"

namespace fleetsim {
namespace {

void BM_EventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<int64_t>(state.range(0));
  EventQueue q;
  uint64_t x = 88172645463325252ULL;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int64_t i = 0; i < pending; ++i) {
    q.Push(SimTime::FromNanoseconds(static_cast<int64_t>(next() % 1000000)), nullptr, 0);
  }
  EventQueue::Event e;
  for (auto _ : state) {
    q.Pop(e);
    q.Push(SimTime::FromNanoseconds(e.time.nanoseconds() + static_cast<int64_t>(next() % 1000000)), nullptr, 0);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ops_per_s"] =
      benchmark::Counter(2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueueHold)->Arg(1000)->Arg(100000)->Arg(1000000);

struct Bouncer : EventHandler {
  Engine* engine = nullptr;
  uint64_t x = 1;
  void OnEvent(uint64_t payload) override {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    engine->ScheduleAfter(SimTime::FromNanoseconds(static_cast<int64_t>(1 + (x >> 44) % 1000000)), this, payload);
  }
};

// The full engine loop (pop, advance the clock, dispatch, schedule) with 100,000 pending events.
void BM_EngineRunLoop(benchmark::State& state) {
  Engine engine;
  Bouncer b;
  b.engine = &engine;
  for (int i = 0; i < 100000; ++i) engine.Schedule(SimTime::FromNanoseconds(i * 10), &b, 0);
  for (auto _ : state) {
    const uint64_t before = engine.events_run();
    engine.RunUntil(engine.now() + SimTime::FromNanoseconds(1000000));
    benchmark::DoNotOptimize(before);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(engine.events_run()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineRunLoop);

}  // namespace
}  // namespace fleetsim
