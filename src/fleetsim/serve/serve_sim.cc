#include "fleetsim/serve/serve_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "fleetsim/collective/collective.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/sim_time.h"
#include "fleetsim/engine/engine.h"
#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/serve/iteration_cost.h"

namespace fleetsim {
namespace {

// Sequences in flight per copy when `max_batch` is auto: the KV cache decides, up to this cap (TensorRT-LLM's
// MLPerf configurations run 806-2,048; vLLM's default max_num_seqs is 256 to 1,024).
constexpr int64_t kAutoMaxBatch = 2048;
// Share of a copy's KV blocks that admission leaves free where sequences grow their blocks while decoding
// (vLLM's BlockSpaceManager watermark default, 0.01).
constexpr double kAdmissionWatermark = 0.01;

struct Sequence {
  int32_t id = 0;
  int64_t ctx = 0;           // tokens in the KV cache
  int64_t prefill_left = 0;  // prompt (or recomputed) tokens still to prefill
  int64_t out_left = 0;      // tokens still to emit
  int64_t blocks = 0;        // KV blocks held
  int64_t chunk = -1;        // this iteration: -1 idle, 0 decode, > 0 prefill tokens
};

struct Replica {
  std::deque<int32_t> waiting;
  std::vector<Sequence> running;
  int64_t free_blocks = 0;
  bool busy = false;
  double iteration_started = 0;
  int64_t decodes_since_admission = 0;  // decode iterations since the running batch last took new prompts
};

class Simulator final : public EventHandler {
 public:
  Simulator(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving, const StackSpec& stack,
            const std::vector<Request>& requests, const ServeProgress& progress)
      : serving_(serving), cost_(cluster, model, serving, stack), requests_(requests), progress_(progress) {
    run_.replicas = cluster.count / serving.ReplicaDevices();
    prefill_copies_ = static_cast<size_t>(serving.prefill_devices / serving.ReplicaDevices());
    if (prefill_copies_ > 0) {
      // A prompt's KV cache leaves its prefill copy device by device, each device's shard to its counterpart in
      // the decode copy, over the link between copies (the scale-up domain when both are in it, else the fabric).
      kv_link_ = GroupLevels(cluster).PeerLevel(serving.ReplicaDevices());
    }
    run_.kv_blocks_per_replica = KvBlocksPerReplica(cluster, model, serving, cost_.KvBytesPerTokenPerDevice());
    watermark_blocks_ =
        static_cast<int64_t>(kAdmissionWatermark * static_cast<double>(run_.kv_blocks_per_replica));
    run_.max_batch = serving.max_batch.value_or(kAutoMaxBatch);
    // One server process drives one host's accelerators: the copies on a host share its time per token.
    const int64_t copies_per_host =
        std::clamp<int64_t>(cluster.node.host.accelerators_per_host / serving.ReplicaDevices(), 1, run_.replicas);
    host_seconds_per_token_ = serving.host_seconds_per_token * static_cast<double>(copies_per_host);
    replicas_.resize(static_cast<size_t>(run_.replicas));
    for (Replica& r : replicas_) r.free_blocks = run_.kv_blocks_per_replica;
    run_.requests.resize(requests.size());
    const int64_t block = serving.block_tokens;
    if (serving.dense_kv_cache) {
      // One dense slot per sequence, of the stated length or the longest request's.
      dense_length_ = serving.kv_cache_length.value_or(0);
      if (!serving.kv_cache_length) {
        for (const Request& q : requests) {
          dense_length_ = std::max(dense_length_, q.input_tokens + q.output_tokens);
        }
      }
    }
    for (size_t i = 0; i < requests.size(); ++i) {
      const Request& q = requests[i];
      if (dense_length_ > 0 && q.input_tokens + q.output_tokens > dense_length_) {
        throw InputError(
            "", q.line,
            fmt::format("request {} needs {} KV tokens ({} prompt + {} output) but the stack's dense "
                        "KV cache holds {} per sequence (serving.kv_cache.length)",
                        i, q.input_tokens + q.output_tokens, q.input_tokens, q.output_tokens, dense_length_));
      }
      const int64_t need = (std::max(q.input_tokens + q.output_tokens, dense_length_) + block - 1) / block;
      if (need > run_.kv_blocks_per_replica) {
        throw InputError("", q.line,
                         fmt::format("request {} needs {} KV tokens ({} prompt + {} output) but one copy's KV "
                                     "cache holds {} tokens; use a larger copy or shorter requests",
                                     i, q.input_tokens + q.output_tokens, q.input_tokens, q.output_tokens,
                                     run_.kv_blocks_per_replica * block));
      }
      RequestOutcome& o = run_.requests[i];
      o.arrival_s = q.arrival_s;
      o.input_tokens = q.input_tokens;
      o.output_tokens = q.output_tokens;
      o.first_token_s = -1;
    }
  }

