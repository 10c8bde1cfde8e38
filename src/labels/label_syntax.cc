#include "labels/label_syntax.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace gpulet::labels {
namespace {

constexpr size_t kMaxPrefixLength = 253;
constexpr size_t kHashLength = 8;

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool IsNameChar(char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; }

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLabelValueLength) return false;
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// DNS-1123 subdomain: dot-separated labels of [a-z0-9-], alphanumeric ends.
bool IsValidPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kMaxPrefixLength) return false;
  size_t start = 0;
  while (start <= prefix.size()) {
    size_t dot = prefix.find('.', start);
    std::string_view label =
        prefix.substr(start, dot == std::string_view::npos ? std::string_view::npos
                                                           : dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (!IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    for (char c : label) {
      bool lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!lower) return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

// FNV-1a: tiny, stable across platforms and releases, and only has to tell
// apart the handful of product names of one cluster.
uint32_t Fnv1a(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::string TrimToAlnum(std::string text) {
  size_t begin = 0;
  while (begin < text.size() && !IsAlnum(text[begin])) ++begin;
  size_t end = text.size();
  while (end > begin && !IsAlnum(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace

bool IsValidLabelValue(std::string_view value) {
  return value.empty() || IsValidName(value);
}

bool IsValidLabelKey(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return IsValidName(key);
  return IsValidPrefix(key.substr(0, slash)) && IsValidName(key.substr(slash + 1));
}

std::string SanitizeText(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (!IsNameChar(c)) continue;
    if (pending_space) out += '-';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string ToLabelValue(const std::vector<std::string_view>& parts) {
  std::string head, tail;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = SanitizeText(parts[i]);
    if (part.empty()) continue;
    std::string& target = i == 0 ? head : tail;
    target += (target.empty() ? "" : "-") + part;
  }
  std::string whole = TrimToAlnum(head.empty() ? tail
                                               : tail.empty() ? head : head + "-" + tail);
  if (whole.size() <= kMaxLabelValueLength) return whole;

  char hash[kHashLength + 1];
  std::snprintf(hash, sizeof(hash), "%08x", Fnv1a(whole));
  std::string suffix = std::string(hash) + (tail.empty() ? "" : "-" + TrimToAlnum(tail));
  if (suffix.size() + 2 > kMaxLabelValueLength) {
    // Even the suffix parts are too long: keep what fits of the whole text.
    suffix = hash;
    tail.clear();
    head = whole;
  }
  size_t keep = kMaxLabelValueLength - suffix.size() - 1;
  std::string prefix = TrimToAlnum(head.substr(0, keep));
  return prefix.empty() ? suffix : prefix + "-" + suffix;
}

}  // namespace gpulet::labels
