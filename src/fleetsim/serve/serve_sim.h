// ServeSimulation: the serving executor on the discrete-event engine. Requests arrive (offline, Poisson or a
// trace), a router sends each to one model copy (least outstanding requests, or round-robin), and every copy
// runs iteration-level continuous batching (or static batches): each iteration decodes one token for every
// running sequence, continues or admits prefills within the token budget (chunked prefill), and is priced by
// IterationCost. KV cache is paged: a sequence holds ceil(tokens / block_tokens) blocks; when a decode needs a
// block and none is free, the newest running sequence is preempted (its blocks freed, recomputed later).
// Deterministic: no randomness inside, ties broken by index. Work is O(tokens) plus O(n log n) in requests.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "fleetsim/catalog/stack.h"
#include "fleetsim/scenario/cluster_spec.h"
#include "fleetsim/serve/request_mix.h"
#include "fleetsim/serve/serving_spec.h"

namespace fleetsim {

// What happened to one request (seconds from the start of the run).
struct RequestOutcome {
  double arrival_s = 0;
  double first_token_s = 0;
  double finish_s = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int32_t replica = 0;
  int32_t preemptions = 0;
};

struct ServeRun {
  std::vector<RequestOutcome> requests;
  int64_t replicas = 0;
  int64_t kv_blocks_per_replica = 0;
  int64_t max_batch = 0;  // sequences in flight per copy allowed
  int64_t iterations = 0;
  double batch_sum = 0;  // sequences per iteration, summed over iterations
  int64_t batch_max = 0;
  double kv_block_seconds = 0;  // blocks in use x seconds, over every copy's iterations
  double busy_seconds = 0;      // iteration time summed over copies
  int64_t preemptions = 0;
};

// Called now and then with the requests finished so far and their total (a terminal progress line).
using ServeProgress = std::function<void(int64_t done, int64_t total)>;

// Runs the requests (sorted by arrival) through cluster.count / replica devices copies. A request that no copy's
// KV cache can hold is an InputError without a file, on the request's trace line (0 when generated).
ServeRun SimulateServing(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                         const StackSpec& stack, const std::vector<Request>& requests,
                         const ServeProgress& progress = {});

// Sequences in flight per copy when `max_batch` is auto (the KV cache may hold fewer).
int64_t AutoMaxBatch();

// KV-cache blocks one copy holds, from memory left after weights and the activation reserve.
int64_t KvBlocksPerReplica(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                           double kv_bytes_per_token_device);

}  // namespace fleetsim
