// FabricChanges: what the fabric does to a step beyond the closed forms: scale-out switches failing during it
// (`simulation.failures`) and another job sharing it (`simulation.neighbour`). For each pipeline stage, its
// data-parallel groups (every tensor- and context-parallel rank of the stage reduces with its peers in the other
// replicas, all at once) run as concurrent ring all-reduces on the flow network, its expert-parallel groups as
// concurrent all-to-alls, and the transfers across the boundary after it (every rank with its counterpart in
// the next stage, both ways at once) as concurrent point-to-point exchanges: alone on a healthy fabric, and then
// with the neighbour's gradient reduction running at the same time (the worst case: both jobs reduce at once) and
// with each failure in turn. From the start (the neighbour) or from a failure's time on, the stage's collectives
// take the ratio of the two times. A failure that cuts a device off the fabric is an InputError at its line: the
// step cannot finish, and what follows (a restart) is `fleetsim reliability`'s.
#pragma once

#include <vector>

#include "fleetsim/estimate/estimator.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/step_simulator.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

// One change for the neighbour (at 0) and one per failure time, in time order (failures at the same time share
// one). Empty without either. `costs` are the step's (the bytes its collectives move).
std::vector<CommChange> FabricChanges(const Scenario& scenario, const Plan& plan, const PipelineCosts& costs);

}  // namespace fleetsim
