#include "base/duration.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"

namespace gpulet {
namespace {

struct Unit {
  std::string_view name;
  int64_t nanos;
};

// Longest names first so that "ms" is not read as "m" followed by "s".
constexpr Unit kUnits[] = {
    {"ns", 1},           {"us", 1000},          {"\xC2\xB5s", 1000},
    {"\xCE\xBCs", 1000}, {"ms", 1000000},       {"s", 1000000000},
    {"m", 60000000000},  {"h", 3600000000000},
};

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError("invalid duration \"" + std::string(text) +
                                    "\": " + std::string(why));
}

// Reads digits from the front of `rest`; returns false on overflow.
bool ReadDigits(std::string_view& rest, uint64_t& value, int& digits) {
  value = 0;
  digits = 0;
  while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
    if (value > (std::numeric_limits<uint64_t>::max() - 9) / 10) return false;
    value = value * 10 + static_cast<uint64_t>(rest.front() - '0');
    ++digits;
    rest.remove_prefix(1);
  }
  return true;
}

const Unit* ReadUnit(std::string_view& rest) {
  for (const Unit& unit : kUnits) {
    if (rest.substr(0, unit.name.size()) == unit.name) {
      rest.remove_prefix(unit.name.size());
      return &unit;
    }
  }
  return nullptr;
}

// One "<number><unit>" term in nanoseconds, as long double to detect
// overflow without undefined behaviour.
absl::StatusOr<long double> ReadTerm(std::string_view text, std::string_view& rest) {
  uint64_t whole = 0, fraction = 0;
  int whole_digits = 0, fraction_digits = 0;
  if (!ReadDigits(rest, whole, whole_digits)) return Invalid(text, "overflow");
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    // Digits past the 18th cannot change a nanosecond count that fits.
    std::string_view digits = rest.substr(0, rest.find_first_not_of("0123456789"));
    rest.remove_prefix(digits.size());
    digits = digits.substr(0, 18);
    ReadDigits(digits, fraction, fraction_digits);
    if (fraction_digits == 0 && digits.size() != 0) return Invalid(text, "bad fraction");
  }
  if (whole_digits == 0 && fraction_digits == 0) return Invalid(text, "expected a number");
  const Unit* unit = ReadUnit(rest);
  if (unit == nullptr) {
    return Invalid(text, rest.empty() ? "missing unit (ns, us, ms, s, m, h)"
                                      : "unknown unit (ns, us, ms, s, m, h)");
  }
  long double scale = 1;
  for (int i = 0; i < fraction_digits; ++i) scale *= 10;
  return (static_cast<long double>(whole) + fraction / scale) * unit->nanos;
}

}  // namespace

absl::StatusOr<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return std::chrono::nanoseconds(0);
  if (rest.empty()) return Invalid(text, "empty");
  long double total = 0;
  while (!rest.empty()) {
    absl::StatusOr<long double> term = ReadTerm(text, rest);
    if (!term.ok()) return term.status();
    total += *term;
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      return Invalid(text, "overflow");
    }
  }
  auto nanos = static_cast<int64_t>(total + 0.5L);
  return std::chrono::nanoseconds(negative ? -nanos : nanos);
}

namespace {

// "1.5" from 1500000000 with 9 decimals: trailing zeros dropped.
std::string Decimal(uint64_t value, int decimals) {
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string out = std::to_string(value / scale);
  uint64_t fraction = value % scale;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, static_cast<size_t>(decimals) - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

}  // namespace

std::string FormatGoDuration(std::chrono::nanoseconds duration) {
  int64_t signed_nanos = duration.count();
  if (signed_nanos == 0) return "0s";
  std::string sign = signed_nanos < 0 ? "-" : "";
  uint64_t nanos = signed_nanos < 0 ? 0 - static_cast<uint64_t>(signed_nanos)
                                    : static_cast<uint64_t>(signed_nanos);
  if (nanos < 1000) return sign + std::to_string(nanos) + "ns";
  if (nanos < 1000000) return sign + Decimal(nanos, 3) + "\xC2\xB5s";
  if (nanos < 1000000000) return sign + Decimal(nanos, 6) + "ms";
  constexpr uint64_t kMinute = 60000000000, kHour = 60 * kMinute;
  std::string out = sign;
  if (nanos >= kHour) out += std::to_string(nanos / kHour) + "h";
  if (nanos >= kMinute) out += std::to_string(nanos % kHour / kMinute) + "m";
  return out + Decimal(nanos % kMinute, 9) + "s";
}

}  // namespace gpulet
