#include "gang/resource_amounts.h"

#include <cstdint>
#include <limits>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "handoff/quantity.h"

namespace gpulet::gang {
namespace {

// Quantities saturate at int64's limit; their sum must too.
int64_t AddSaturating(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kMilli = 1000;

// A list entry is a quantity string or a JSON number (Volcano's
// capability is often written unquoted).
absl::StatusOr<handoff::Quantity> QuantityOf(const std::string& name,
                                             const nlohmann::json& value) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number_integer()) {
    text = std::to_string(value.get<int64_t>());
  } else if (value.is_number_float()) {
    text = absl::StrFormat("%.9f", value.get<double>());
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a quantity, not ", value.type_name()));
  }
  absl::StatusOr<handoff::Quantity> quantity = handoff::Quantity::Parse(text);
  if (!quantity.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", quantity.status().message()));
  }
  if (quantity->IsNegative()) {
    return absl::InvalidArgumentError(absl::StrCat(name, " is negative: ", text));
  }
  return quantity;
}

// Thousandths as a decimal: 4000 -> "4", 2500 -> "2.5".
std::string MilliText(int64_t milli) {
  if (milli % kMilli == 0) return absl::StrCat(milli / kMilli);
  std::string text = absl::StrFormat("%d.%03d", milli / kMilli, milli % kMilli);
  while (text.back() == '0') text.pop_back();
  return text;
}

std::string Over(absl::string_view name, std::optional<int64_t> limit,
                 int64_t total, bool milli) {
  if (!limit || total <= *limit) return "";
  if (milli) return absl::StrCat(name, " ", MilliText(total), " > ", MilliText(*limit));
  return absl::StrCat(name, " ", total, "Mi > ", *limit, "Mi");
}

}  // namespace

ResourceAmounts& ResourceAmounts::operator+=(const ResourceAmounts& other) {
  gpu_milli += other.gpu_milli;
  cpu_milli += other.cpu_milli;
  memory_mib += other.memory_mib;
  return *this;
}

ResourceAmounts& ResourceAmounts::operator-=(const ResourceAmounts& other) {
  gpu_milli -= other.gpu_milli;
  cpu_milli -= other.cpu_milli;
  memory_mib -= other.memory_mib;
  return *this;
}

absl::StatusOr<ResourceLimits> ParseResourceList(const nlohmann::json& list) {
  ResourceLimits limits;
  if (list.is_null()) return limits;
  if (!list.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("resource list must be an object, not ", list.type_name()));
  }
  for (const auto& [name, value] : list.items()) {
    if (name != "nvidia.com/gpu" && name != "gpulet.io/gpu-milli" &&
        name != "cpu" && name != "memory") {
      continue;
    }
    absl::StatusOr<handoff::Quantity> quantity = QuantityOf(name, value);
    if (!quantity.ok()) return quantity.status();
    if (name == "nvidia.com/gpu") {
      limits.gpu_milli = AddSaturating(limits.gpu_milli.value_or(0), quantity->MilliValue());
    } else if (name == "gpulet.io/gpu-milli") {
      limits.gpu_milli = AddSaturating(limits.gpu_milli.value_or(0), quantity->Value());
    } else if (name == "cpu") {
      limits.cpu_milli = quantity->MilliValue();
    } else {
      limits.memory_mib = AddSaturating(quantity->Value(), kMiB - 1) / kMiB;
    }
  }
  return limits;
}

std::string Exceeds(const ResourceLimits& limits, const ResourceAmounts& used,
                    const ResourceAmounts& add) {
  if (std::string over = Over("nvidia.com/gpu", limits.gpu_milli,
                              used.gpu_milli + add.gpu_milli, true);
      !over.empty()) {
    return over;
  }
  if (std::string over =
          Over("cpu", limits.cpu_milli, used.cpu_milli + add.cpu_milli, true);
      !over.empty()) {
    return over;
  }
  return Over("memory", limits.memory_mib, used.memory_mib + add.memory_mib, false);
}

nlohmann::json ResourceListJson(const ResourceAmounts& amounts) {
  nlohmann::json list = nlohmann::json::object();
  if (amounts.cpu_milli != 0) {
    list["cpu"] = amounts.cpu_milli % kMilli == 0
                      ? absl::StrCat(amounts.cpu_milli / kMilli)
                      : absl::StrCat(amounts.cpu_milli, "m");
  }
  if (amounts.memory_mib != 0) list["memory"] = absl::StrCat(amounts.memory_mib, "Mi");
  if (amounts.gpu_milli % kMilli == 0) {
    if (amounts.gpu_milli != 0) {
      list["nvidia.com/gpu"] = absl::StrCat(amounts.gpu_milli / kMilli);
    }
  } else {
    list["gpulet.io/gpu-milli"] = absl::StrCat(amounts.gpu_milli);
  }
  return list;
}

}  // namespace gpulet::gang
