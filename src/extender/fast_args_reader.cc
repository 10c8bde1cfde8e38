#include "extender/fast_args_reader.h"

#include <cstddef>
#include <cstdint>

namespace gpulet::extender {
namespace {

// Deeper values are legal JSON, but rare enough to leave to the full parser.
constexpr int kMaxDepth = 64;
// nlohmann reads a long integer as a double and rejects one that overflows;
// a hundred digits stays finite, and no Pod field needs more.
constexpr ptrdiff_t kMaxNumberLength = 100;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text. Every method returns false where the full parser
// has to decide, leaving the cursor anywhere.
class Reader {
 public:
  explicit Reader(std::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }
  char Peek() {
    SkipSpace();
    return p_ == end_ ? '\0' : *p_;
  }
  const char* position() const { return p_; }

  // A string with no escapes; `out` views its contents in the text.
  bool PlainString(std::string_view& out) {
    if (!Consume('"')) return false;
    const char* start = p_;
    while (p_ < end_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, p_ - start);
        ++p_;
        return true;
      }
      if (c < 0x20 || c == '\\') return false;
      if (c < 0x80) {
        ++p_;
      } else if (!SkipUtf8()) {
        return false;
      }
    }
    return false;
  }

  // NodeNames: null or a list of plain strings.
  bool NameList(std::optional<std::vector<std::string>>& names) {
    if (Peek() == 'n') {
      names.reset();
      return Literal("null");
    }
    if (!Consume('[')) return false;
    names.emplace();
    names->reserve(256);
    if (Consume(']')) return true;
    do {
      std::string_view name;
      if (!PlainString(name)) return false;
      names->emplace_back(name);
    } while (Consume(','));
    return Consume(']');
  }

  // Any value, checked the way the full parser checks it.
  bool SkipValue() {
    char open[kMaxDepth];
    int depth = 0;
    while (true) {
      char c = Peek();
      if (c == '{' || c == '[') {
        ++p_;
        if (!Consume(c == '{' ? '}' : ']')) {
          if (depth == kMaxDepth) return false;
          open[depth++] = c;
          if (c == '{' && !MemberKey()) return false;
          continue;  // to the first element
        }
      } else if (c == '"') {
        if (!SkipString()) return false;
      } else if (c == '-' || IsDigit(c)) {
        if (!SkipNumber()) return false;
      } else if (c == 't') {
        if (!Literal("true")) return false;
      } else if (c == 'f') {
        if (!Literal("false")) return false;
      } else if (c == 'n') {
        if (!Literal("null")) return false;
      } else {
        return false;
      }
      // A value is complete: close containers until one goes on.
      while (true) {
        if (depth == 0) return true;
        bool object = open[depth - 1] == '{';
        if (Consume(',')) {
          if (object && !MemberKey()) return false;
          break;
        }
        if (!Consume(object ? '}' : ']')) return false;
        --depth;
      }
    }
  }

  bool Literal(std::string_view word) {
    if (end_ - p_ < static_cast<ptrdiff_t>(word.size()) ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

 private:
  bool MemberKey() {
    if (Peek() != '"' || !SkipString()) return false;
    return Consume(':');
  }

  // Simple escapes are checked here; \u escapes (and their surrogate
  // pairing rules) are left to the full parser.
  bool SkipString() {
    ++p_;  // the opening quote
    while (p_ < end_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (end_ - p_ < 2) return false;
        char escaped = p_[1];
        if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          return false;
        }
        p_ += 2;
      } else if (c < 0x80) {
        ++p_;
      } else if (!SkipUtf8()) {
        return false;
      }
    }
    return false;
  }

  // One well-formed UTF-8 sequence (Unicode table 3-7: no overlongs, no
  // surrogates, nothing past U+10FFFF), as the full parser requires.
  bool SkipUtf8() {
    auto byte = [this](ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
    auto in = [](unsigned char c, unsigned char lo, unsigned char hi) {
      return c >= lo && c <= hi;
    };
    unsigned char lead = byte(0);
    ptrdiff_t left = end_ - p_;
    int length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (in(lead, 0xC2, 0xDF)) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, lo = 0xA0;
    } else if (in(lead, 0xE1, 0xEC) || in(lead, 0xEE, 0xEF)) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3, hi = 0x9F;
    } else if (lead == 0xF0) {
      length = 4, lo = 0x90;
    } else if (in(lead, 0xF1, 0xF3)) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (left < length || !in(byte(1), lo, hi)) return false;
    for (int i = 2; i < length; ++i) {
      if (!in(byte(i), 0x80, 0xBF)) return false;
    }
    p_ += length;
    return true;
  }

  // An exponent can overflow to infinity, which the full parser rejects.
  bool SkipNumber() {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (IsDigit(*p_)) {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    } else {
      return false;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) return false;
    return p_ - start <= kMaxNumberLength;
  }

  const char* p_;
  const char* const end_;
};

// Pod or Nodes: null, or an object handed to the full parser.
bool ObjectMember(std::string_view raw, std::optional<nlohmann::json>& out) {
  if (raw == "null") {
    out.reset();
    return true;
  }
  nlohmann::json json = nlohmann::json::parse(raw.begin(), raw.end(), nullptr,
                                              /*allow_exceptions=*/false);
  if (!json.is_object()) return false;  // the full parser names the field
  out = std::move(json);
  return true;
}

}  // namespace

bool TryReadExtenderArgs(std::string_view text, ExtenderArgs& args) {
  Reader in(text);
  if (!in.Consume('{')) return false;
  // Pod and Nodes are parsed once, after the last duplicate (the full
  // parser keeps the last value of a repeated member).
  std::string_view pod = "null", nodes = "null";
  std::optional<std::vector<std::string>> names;
  if (!in.Consume('}')) {
    do {
      std::string_view key;
      if (!in.PlainString(key) || !in.Consume(':')) return false;
      if (key == "NodeNames") {
        if (!in.NameList(names)) return false;
        continue;
      }
      in.SkipSpace();
      const char* start = in.position();
      if (!in.SkipValue()) return false;
      std::string_view raw(start, in.position() - start);
      if (key == "Pod") pod = raw;
      if (key == "Nodes") nodes = raw;
    } while (in.Consume(','));
    if (!in.Consume('}')) return false;
  }
  if (!in.AtEnd()) return false;
  std::optional<nlohmann::json> pod_json;
  if (!ObjectMember(pod, pod_json) || !ObjectMember(nodes, args.nodes)) {
    return false;
  }
  args.pod = pod_json ? std::move(*pod_json) : nlohmann::json();
  args.node_names = std::move(names);
  return true;
}

}  // namespace gpulet::extender
