// EventQueue: the discrete-event engine's pending-event set, ordered by (time, insertion sequence) so that
// equal-time events pop in the order they were scheduled and runs are deterministic. Simulated time never runs
// backwards, so it is a RadixHeap (core/radix_heap.h) of 32-byte plain events (time, sequence, handler, payload):
// push O(1), pop amortised O(1), no comparisons, memory read in order, no allocation in steady state. The heap
// is first-in first-out among equal keys, which is exactly the sequence order.
//
// Cancellation is lazy and off the hot path: Cancel records the sequence number in a set that Pop consults only
// while it is non-empty. Because events leave in (time, sequence) order, an id at or before the last event taken
// out has already run (or was dropped), so cancelling it is a no-op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>

#include "fleetsim/core/error.h"
#include "fleetsim/core/radix_heap.h"
#include "fleetsim/core/sim_time.h"

namespace fleetsim {

// Receives events. The engine does not own handlers; they must outlive their pending events.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void OnEvent(uint64_t payload) = 0;
};

// Names one scheduled event, for cancellation. A default-constructed id is "no event".
struct EventId {
  uint64_t time = 0;  // biased, as the queue stores it
  uint64_t seq = 0;   // 0: no event
  bool valid() const { return seq != 0; }
};

class EventQueue {
 public:
  struct Event {
    SimTime time;
    EventHandler* handler = nullptr;
    uint64_t payload = 0;
  };

  // `time` must not be earlier than the last event taken out (checked). Earlier than the last one only peeked
  // at is legal (the heap rebuilds).
  EventId Push(SimTime time, EventHandler* handler, uint64_t payload) {
    const Entry e{Bias(time.nanoseconds()), ++sequence_, handler, payload};
    FLEETSIM_CHECK(e.key >= taken_time_);
    heap_.Push(e);
    ++live_;
    return EventId{e.key, e.seq};
  }

  // Cancels a pending event; cancelling one that already ran or was cancelled does nothing.
  void Cancel(EventId id) {
    if (!id.valid() || !After(id.time, id.seq, taken_time_, taken_seq_)) return;  // already ran or dropped
    if (cancelled_.insert(id.seq).second) --live_;
  }

  // Removes the earliest live event into `out`; false when none is left.
  bool Pop(Event& out) {
    while (heap_.Ready()) {
      const Entry e = heap_.Top();
      Take(e);
      if (!cancelled_.empty() && cancelled_.erase(e.seq) != 0) continue;
      --live_;
      out = {SimTime::FromNanoseconds(Unbias(e.key)), e.handler, e.payload};
      return true;
    }
    return false;
  }

  // Time of the earliest live event (dropping cancelled entries at the front); Infinite when empty.
  SimTime PeekTime() {
    while (heap_.Ready()) {
      const Entry& e = heap_.Top();
      if (cancelled_.empty() || cancelled_.count(e.seq) == 0) return SimTime::FromNanoseconds(Unbias(e.key));
      cancelled_.erase(e.seq);
      Take(e);
    }
    return SimTime::Infinite();
  }

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

 private:
  struct Entry {
    uint64_t key;  // time, biased so that unsigned order is signed-time order
    uint64_t seq;
    EventHandler* handler;
    uint64_t payload;
  };

  static uint64_t Bias(int64_t t) { return static_cast<uint64_t>(t) ^ (uint64_t{1} << 63); }
  static int64_t Unbias(uint64_t k) { return static_cast<int64_t>(k ^ (uint64_t{1} << 63)); }
  static bool After(uint64_t t, uint64_t s, uint64_t t0, uint64_t s0) { return t > t0 || (t == t0 && s > s0); }

  void Take(const Entry& e) {
    taken_time_ = e.key;
    taken_seq_ = e.seq;
    heap_.PopTop();
  }

  RadixHeap<Entry> heap_;
  uint64_t taken_time_ = 0;  // (time, sequence) of the last entry taken out
  uint64_t taken_seq_ = 0;
  uint64_t sequence_ = 0;
  size_t live_ = 0;
  std::unordered_set<uint64_t> cancelled_;  // sequences of pending events that were cancelled
};

}  // namespace fleetsim
