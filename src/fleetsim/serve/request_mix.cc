#include "fleetsim/serve/request_mix.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/reliability/rng.h"

namespace fleetsim {
namespace {

constexpr std::uintmax_t kMaxTraceBytes = std::uintmax_t{256} << 20;

// Box-Muller on the project's reproducible uniforms (std::normal_distribution differs between libraries).
double StandardNormal(Rng& rng) {
  const double u1 = 1.0 - rng.Uniform();  // (0, 1]
  const double u2 = rng.Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

int64_t DrawLength(const LengthSpec& l, Rng& rng) {
  double v = l.mean;
  switch (l.distribution) {
    case LengthDistribution::kFixed:
      break;
    case LengthDistribution::kUniform: {
      // Uniform on [min, 2 mean - min] (mean-centred), clipped to max.
      const double lo = static_cast<double>(l.min);
      const double hi = std::min(static_cast<double>(l.max), 2.0 * l.mean - lo);
      v = lo + (hi - lo) * rng.Uniform();
      break;
    }
    case LengthDistribution::kLognormal: {
      const double mu = std::log(l.mean) - 0.5 * l.sigma * l.sigma;
      v = std::exp(mu + l.sigma * StandardNormal(rng));
      break;
    }
  }
  return std::clamp<int64_t>(std::llround(v), l.min, l.max);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-date algorithm, written out).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// "2023-11-16 18:15:46.6805900" -> seconds since the epoch; false when malformed.
bool ParseTimestamp(std::string_view s, double& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  auto num = [&](size_t pos, size_t len, int& v) {
    if (pos + len > s.size()) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi)) return false;
  auto r = std::from_chars(s.data() + 17, s.data() + s.size(), sec);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || h > 23 || mi > 59) return false;
  if (!(sec >= 0.0 && sec < 61.0)) return false;  // also refuses "nan", which from_chars reads
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return false;
  out = static_cast<double>(DaysFromCivil(y, mo, d)) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<Request> GenerateRequests(const WorkloadSpec& w, double rate_per_s, int64_t count) {
  Rng arrivals(MixSeed(w.seed, 1, 0));
  Rng lengths(MixSeed(w.seed, 2, 0));
  std::vector<Request> out(static_cast<size_t>(count));
  double t = 0.0;
  for (Request& r : out) {
    if (w.arrival == ArrivalProcess::kPoisson) t += arrivals.Exponential(rate_per_s);
    r.arrival_s = t;
    r.input_tokens = DrawLength(w.input, lengths);
    r.output_tokens = DrawLength(w.output, lengths);
  }
  return out;
}

std::vector<Request> ParseRequestTrace(const std::string& text, const std::string& file, int64_t limit) {
  std::vector<Request> out;
  size_t pos = 0;
  int line = 0;
  double first = 0.0, last = 0.0;
  int col_time = -1, col_in = -1, col_out = -1;
  while (pos < text.size() && (limit <= 0 || static_cast<int64_t>(out.size()) < limit)) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view row = Trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    ++line;
    if (row.empty()) continue;
    std::vector<std::string_view> cells;
    for (size_t start = 0;;) {
      const size_t comma = row.find(',', start);
      cells.push_back(
          Trim(row.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (col_time < 0) {  // the header names the columns, in any order
      for (size_t i = 0; i < cells.size(); ++i) {
        if (cells[i] == "TIMESTAMP") col_time = static_cast<int>(i);
        if (cells[i] == "ContextTokens") col_in = static_cast<int>(i);
        if (cells[i] == "GeneratedTokens") col_out = static_cast<int>(i);
      }
      if (col_time < 0 || col_in < 0 || col_out < 0) {
        throw InputError(file, line,
                         "the first line must name the columns TIMESTAMP, ContextTokens and GeneratedTokens "
                         "(the Azure LLM inference trace format)");
      }
      continue;
    }
    const size_t need = static_cast<size_t>(std::max({col_time, col_in, col_out})) + 1;
    if (cells.size() < need) {
      throw InputError(file, line, fmt::format("{} columns, the header has {}", cells.size(), need));
    }
    double t = 0;
    if (!ParseTimestamp(cells[col_time], t)) {
      throw InputError(file, line,
                       fmt::format("TIMESTAMP '{}' is not a date and time from 1900 to 2200 like "
                                   "2023-11-16 18:15:46.68",
                                   cells[col_time]));
    }
    auto tokens = [&](int col, const char* name, int64_t min) {
      int64_t v = -1;
      const std::string_view c = cells[col];
      auto r = std::from_chars(c.data(), c.data() + c.size(), v);
      if (r.ec != std::errc() || r.ptr != c.data() + c.size() || v < min || v > 10'000'000) {
        throw InputError(
            file, line,
            fmt::format("{} '{}' is not a whole number of tokens from {} to 10,000,000", name, c, min));
      }
      return v;
    };
    Request r;
    r.input_tokens = tokens(col_in, "ContextTokens", 1);
    // A request that generated nothing still costs its prefill; count it as one token (the first).
    r.output_tokens = std::max<int64_t>(1, tokens(col_out, "GeneratedTokens", 0));
    if (out.empty()) first = t;
    if (!out.empty() && t < last) {
      throw InputError(file, line, "TIMESTAMP earlier than the row before; the trace must be in time order");
    }
    if (t - first > kMaxArrivalSpanS) {
      throw InputError(file, line,
                       fmt::format("TIMESTAMP {:.0f} days after the first row; a trace may span at most 366 days",
                                   (t - first) / 86400.0));
    }
    last = t;
    r.arrival_s = t - first;
    r.line = line;
    out.push_back(r);
  }
  if (out.empty()) throw InputError(file, line, "the trace holds no requests");
  return out;
}

std::vector<Request> LoadRequestTrace(const std::string& path, int64_t limit) {
  return ParseRequestTrace(ReadInputFile(path, "request trace", kMaxTraceBytes), path, limit);
}

std::vector<Request> WorkloadRequests(const WorkloadSpec& w) {
  if (w.trace) return LoadRequestTrace(*w.trace, w.requests_given ? w.requests : 0);
  return GenerateRequests(w, w.rate_per_s, w.requests);
}

}  // namespace fleetsim
