// "Did you mean" suggestions for misspelt keys and ids: the closest candidate by edit distance, if it is close
// enough to be a plausible typo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

// Levenshtein distance (insertions, deletions, substitutions each cost 1).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when its distance is at most max(2, |word| / 3); ties go to the earlier one.
std::optional<std::string> ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" for error messages.
std::string JoinList(const std::vector<std::string>& items);

}  // namespace fleetsim
