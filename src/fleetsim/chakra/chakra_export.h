// WriteChakraTraces (`fleetsim simulate S.yaml --export-chakra DIR`): the operation graph of the simulated step
// as MLCommons Chakra execution traces, one file per pipeline stage's representative device
// (`DIR/fleetsim.<stage>.et`, the rank being the stage), so that other simulators (and `simulate --chakra`) can
// run what fleetsim built. Each file holds, in the order the step ran them: every forward and backward pass as a
// COMP_NODE with its simulated duration (exposed tensor-, context- and expert-parallel communication included,
// as the estimator's pass costs hold it), the pipeline transfers as COMM_SEND_NODE / COMM_RECV_NODE pairs between
// stages (the activation or its gradient, `comm_size` bytes, a tag per micro-batch, chunk and direction), and the
// data-parallel collectives as COMM_COLL_NODE (reduce-scatter or all-reduce of the gradients, all-gather of the
// parameters, `comm_size` bytes per device, attribute `pg_name` "data_parallel"). Dependencies: each pass on the
// one before it on its stage and on the receive that brings its input; a receive on the pass before its
// consumer; a send on the pass that produced it; a reduction on the pass that finished its gradients; a pass on
// the parameter gather it waited for.
//
// The data-parallel collectives run among a stage's replicas, which a file per stage does not hold: a consumer
// that prices a collective over the ranks it is given sees them over the stages instead (`simulate --chakra
// DIR --count N` prices them for the whole job of N ranks).
#pragma once

#include <cstdint>
#include <string>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/simulate_scenario.h"

namespace fleetsim {

struct ChakraExport {
  int64_t files = 0;
  int64_t nodes = 0;  // in all files
};

// `sim` must have been run with record_spans (and not truncated). Creates `dir` if needed; InputError when it
// cannot be written.
ChakraExport WriteChakraTraces(const std::string& dir, const Scenario& scenario, const ScenarioSimulation& sim);

}  // namespace fleetsim