  ServeRun Run() {
    if (!requests_.empty()) engine_.Schedule(At(requests_[0].arrival_s), this, kArrival);
    engine_.Run();
    return std::move(run_);
  }

  void OnEvent(uint64_t payload) override {
    if (payload == kArrival) {
      Arrive();
    } else if (payload & kHandoff) {
      HandOff(static_cast<int32_t>(payload & ~kHandoff));
    } else {
      FinishIteration(static_cast<size_t>(payload));
    }
  }

 private:
  static constexpr uint64_t kArrival = ~uint64_t{0};
  static constexpr uint64_t kHandoff = uint64_t{1} << 62;  // | request id: its KV cache reached the decode pool

  // Disaggregated serving: copies [0, prefill_copies_) prefill, the rest decode.
  bool Disaggregated() const { return prefill_copies_ > 0; }
  bool IsPrefillCopy(size_t r) const { return r < prefill_copies_; }

  static SimTime At(double s) { return SimTime::FromSeconds(Seconds(s)); }
  double Now() const { return engine_.now().ToSeconds().value(); }

  // Every request arriving at this instant joins a copy; the next arrival is scheduled (one pending at a time).
  void Arrive() {
    const SimTime now = engine_.now();
    while (next_ < requests_.size() && At(requests_[next_].arrival_s) <= now) {
      const size_t r = Route();
      replicas_[r].waiting.push_back(static_cast<int32_t>(next_));
      run_.requests[next_].replica = static_cast<int32_t>(r);
      ++next_;
      if (!replicas_[r].busy) idle_touched_.push_back(r);
    }
    // Copies start once every request of this instant has been routed, so a burst (offline) forms one batch.
    for (size_t r : idle_touched_) {
      if (!replicas_[r].busy) StartIteration(r);
    }
    idle_touched_.clear();
    if (next_ < requests_.size()) engine_.Schedule(At(requests_[next_].arrival_s), this, kArrival);
  }

  // A copy for a new request: among the prefill copies when the pools are split, else among all.
  size_t Route() {
    const size_t end = Disaggregated() ? prefill_copies_ : replicas_.size();
    if (serving_.router == RouterPolicy::kRoundRobin) return (round_robin_++) % end;
    return LeastLoaded(0, end);
  }

  // The copy in [begin, end) with the fewest outstanding requests (lowest index on ties).
  size_t LeastLoaded(size_t begin, size_t end) const {
    size_t best = begin;
    size_t best_load = SIZE_MAX;
    for (size_t i = begin; i < end; ++i) {
      const size_t load = replicas_[i].running.size() + replicas_[i].waiting.size();
      if (load < best_load) best = i, best_load = load;
    }
    return best;
  }

  int64_t BlocksFor(int64_t tokens) const { return (tokens + serving_.block_tokens - 1) / serving_.block_tokens; }

  // Frees a running sequence's cache and sends it back to the head of the queue, to prefill its prompt and the
  // tokens generated so far again (vLLM's recompute preemption).
  void Preempt(Replica& rep, size_t index) {
    Sequence& s = rep.running[index];
    rep.free_blocks += s.blocks;
    const RequestOutcome& o = run_.requests[static_cast<size_t>(s.id)];
    run_.requests[static_cast<size_t>(s.id)].preemptions++;
    run_.preemptions++;
    recompute_[s.id] = o.input_tokens + (o.output_tokens - s.out_left);
    rep.waiting.push_front(s.id);
    rep.running.erase(rep.running.begin() + static_cast<std::ptrdiff_t>(index));
  }

