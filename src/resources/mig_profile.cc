#include "resources/mig_profile.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::resources {
namespace {

// Reads a positive decimal number followed by `suffix` from the front of
// `text`, advancing it.
bool ConsumeCount(std::string_view& text, std::string_view suffix,
                  unsigned int* value) {
  size_t digits = text.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos) return false;
  if (text.substr(digits, suffix.size()) != suffix) return false;
  if (!absl::SimpleAtoi(AsAbsl(text.substr(0, digits)), value) || *value == 0) {
    return false;
  }
  text.remove_prefix(digits + suffix.size());
  return true;
}

}  // namespace

absl::StatusOr<MigProfile> MigProfile::Parse(std::string_view text) {
  auto invalid = [text](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MIG profile \"", AsAbsl(text), "\": ", AsAbsl(why)));
  };
  MigProfile profile;
  std::string_view rest = text;
  unsigned int c = 0;
  std::string_view probe = rest;
  if (ConsumeCount(probe, "c.", &c)) rest = probe;
  if (!ConsumeCount(rest, "g.", &profile.gpu_slices_) ||
      !ConsumeCount(rest, "gb", &profile.memory_gb_)) {
    return invalid("expected [<C>c.]<G>g.<GB>gb[+<attributes>]");
  }
  if (!rest.empty() && rest.front() != '+' && rest.front() != '-') {
    return invalid("attributes must start with '+' or '-'");
  }
  if (rest.size() == 1) return invalid("empty attributes");
  profile.compute_slices_ = c == 0 ? profile.gpu_slices_ : c;
  if (profile.compute_slices_ > profile.gpu_slices_) {
    return invalid("more compute slices than GPU slices");
  }
  profile.attributes_ = std::string(rest);
  return profile;
}

std::string MigProfile::ToString() const {
  std::string out;
  if (!is_full_gpu_instance()) absl::StrAppend(&out, compute_slices_, "c.");
  absl::StrAppend(&out, gpu_slices_, "g.", memory_gb_, "gb", attributes_);
  return out;
}

std::string MigProfile::ResourceSuffix() const {
  std::string out = ToString();
  for (char& ch : out) {
    if (ch == '+') ch = '.';
  }
  return out;
}

}  // namespace gpulet::resources
