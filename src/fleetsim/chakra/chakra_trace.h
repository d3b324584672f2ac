// ChakraTrace: one rank's MLCommons Chakra execution trace (ET), read from its protobuf stream into the compact
// form replay needs: per operation its kind, recorded duration, FLOPs, collective type and bytes, peer and
// dependencies (names, tensor descriptions and unknown attributes are dropped as they are read, so a trace costs
// about 64 bytes per operation plus its dependencies). Bad input (a truncated or malformed message, an operation
// without the attributes its kind needs, a duplicate id) is an InputError naming the file and the operation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/collective/collective.h"

namespace fleetsim {

enum class TraceOpKind {
  kCompute,     // an accelerator kernel (COMP_NODE, is_cpu_op false)
  kHost,        // a host (CPU) operation: runs beside the accelerator's stream
  kCollective,  // COMM_COLL_NODE on the accelerator
  kSend,        // COMM_SEND_NODE
  kRecv,        // COMM_RECV_NODE
  kMemory,      // MEM_LOAD_NODE / MEM_STORE_NODE: takes its recorded time
};

std::string_view TraceOpKindName(TraceOpKind kind);

struct TraceOp {
  uint64_t id = 0;
  TraceOpKind kind = TraceOpKind::kCompute;
  double duration_s = 0;  // as recorded (duration_micros)
  double flops = 0;       // the `num_ops` attribute, when given
  CollectiveOp collective = CollectiveOp::kAllReduce;
  bool barrier = false;    // a BARRIER collective: synchronises, moves no data
  double bytes = 0;        // `comm_size`
  int64_t peer = -1;       // send: `comm_dst`; recv: `comm_src`
  int64_t tag = 0;         // `comm_tag`
  uint32_t group = 0;      // collective: its process group (`pg_name`), an index into ChakraTrace::groups
  uint32_t first_dep = 0;  // this op's dependencies are deps[first_dep, first_dep + dep_count)
  uint32_t dep_count = 0;
};

struct ChakraTrace {
  std::string file;
  std::string version;  // GlobalMetadata.version ("0.0.4")
  std::vector<TraceOp> ops;
  std::vector<uint64_t> deps;  // data and control dependencies of every op, by op
  // The process groups the collectives name (`pg_name`), in order of first use; groups[0] is "" (none named).
  std::vector<std::string> groups{""};
  int64_t skipped = 0;  // operations of kinds replay has no use for (metadata, storage, invalid)
};

// The most operations one trace may hold: far past any trace of one rank of a training step, and a bound on the
// memory a malformed file can make the reader take (about 10 GB at the limit).
inline constexpr int64_t kMaxTraceOps = 100'000'000;

// Reads a trace file as a stream (the file is never held whole).
ChakraTrace ReadChakraTrace(const std::string& path);
// The same from bytes in memory (`name` names them in messages); for tests and the fuzzer.
ChakraTrace ParseChakraTrace(const std::string& bytes, const std::string& name);

// The trace files a --chakra argument names: a file as is, a directory's *.et files in rank order (the number
// before ".et": all_reduce.10.et after all_reduce.9.et).
std::vector<std::string> ChakraTraceFiles(const std::string& path);

}  // namespace fleetsim
