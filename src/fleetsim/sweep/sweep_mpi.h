// Sweeps across Open MPI ranks (`mpirun -n N fleetsim sweep ...`, scripts/mpirun.sh on one machine): rank 0
// hands out chunks of the points still to run as ranks ask for them (dynamic load balancing: points differ in cost
// by orders of magnitude) and writes every result to the database; ranks 1..N-1 evaluate. The rows are those of a
// single-process run. Without mpirun (or in a build without MPI) the same binary runs single-process.
#pragma once

#include <cstdint>

#include "fleetsim/sweep/sweep_run.h"

namespace fleetsim {

// Whether this process was started by mpirun with more than one rank (Open MPI's or PMI's environment).
bool LaunchedUnderMpi();

// Starts MPI (once) and returns this process's rank and the number of ranks; {0, 1} without MPI.
struct MpiWorld {
  int rank = 0;
  int size = 1;
};
MpiWorld StartMpi();
void StopMpi();

// Rank 0: runs the sweep with the other ranks as workers, writing to `db`.
SweepStats CoordinateSweep(const SweepSpec& spec, SweepDb& db, const SweepOptions& options, const MpiWorld& world);
// Tells every worker to stop without work (rank 0, after an error before the sweep started).
void ReleaseWorkers(const MpiWorld& world);
// Ranks 1..N-1: evaluate what rank 0 hands out until it says stop.
void WorkForCoordinator(const SweepSpec& spec, const PointEvaluator& evaluate);

}  // namespace fleetsim