  // Tokens a waiting request prefills when admitted: its prompt, or after a preemption the tokens to recompute.
  int64_t PromptOf(int32_t id) const {
    const auto it = recompute_.find(id);
    return it != recompute_.end() ? it->second : requests_[static_cast<size_t>(id)].input_tokens;
  }

  // KV blocks a request takes at admission on copy `r`: its dense slot, the whole sequence's blocks up front (no
  // eviction later), or the prompt's and one token's (always on a prefill copy, which keeps no output).
  int64_t AdmissionBlocks(int32_t id, size_t r) const {
    const RequestOutcome& req = run_.requests[static_cast<size_t>(id)];
    if (dense_length_ > 0) return BlocksFor(dense_length_);
    if (IsPrefillCopy(r)) return BlocksFor(PromptOf(id) + 1);
    if (serving_.kv_reserve_output) return BlocksFor(req.input_tokens + req.output_tokens);
    return BlocksFor(PromptOf(id) + 1);
  }

  // Whether a request taking `blocks` fits in copy `ri`'s free KV blocks. Where blocks grow while decoding,
  // admission keeps a watermark free for the running sequences' next blocks (vLLM's BlockSpaceManager
  // `watermark`, 1% of the blocks by default), so that a new prompt is not admitted only to be preempted.
  bool BlocksFit(const Replica& rep, size_t ri, int64_t blocks) const {
    const bool grows = dense_length_ == 0 && !IsPrefillCopy(ri) && !serving_.kv_reserve_output;
    return blocks + (grows ? watermark_blocks_ : 0) <= rep.free_blocks;
  }

  // Whether the running batch takes new prompts in this iteration: always, unless the stack admits only every
  // `admission_interval` decode iterations (TGI's router), sooner when the queue outgrows the batch by
  // `admission_queue_ratio`; an idle copy admits at once.
  bool AdmissionOpen(const Replica& rep) const {
    if (serving_.admission_interval <= 0 || rep.running.empty()) return true;
    if (rep.decodes_since_admission >= serving_.admission_interval) return true;
    const double queue_needed =
        std::floor(serving_.admission_queue_ratio * static_cast<double>(rep.running.size()));
    return serving_.admission_queue_ratio > 0 && static_cast<double>(rep.waiting.size()) >= queue_needed;
  }

  // Whether copy `ri`'s first waiting request fits now (batch room and KV blocks).
  bool CanAdmit(const Replica& rep, size_t ri) const {
    return !rep.waiting.empty() && static_cast<int64_t>(rep.running.size()) < run_.max_batch &&
           BlocksFit(rep, ri, AdmissionBlocks(rep.waiting.front(), ri));
  }

