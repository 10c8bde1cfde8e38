#include "handoff/quantity.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::handoff {
namespace {

constexpr __int128 kNanosPerUnit = 1'000'000'000;
// The largest magnitude whose Value() still fits in int64.
constexpr __int128 kMaxNanos =
    static_cast<__int128>(std::numeric_limits<int64_t>::max()) * kNanosPerUnit;

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("quantity \"", AsAbsl(text), "\": ", AsAbsl(why)));
}

// 10^exp for 0 <= exp <= 38; nullopt-like 0 when out of range.
__int128 PowerOfTen(int exp) {
  __int128 result = 1;
  for (int i = 0; i < exp; ++i) result *= 10;
  return result;
}

struct Suffix {
  int decimal_exponent = 0;  // 10^decimal_exponent
  int binary_exponent = 0;   // 2^binary_exponent
};

// Parses what follows the number. False when it is not a known suffix.
bool ParseSuffix(std::string_view s, Suffix& out) {
  static constexpr struct {
    std::string_view name;
    Suffix suffix;
  } kSuffixes[] = {
      {"", {0, 0}},   {"n", {-9, 0}}, {"u", {-6, 0}}, {"m", {-3, 0}},
      {"k", {3, 0}},  {"M", {6, 0}},  {"G", {9, 0}},  {"T", {12, 0}},
      {"P", {15, 0}}, {"E", {18, 0}}, {"Ki", {0, 10}}, {"Mi", {0, 20}},
      {"Gi", {0, 30}}, {"Ti", {0, 40}}, {"Pi", {0, 50}}, {"Ei", {0, 60}},
  };
  for (const auto& known : kSuffixes) {
    if (s == known.name) {
      out = known.suffix;
      return true;
    }
  }
  // Exponent form: e or E, optional sign, 1..3 digits.
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E')) return false;
  size_t i = 1;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-') {
    negative = s[i] == '-';
    ++i;
  }
  if (i == s.size() || s.size() - i > 3) return false;
  int exponent = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    exponent = exponent * 10 + (s[i] - '0');
  }
  out = Suffix{negative ? -exponent : exponent, 0};
  return true;
}

}  // namespace

absl::StatusOr<Quantity> Quantity::Parse(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  __int128 mantissa = 0;
  int digits = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    // Digits beyond what int64 units at nano precision can hold are an
    // error rather than silently dropped.
    if (mantissa > kMaxNanos) return Invalid(text, "too large");
    mantissa = mantissa * 10 + (c - '0');
    ++digits;
    if (seen_point) ++fraction_digits;
  }
  if (digits == 0) return Invalid(text, "expected a number");
  Suffix suffix;
  if (!ParseSuffix(s.substr(i), suffix)) {
    return Invalid(text, absl::StrCat("unknown suffix \"", std::string(s.substr(i)), "\""));
  }
  // nanos = mantissa * 10^(9 - fraction_digits + decimal_exponent) * 2^binary.
  int exponent = 9 - fraction_digits + suffix.decimal_exponent;
  __int128 nanos = mantissa;
  for (int b = 0; b < suffix.binary_exponent; ++b) {
    nanos *= 2;
    if (nanos > kMaxNanos) return Invalid(text, "too large");
  }
  if (exponent >= 0) {
    if (exponent > 38) {
      if (nanos != 0) return Invalid(text, "too large");
    } else {
      const __int128 scale = PowerOfTen(exponent);
      if (nanos != 0 && nanos > kMaxNanos / scale) return Invalid(text, "too large");
      nanos *= scale;
    }
  } else {
    // Below nano precision: round up, as Kubernetes does.
    const int down = -exponent;
    if (down > 38) {
      nanos = nanos == 0 ? 0 : 1;
    } else {
      const __int128 scale = PowerOfTen(down);
      nanos = (nanos + scale - 1) / scale;
    }
  }
  if (nanos > kMaxNanos) return Invalid(text, "too large");
  return Quantity(negative ? -nanos : nanos);
}

int64_t Quantity::Value() const {
  // Round up towards +infinity, as resource.Quantity.Value does.
  __int128 units = nanos_ / kNanosPerUnit;
  if (nanos_ % kNanosPerUnit > 0) ++units;
  return static_cast<int64_t>(units);
}

int64_t Quantity::MilliValue() const {
  constexpr __int128 kNanosPerMilli = 1'000'000;
  __int128 milli = nanos_ / kNanosPerMilli;
  if (nanos_ % kNanosPerMilli > 0) ++milli;
  // Saturate: milli of a value near int64's limit does not fit.
  if (milli > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (milli < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(milli);
}

bool Quantity::IsWhole() const { return nanos_ % kNanosPerUnit == 0; }

}  // namespace gpulet::handoff
