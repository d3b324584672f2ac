// Engine: the discrete-event simulator's clock and run loop over an EventQueue. Time only moves when an event is
// popped; events never run in the past (scheduling before now() is a bug, checked). Handlers are borrowed, not
// owned. Stopping is itself a flag checked once per event, so the loop stays a few branches.
#pragma once

#include <cstdint>

#include "fleetsim/engine/event_queue.h"

namespace fleetsim {

class Engine {
 public:
  SimTime now() const { return now_; }

  // Schedules `handler->OnEvent(payload)` at absolute time `at` (>= now).
  EventId Schedule(SimTime at, EventHandler* handler, uint64_t payload = 0) {
    FLEETSIM_CHECK(at >= now_);
    return queue_.Push(at, handler, payload);
  }
  EventId ScheduleAfter(SimTime delay, EventHandler* handler, uint64_t payload = 0) {
    return Schedule(now_ + delay, handler, payload);
  }
  void Cancel(EventId id) { queue_.Cancel(id); }

  // Runs events in (time, sequence) order until none is left or Stop() is called.
  void Run() { RunUntil(SimTime::Infinite()); }
  // Runs the events at or before `until`; the clock ends at the last event run.
  void RunUntil(SimTime until);
  void Stop() { stopped_ = true; }

  size_t pending() const { return queue_.size(); }
  uint64_t events_run() const { return events_run_; }
  EventQueue& queue() { return queue_; }

 private:
  EventQueue queue_;
  SimTime now_;
  bool stopped_ = false;
  uint64_t events_run_ = 0;
};

}  // namespace fleetsim