  void StartIteration(size_t ri) {
    Replica& rep = replicas_[ri];
    IterationWork work;
    int64_t budget = serving_.max_tokens;
    const bool static_batch = serving_.scheduler == BatchScheduler::kStatic;
    // Prefill first: while a waiting prompt can be admitted, the iteration prefills prompts only.
    const bool admission_open = static_batch || AdmissionOpen(rep);
    const bool prefill_only = serving_.prefill_first && !static_batch && admission_open && CanAdmit(rep, ri);
    // Decodes first, oldest first; a decode crossing into a new block may preempt the newest sequences.
    const int64_t preemptions_before = run_.preemptions;
    for (size_t i = 0; i < rep.running.size(); ++i) {
      Sequence& s = rep.running[i];
      s.chunk = -1;
      if (prefill_only || s.prefill_left > 0) continue;
      if (BlocksFor(s.ctx + 1) > s.blocks) {
        while (rep.free_blocks == 0 && rep.running.size() > i + 1) Preempt(rep, rep.running.size() - 1);
        if (rep.free_blocks == 0) {  // this one is the newest: it yields its own blocks
          Preempt(rep, i);
          --i;
          continue;
        }
        rep.free_blocks--;
        rep.running[i].blocks++;
      }
      Sequence& d = rep.running[i];
      d.chunk = 0;
      work.decode_sequences++;
      work.decode_kv_tokens += dense_length_ > 0 ? dense_length_ : d.ctx;  // a dense cache is read whole
      work.logits_rows++;
      budget--;
    }
    auto prefill = [&](Sequence& s) {
      int64_t chunk = s.prefill_left;
      if (serving_.chunked_prefill && !static_batch) chunk = std::min(chunk, budget);
      if (chunk <= 0) return;
      s.chunk = chunk;
      work.prefill_tokens += chunk;
      work.prefill_pairs += static_cast<double>(chunk) * (static_cast<double>(s.ctx) + 0.5 * chunk);
      if (chunk == s.prefill_left) work.logits_rows++;
      budget -= chunk;
    };
    for (Sequence& s : rep.running) {
      if (s.prefill_left > 0 && budget > 0) prefill(s);
    }
    // An iteration that had to preempt admits nothing: the cache has no room for new prompts (vLLM's scheduler
    // skips prefills in a step that preempted).
    const bool admit =
        static_batch ? rep.running.empty() : admission_open && run_.preemptions == preemptions_before;
    const size_t running_before = rep.running.size();
    while (admit && !rep.waiting.empty() && static_cast<int64_t>(rep.running.size()) < run_.max_batch &&
           (budget > 0 || static_batch)) {
      const int32_t id = rep.waiting.front();
      const auto it = recompute_.find(id);
      const int64_t prompt = PromptOf(id);
      const int64_t blocks = AdmissionBlocks(id, ri);
      if (!BlocksFit(rep, ri, blocks)) break;
      if (!serving_.chunked_prefill && !static_batch && prompt > budget && work.prefill_tokens > 0) break;
      rep.waiting.pop_front();
      if (it != recompute_.end()) recompute_.erase(it);
      rep.free_blocks -= blocks;
      Sequence s;
      s.id = id;
      s.prefill_left = prompt;
      s.out_left = run_.requests[static_cast<size_t>(id)].output_tokens -
                   (prompt - run_.requests[static_cast<size_t>(id)].input_tokens);
      s.blocks = blocks;
      if (const auto h = handed_off_.find(id); h != handed_off_.end()) {
        // Prefilled elsewhere: its prompt's KV cache arrived with it; it decodes its second token now.
        s.ctx = prompt;
        s.prefill_left = 0;
        s.out_left = run_.requests[static_cast<size_t>(id)].output_tokens - 1;
        s.chunk = 0;
        work.decode_sequences++;
        work.decode_kv_tokens += dense_length_ > 0 ? dense_length_ : s.ctx;
        work.logits_rows++;
        budget--;
        handed_off_.erase(h);
        rep.running.push_back(s);
        continue;
      }
      rep.running.push_back(s);
      prefill(rep.running.back());
    }
    if (work.prefill_tokens + work.decode_sequences == 0) {
      rep.busy = false;
      return;
    }
    if (rep.running.size() > running_before) {
      rep.decodes_since_admission = 0;
    } else if (work.decode_sequences > 0) {
      rep.decodes_since_admission++;
    }
    // The host hands back every emitted token while the accelerators run the next iteration; where it is the
    // slower of the two (a small model, a large batch) the iteration waits for it.
    const double dt = std::max(cost_.Time(work), host_seconds_per_token_ * static_cast<double>(work.logits_rows));
    rep.busy = true;
    rep.iteration_started = Now();
    run_.iterations++;
    const int64_t batch = static_cast<int64_t>(rep.running.size());
    run_.batch_sum += static_cast<double>(batch);
    run_.batch_max = std::max(run_.batch_max, batch);
    run_.kv_block_seconds += static_cast<double>(run_.kv_blocks_per_replica - rep.free_blocks) * dt;
    run_.busy_seconds += dt;
    engine_.ScheduleAfter(SimTime::FromSeconds(Seconds(dt)), this, ri);
  }

