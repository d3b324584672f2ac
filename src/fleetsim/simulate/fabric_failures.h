// FabricFailureChanges: what fabric switches failing during a step (`simulation.failures`) do to the step's
// data-parallel collectives and expert-parallel all-to-alls. For each pipeline stage, its data-parallel groups
// (every tensor- and context-parallel rank of the stage reduces with its peers in the other replicas, all at
// once) run as one set of concurrent ring all-reduces on the flow network, and its expert-parallel groups as
// concurrent all-to-alls, healthy and then with each failure in turn; from a failure's time on, the stage's
// collectives take the ratio of the two times. A failure that cuts a device off the fabric is
// an InputError at its line: the step cannot finish, and what follows (a restart) is `fleetsim reliability`'s.
#pragma once

#include <vector>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/step_simulator.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

// One change per failure, in time order (failures at the same time share one). Empty without failures.
std::vector<CommChange> FabricFailureChanges(const Scenario& scenario, const Plan& plan);

}  // namespace fleetsim
