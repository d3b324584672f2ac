// EventQueue: the discrete-event engine's pending-event set, a flat 4-ary min-heap of 16-byte keys ordered by
// (time, insertion sequence), so equal-time events pop in the order they were scheduled and runs are
// deterministic. The payload of each event (handler and a 64-bit word) lives in a slot array recycled through a
// free list, so steady-state scheduling allocates nothing. Cancellation is lazy: a cancelled event stays in the
// heap and is dropped when it reaches the top. Cost: push and pop O(log4 n); cancel O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "fleetsim/core/error.h"
#include "fleetsim/core/sim_time.h"

namespace fleetsim {

// Allocates cache-line-aligned storage, so that the heap's groups of four children share one 64-byte line.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: rebinding is implicit by design
  T* allocate(size_t n) { return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, size_t) { ::operator delete (p, std::align_val_t{64}); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const {
    return true;
  }
};

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
  EventQueue() : heap_(kPad) {}

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
    const Key key{time.nanoseconds(), (seq << kSlotBits) | slot};
    heap_.push_back(key);
    SiftUp(heap_.size() - 1 - kPad);
    ++live_;
    return EventId{key.order};
  }

  // Cancels a pending event; cancelling one that already ran or was cancelled does nothing.
  void Cancel(EventId id) {
    if (!id.valid()) return;
    const uint32_t slot = static_cast<uint32_t>(id.key & kSlotMask);
    if (slot < slots_.size() && slots_[slot].seq == (id.key >> kSlotBits)) {
      slots_[slot].seq = 0;  // the heap entry is dropped when it surfaces
      --live_;
    }
  }

  // Removes the earliest live event into `out`; false when none is left.
  bool Pop(Event& out) {
    while (heap_.size() > kPad) {
      const Key top = heap_[kPad];
      RemoveTop();
      const uint32_t slot = static_cast<uint32_t>(top.order & kSlotMask);
      Slot& s = slots_[slot];
      const bool live = s.seq == (top.order >> kSlotBits);
      free_.push_back(slot);
      if (!live) continue;
      s.seq = 0;
      --live_;
      out = {SimTime::FromNanoseconds(top.time), s.handler, s.payload};
      return true;
    }
    return false;
  }

  // Time of the earliest live event (dropping cancelled entries on top); Infinite when empty.
  SimTime PeekTime() {
    while (heap_.size() > kPad) {
      const Key& top = heap_[kPad];
      const uint32_t slot = static_cast<uint32_t>(top.order & kSlotMask);
      if (slots_[slot].seq == (top.order >> kSlotBits)) return SimTime::FromNanoseconds(top.time);
      free_.push_back(slot);
      RemoveTop();
    }
    return SimTime::Infinite();
  }
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  void Reserve(size_t n) {
    heap_.reserve(n + kPad);
    slots_.reserve(n);
    free_.reserve(n);
  }

 private:
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr uint32_t kMaxSlots = (uint32_t{1} << kSlotBits) - 1;
  // The heap's root sits at heap_[kPad]: with three unused entries in front, the four children of every node
  // (logical 4i+1..4i+4, physical 4i+4..4i+7) fill exactly one 64-byte cache line.
  static constexpr size_t kPad = 3;

  struct Key {
    int64_t time;
    uint64_t order;  // sequence in the high 40 bits, slot in the low 24: comparing it compares the sequence
  };
  struct Slot {
    EventHandler* handler = nullptr;
    uint64_t payload = 0;
    uint64_t seq = 0;  // 0: free or cancelled
  };

  static bool Less(const Key& a, const Key& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }

  // `i` is a logical index (root 0).
  void SiftUp(size_t i) {
    Key* h = heap_.data() + kPad;
    const Key k = h[i];
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (!Less(k, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = k;
  }

  // Bottom-up deletion: walk the hole at the root down to a leaf along the smaller children (one compare per
  // child, none against the moved element), then sift the last element up from there; fewer compares than the
  // textbook sift-down because the last element usually belongs near the bottom.
  void RemoveTop() {
    const Key last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size() - kPad;
    if (n == 0) return;
    Key* h = heap_.data() + kPad;
    size_t i = 0;
    while (true) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < end; ++c) {
        if (Less(h[c], h[best])) best = c;
      }
      h[i] = h[best];
      i = best;
    }
    h[i] = last;
    SiftUp(i);
  }

  std::vector<Key, CacheLineAllocator<Key>> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  uint64_t sequence_ = 0;
  size_t live_ = 0;
};

}  // namespace fleetsim