  void FinishIteration(size_t ri) {
    Replica& rep = replicas_[ri];
    const double now = Now();
    size_t kept = 0;
    for (size_t i = 0; i < rep.running.size(); ++i) {
      Sequence s = rep.running[i];
      RequestOutcome& o = run_.requests[static_cast<size_t>(s.id)];
      bool emitted = false;
      if (s.chunk == 0) {
        s.ctx++;
        emitted = true;
      } else if (s.chunk > 0) {
        s.ctx += s.chunk;
        s.prefill_left -= s.chunk;
        emitted = s.prefill_left == 0;
      }
      if (emitted) {
        if (o.first_token_s < 0) o.first_token_s = now;
        s.out_left--;
      }
      if (s.out_left <= 0) {
        o.finish_s = now;
        rep.free_blocks += s.blocks;
        if (progress_ && (++finished_ & 1023) == 0) progress_(finished_, static_cast<int64_t>(requests_.size()));
        continue;
      }
      if (IsPrefillCopy(ri) && s.prefill_left == 0) {
        // Prefilled: its KV cache moves to the decode pool; the blocks stay held until it has left.
        in_transit_[s.id] = {ri, s.blocks};
        const double bytes = static_cast<double>(s.ctx) * cost_.KvBytesPerTokenPerDevice();
        const double dt =
            FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect, Bytes(bytes), kv_link_).value();
        engine_.ScheduleAfter(SimTime::FromSeconds(Seconds(dt)), this, kHandoff | static_cast<uint64_t>(s.id));
        continue;
      }
      rep.running[kept++] = s;
    }
    rep.running.resize(kept);
    rep.busy = false;
    StartIteration(ri);
  }

  // A prefilled request's KV cache has reached the decode pool: its prefill copy frees the blocks (and may admit
  // more), and the least-loaded decode copy queues it.
  void HandOff(int32_t id) {
    const auto t = in_transit_.find(id);
    FLEETSIM_CHECK(t != in_transit_.end());
    const auto [from, blocks] = t->second;
    in_transit_.erase(t);
    replicas_[from].free_blocks += blocks;
    if (!replicas_[from].busy) StartIteration(from);
    const size_t to = LeastLoaded(prefill_copies_, replicas_.size());
    handed_off_.insert(id);
    replicas_[to].waiting.push_back(id);
    run_.requests[static_cast<size_t>(id)].replica = static_cast<int32_t>(to);
    if (!replicas_[to].busy) StartIteration(to);
  }

  ServingSpec serving_;
  IterationCost cost_;
  const std::vector<Request>& requests_;
  const ServeProgress& progress_;
  int64_t finished_ = 0;
  Engine engine_;
  std::vector<Replica> replicas_;
  ServeRun run_;
  size_t next_ = 0;
  size_t round_robin_ = 0;
  int64_t dense_length_ = 0;           // tokens of each sequence's dense KV slot; 0: paged blocks
  int64_t watermark_blocks_ = 0;       // KV blocks admission leaves free for growing sequences
  double host_seconds_per_token_ = 0;  // one copy's share of its host's time per returned token
  size_t prefill_copies_ = 0;
  LinkLevel kv_link_;  // between a prefill copy's device and its decode counterpart
  std::unordered_map<int32_t, std::pair<size_t, int64_t>> in_transit_;  // request -> prefill copy, blocks held
  std::unordered_set<int32_t> handed_off_;          // queued at a decode copy with their prompt's KV cache
  std::vector<size_t> idle_touched_;                // idle copies that received requests at this instant
  std::unordered_map<int32_t, int64_t> recompute_;  // preempted request -> tokens to prefill again
};

}  // namespace

int64_t AutoMaxBatch() { return kAutoMaxBatch; }

int64_t KvBlocksPerReplica(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                           double kv_bytes_per_token_device) {
  // As TensorRT-LLM's kv_cache_free_gpu_mem_fraction and vLLM's profiling do: the KV cache takes a fraction of
  // the memory left once weights and activations are placed.
  const double free = (cluster.accelerator.memory_capacity.value() - WeightBytesPerDevice(model, serving) -
                       ActivationReserveBytes()) *
                      serving.kv_fraction;
  const double per_block = kv_bytes_per_token_device * static_cast<double>(serving.block_tokens);
  return std::max<int64_t>(0, static_cast<int64_t>(std::floor(free / per_block)));
}

ServeRun SimulateServing(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                         const StackSpec& stack, const std::vector<Request>& requests,
                         const ServeProgress& progress) {
  Simulator sim(cluster, model, serving, stack, requests, progress);
  return sim.Run();
}

}  // namespace fleetsim
