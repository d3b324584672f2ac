#include "fleetsim/engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace fleetsim {
namespace {

struct Recorder : EventHandler {
  Engine* engine = nullptr;
  std::vector<std::pair<int64_t, uint64_t>> seen;
  void OnEvent(uint64_t payload) override { seen.emplace_back(engine->now().nanoseconds(), payload); }
};

SimTime Ns(int64_t ns) { return SimTime::FromNanoseconds(ns); }

TEST(EngineTest, RunsEventsInTimeThenInsertionOrder) {
  Engine e;
  Recorder r;
  r.engine = &e;
  e.Schedule(Ns(30), &r, 1);
  e.Schedule(Ns(10), &r, 2);
  e.Schedule(Ns(30), &r, 3);
  e.Schedule(Ns(10), &r, 4);
  e.Run();
  const std::vector<std::pair<int64_t, uint64_t>> expected{{10, 2}, {10, 4}, {30, 1}, {30, 3}};
  EXPECT_EQ(r.seen, expected);
  EXPECT_EQ(e.now().nanoseconds(), 30);
}

TEST(EngineTest, CancelledEventsNeverRun) {
  Engine e;
  Recorder r;
  r.engine = &e;
  const EventId a = e.Schedule(Ns(5), &r, 1);
  e.Schedule(Ns(6), &r, 2);
  const EventId c = e.Schedule(Ns(7), &r, 3);
  e.Cancel(a);
  e.Cancel(c);
  e.Cancel(c);  // twice is harmless
  EXPECT_EQ(e.pending(), 1u);
  e.Run();
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].second, 2u);
}

TEST(EngineTest, CancellingAnEventThatRanDoesNotCancelTheSlotsNextUser) {
  Engine e;
  Recorder r;
  r.engine = &e;
  const EventId a = e.Schedule(Ns(1), &r, 1);
  e.Run();
  e.Schedule(Ns(2), &r, 2);  // reuses a's slot
  e.Cancel(a);
  e.Run();
  EXPECT_EQ(r.seen.size(), 2u);
}

TEST(EngineTest, RunUntilStopsAtTheLimitAndKeepsLaterEvents) {
  Engine e;
  Recorder r;
  r.engine = &e;
  for (int i = 1; i <= 10; ++i) e.Schedule(Ns(i * 100), &r, static_cast<uint64_t>(i));
  e.RunUntil(Ns(500));
  EXPECT_EQ(r.seen.size(), 5u);
  EXPECT_EQ(e.pending(), 5u);
  e.Run();
  EXPECT_EQ(r.seen.size(), 10u);
}

TEST(EngineTest, HeapOrderHoldsForManyRandomEvents) {
  EventQueue q;
  uint64_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    q.Push(Ns(static_cast<int64_t>(x >> 44)), nullptr, static_cast<uint64_t>(i));
  }
  EventQueue::Event ev, prev;
  ASSERT_TRUE(q.Pop(prev));
  int popped = 1;
  while (q.Pop(ev)) {
    ASSERT_TRUE(prev.time < ev.time || (prev.time == ev.time && prev.payload < ev.payload));
    prev = ev;
    ++popped;
  }
  EXPECT_EQ(popped, 20000);
}

// After RunUntil looked ahead at a later event, scheduling between now and that event is still legal and runs
// first (the queue rebuilds its buckets around the earlier time).
TEST(EngineTest, SchedulingBeforeAPeekedEventRunsFirst) {
  Engine e;
  Recorder r;
  r.engine = &e;
  e.Schedule(Ns(100), &r, 1);
  e.Schedule(Ns(1000), &r, 3);
  e.RunUntil(Ns(500));  // runs 1, peeks at 1000
  e.Schedule(Ns(600), &r, 2);
  e.Run();
  ASSERT_EQ(r.seen.size(), 3u);
  EXPECT_EQ(r.seen[1], std::make_pair(int64_t{600}, uint64_t{2}));
  EXPECT_EQ(r.seen[2], std::make_pair(int64_t{1000}, uint64_t{3}));
}

// The queue against a reference ordering under a mix of pushes, pops and cancellations, with many equal times.
TEST(EngineTest, QueueMatchesASortedReferenceWithTiesAndCancellations) {
  EventQueue q;
  std::vector<std::pair<int64_t, uint64_t>> reference;  // (time, payload = insertion index), live ones
  std::vector<EventId> ids;
  uint64_t x = 99;
  int64_t now = 0;
  uint64_t next_payload = 0;
  for (int round = 0; round < 6000; ++round) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int action = static_cast<int>((x >> 60) % 4);
    if (action < 2 || reference.empty()) {
      const int64_t t = now + static_cast<int64_t>((x >> 33) % 8);  // many ties
      ids.push_back(q.Push(Ns(t), nullptr, next_payload));
      reference.emplace_back(t, next_payload++);
    } else if (action == 2) {
      std::sort(reference.begin(), reference.end());
      EventQueue::Event ev;
      ASSERT_TRUE(q.Pop(ev));
      EXPECT_EQ(ev.time.nanoseconds(), reference.front().first);
      EXPECT_EQ(ev.payload, reference.front().second);
      now = ev.time.nanoseconds();
      reference.erase(reference.begin());
    } else {
      const uint64_t victim = (x >> 20) % next_payload;
      const auto it =
          std::find_if(reference.begin(), reference.end(), [&](const auto& p) { return p.second == victim; });
      q.Cancel(ids[victim]);
      if (it != reference.end()) reference.erase(it);
    }
    ASSERT_EQ(q.size(), reference.size());
  }
}

}  // namespace
}  // namespace fleetsim
