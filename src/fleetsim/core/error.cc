#include "fleetsim/core/error.h"

#include <fmt/format.h>

namespace fleetsim {
namespace {

std::string Format(const std::string& file, int line, const std::string& message) {
  if (file.empty()) return fmt::format("error: {}", message);
  if (line <= 0) return fmt::format("{}: error: {}", file, message);
  return fmt::format("{}:{}: error: {}", file, line, message);
}

}  // namespace

InputError::InputError(std::string file, int line, const std::string& message)
    : std::runtime_error(Format(file, line, message)), file_(std::move(file)), line_(line), message_(message) {}

void CheckFailed(const char* condition, const char* file, int line) {
  throw InternalError(fmt::format("internal error: check failed: {} at {}:{}", condition, file, line));
}

}  // namespace fleetsim
