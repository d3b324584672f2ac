// LayerCost: the time one transformer layer takes on one device for one micro-batch, forward, backward and
// recomputation, split into compute and exposed communication (tensor/sequence, context and expert parallel).
// It depends only on (tp, cp, ep, micro-batch, sequence parallelism, recomputation), so the estimator caches it
// and a plan search reuses it across pipeline depths, data-parallel sizes and ZeRO stages.
#pragma once

#include "fleetsim/catalog/model.h"
#include "fleetsim/catalog/stack.h"
#include "fleetsim/core/precision.h"
#include "fleetsim/core/units.h"
#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/estimate/kernel_model.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

struct LayerCost {
  Seconds forward;             // compute of the forward pass
  Seconds backward;            // compute of the backward pass
  Seconds recompute;           // compute repeated in the backward pass (full: the forward; selective: attention)
  Seconds tp_comm;             // exposed tensor/sequence-parallel communication, forward + backward (+ recompute)
  Seconds cp_comm;             // exposed context-parallel communication
  Seconds ep_comm;             // exposed expert-parallel all-to-all
  Seconds attention_forward;   // the attention kernels' share of `forward` (for selective recomputation)
  Seconds attention_backward;  // their share of `backward` (no weight gradients in it)
  // What one of its collectives moves per device (0 where there is none): the tensor-parallel gather/scatter
  // (or all-reduce) of the activations, the context-parallel key/value exchange, one expert all-to-all.
  Bytes tp_bytes;
  Bytes cp_bytes;
  Bytes ep_bytes;

  Seconds Compute() const { return forward + backward + recompute; }
  Seconds Communication() const { return tp_comm + cp_comm + ep_comm; }
  Seconds Total() const { return Compute() + Communication(); }
};

// Cost of the logits layer and loss for one micro-batch (the last pipeline stage).
struct HeadCost {
  Seconds compute;
};

class LayerCostModel {
 public:
  LayerCostModel(const ModelSpec& model, int64_t seq_len, Precision precision, const KernelModel& kernels,
                 const GroupLevels& levels, const StackSpec& stack);

  LayerCost Layer(const Plan& plan, bool moe_layer) const;
  HeadCost Head(const Plan& plan) const;

 private:
  const ModelSpec& model_;
  int64_t seq_len_;
  double activation_bytes_;
  Precision precision_;
  const KernelModel& kernels_;
  const GroupLevels& levels_;
  const StackSpec& stack_;
};

}  // namespace fleetsim
