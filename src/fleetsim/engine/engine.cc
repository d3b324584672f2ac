#include "fleetsim/engine/engine.h"

namespace fleetsim {

void Engine::RunUntil(SimTime until) {
  stopped_ = false;
  EventQueue::Event e;
  while (!stopped_ && queue_.PeekTime() <= until) {
    if (!queue_.Pop(e)) break;
    now_ = e.time;
    ++events_run_;
    e.handler->OnEvent(e.payload);
  }
}

}  // namespace fleetsim
