// EventQueue: the discrete-event engine's pending-event set, ordered by (time, insertion sequence) so that
// equal-time events pop in the order they were scheduled and runs are deterministic. A radix heap: simulated time
// never runs backwards, so an event lives in the bucket of the highest bit in which its time differs from the
// last minimum, and only the lowest non-empty bucket is ever redistributed; each event moves O(1) times on
// average instead of sifting through log n levels. Bucket 0 holds the events at the current minimum time, sorted
// by sequence. The payload of each event (handler and a 64-bit word) lives in a slot array recycled through a free
// list, so steady-state scheduling allocates nothing. Cancellation is lazy: a cancelled event is dropped when it
// reaches the front. Cost: push O(1), pop amortised O(1) for the hold model (O(64) worst case per event), cancel
// O(1); pushing a time earlier than the last minimum (only after PeekTime looked past it) rebuilds the buckets.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fleetsim/core/error.h"
#include "fleetsim/core/sim_time.h"

namespace fleetsim {

// Receives events. The engine does not own handlers; they must outlive their pending events.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void OnEvent(uint64_t payload) = 0;
};

// Names one scheduled event, for cancellation. Zero is "no event".
struct EventId {
  uint64_t key = 0;
  bool valid() const { return key != 0; }
};

class EventQueue {
 public:
  struct Event {
    SimTime time;
    EventHandler* handler = nullptr;
    uint64_t payload = 0;
  };

  // At most 2^24 - 1 events pending at once and 2^40 scheduled in a queue's life (checked).
  EventId Push(SimTime time, EventHandler* handler, uint64_t payload) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      FLEETSIM_CHECK(slot < kMaxSlots);
      slots_.push_back({});
    }
    const uint64_t seq = ++sequence_;
    FLEETSIM_CHECK(seq < (uint64_t{1} << 40));
    slots_[slot] = {handler, payload, seq};
    const Key key{Bias(time.nanoseconds()), (seq << kSlotBits) | slot};
    if (key.time < last_) Lower(key.time);
    Insert(key);
    ++live_;
    return EventId{key.order};
  }

  // Cancels a pending event; cancelling one that already ran or was cancelled does nothing.
  void Cancel(EventId id) {
    if (!id.valid()) return;
    const uint32_t slot = static_cast<uint32_t>(id.key & kSlotMask);
    if (slot < slots_.size() && slots_[slot].seq == (id.key >> kSlotBits)) {
      slots_[slot].seq = 0;  // the entry is dropped when it reaches the front
      --live_;
    }
  }

  // Removes the earliest live event into `out`; false when none is left.
  bool Pop(Event& out) {
    while (Front()) {
      const Key top = buckets_[0][head_++];
      const uint32_t slot = static_cast<uint32_t>(top.order & kSlotMask);
      Slot& s = slots_[slot];
      const bool live = s.seq == (top.order >> kSlotBits);
      free_.push_back(slot);
      if (!live) continue;
      s.seq = 0;
      --live_;
      out = {SimTime::FromNanoseconds(Unbias(top.time)), s.handler, s.payload};
      return true;
    }
    return false;
  }

  // Time of the earliest live event (dropping cancelled entries at the front); Infinite when empty.
  SimTime PeekTime() {
    while (Front()) {
      const Key& top = buckets_[0][head_];
      const uint32_t slot = static_cast<uint32_t>(top.order & kSlotMask);
      if (slots_[slot].seq == (top.order >> kSlotBits)) return SimTime::FromNanoseconds(Unbias(top.time));
      free_.push_back(slot);
      ++head_;
    }
    return SimTime::Infinite();
  }

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  void Reserve(size_t n) {
    slots_.reserve(n);
    free_.reserve(n);
  }

 private:
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr uint32_t kMaxSlots = (uint32_t{1} << kSlotBits) - 1;

  struct Key {
    uint64_t time;   // biased so that unsigned order is signed-time order
    uint64_t order;  // sequence in the high 40 bits, slot in the low 24: comparing it compares the sequence
  };
  struct Slot {
    EventHandler* handler = nullptr;
    uint64_t payload = 0;
    uint64_t seq = 0;  // 0: free or cancelled
  };

  static uint64_t Bias(int64_t t) { return static_cast<uint64_t>(t) ^ (uint64_t{1} << 63); }
  static int64_t Unbias(uint64_t k) { return static_cast<int64_t>(k ^ (uint64_t{1} << 63)); }

  // 0 when `time` equals the last minimum, else 1 + the index of the highest differing bit (1..64).
  int BucketOf(uint64_t time) const { return time == last_ ? 0 : 64 - std::countl_zero(time ^ last_); }

  void Insert(const Key& key) {
    const int b = BucketOf(key.time);
    buckets_[static_cast<size_t>(b)].push_back(key);
    if (b > 0) occupied_ |= uint64_t{1} << (b - 1);
  }

  // Makes bucket 0 hold the earliest pending entries, sorted by sequence; false when nothing is pending.
  bool Front() {
    if (head_ < buckets_[0].size()) return true;
    buckets_[0].clear();
    head_ = 0;
    if (occupied_ == 0) return false;
    const int b = std::countr_zero(occupied_) + 1;
    std::vector<Key>& from = buckets_[static_cast<size_t>(b)];
    uint64_t minimum = from.front().time;
    for (const Key& k : from) minimum = std::min(minimum, k.time);
    last_ = minimum;
    // Every entry of the lowest occupied bucket now falls into a lower one (bucket 0 for the minimum's).
    for (const Key& k : from) {
      const int to = BucketOf(k.time);
      buckets_[static_cast<size_t>(to)].push_back(k);
      if (to > 0) occupied_ |= uint64_t{1} << (to - 1);
    }
    from.clear();
    occupied_ &= ~(uint64_t{1} << (b - 1));
    std::vector<Key>& front = buckets_[0];
    if (front.size() > 1) {
      std::sort(front.begin(), front.end(), [](const Key& x, const Key& y) { return x.order < y.order; });
    }
    return true;
  }

  // A push earlier than the last minimum (possible after PeekTime looked ahead): rebuild around the new minimum.
  void Lower(uint64_t time) {
    std::vector<Key> all(buckets_[0].begin() + static_cast<std::ptrdiff_t>(head_), buckets_[0].end());
    for (size_t b = 1; b < buckets_.size(); ++b) all.insert(all.end(), buckets_[b].begin(), buckets_[b].end());
    for (std::vector<Key>& bucket : buckets_) bucket.clear();
    head_ = 0;
    occupied_ = 0;
    last_ = time;
    for (const Key& k : all) Insert(k);
  }

  std::array<std::vector<Key>, 65> buckets_;
  size_t head_ = 0;        // next entry of bucket 0
  uint64_t occupied_ = 0;  // bit b-1 set when bucket b (1..64) holds entries
  uint64_t last_ = 0;      // biased time of the last minimum
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  uint64_t sequence_ = 0;
  size_t live_ = 0;
};

}  // namespace fleetsim
