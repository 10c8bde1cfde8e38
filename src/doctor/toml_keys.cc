#include "doctor/toml_keys.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::doctor {
namespace {

// A cursor over the document that knows its line number.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<TomlKeys> Document() {
    TomlPath table;
    while (true) {
      SkipBlank(/*newlines=*/true);
      if (AtEnd()) return std::move(keys_);
      if (Peek() == '[') {
        absl::StatusOr<TomlPath> header = Header();
        if (!header.ok()) return header.status();
        table = *std::move(header);
      } else if (absl::Status pair = KeyValue(table); !pair.ok()) {
        return pair;
      }
      if (absl::Status end = EndOfLine(); !end.ok()) return end;
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool StartsWith(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && !AtEnd(); ++i) line_ += text_[pos_++] == '\n' ? 1 : 0;
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", line_, ": ", AsAbsl(what)));
  }

  // Spaces and tabs, comments, and with `newlines` also line ends.
  void SkipBlank(bool newlines) {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        Advance();
      } else if (c == '#') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else {
        return;
      }
    }
  }

  absl::Status EndOfLine() {
    SkipBlank(/*newlines=*/false);
    if (AtEnd() || Peek() == '\n') return absl::OkStatus();
    return Error(absl::StrCat("unexpected '", std::string(1, Peek()), "' after the value"));
  }

  absl::StatusOr<TomlPath> Header() {
    bool array = StartsWith("[[");
    Advance(array ? 2 : 1);
    absl::StatusOr<TomlPath> path = Key();
    if (!path.ok()) return path.status();
    SkipBlank(false);
    if (!StartsWith(array ? "]]" : "]")) return Error("unterminated table header");
    Advance(array ? 2 : 1);
    return path;
  }

  // A dotted key of bare and quoted parts.
  absl::StatusOr<TomlPath> Key() {
    TomlPath path;
    while (true) {
      SkipBlank(false);
      if (Peek() == '"' || Peek() == '\'') {
        absl::StatusOr<std::string> part = Peek() == '"' ? Basic() : Literal();
        if (!part.ok()) return part.status();
        path.push_back(*std::move(part));
      } else {
        size_t start = pos_;
        while (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '_' || Peek() == '-') {
          Advance();
        }
        if (pos_ == start) return Error("expected a key");
        path.emplace_back(text_.substr(start, pos_ - start));
      }
      SkipBlank(false);
      if (Peek() != '.') return path;
      Advance();
    }
  }

  absl::Status KeyValue(const TomlPath& table) {
    absl::StatusOr<TomlPath> key = Key();
    if (!key.ok()) return key.status();
    SkipBlank(false);
    if (Peek() != '=') return Error("expected '=' after the key");
    Advance();
    TomlPath path = table;
    path.insert(path.end(), key->begin(), key->end());
    return Value(path);
  }

  // Stores the value at `path` (inline tables: their keys below it).
  absl::Status Value(const TomlPath& path) {
    SkipBlank(false);
    if (Peek() == '{') return InlineTable(path);
    absl::StatusOr<TomlValue> value = Peek() == '[' ? Array() : Scalar();
    if (!value.ok()) return value.status();
    keys_[path] = *std::move(value);
    return absl::OkStatus();
  }

  absl::Status InlineTable(const TomlPath& path) {
    Advance();
    SkipBlank(false);
    if (Peek() == '}') {
      Advance();
      return absl::OkStatus();
    }
    while (true) {
      if (absl::Status pair = KeyValue(path); !pair.ok()) return pair;
      SkipBlank(false);
      if (Peek() == '}') {
        Advance();
        return absl::OkStatus();
      }
      if (Peek() != ',') return Error("expected ',' or '}' in an inline table");
      Advance();
    }
  }

  absl::StatusOr<TomlValue> Array() {
    Advance();
    TomlValue array{TomlValue::Kind::kArray, "", {}};
    while (true) {
      SkipBlank(true);
      if (AtEnd()) return Error("unterminated array");
      if (Peek() == ']') {
        Advance();
        return array;
      }
      absl::StatusOr<TomlValue> item = Peek() == '[' ? Array() : Scalar();
      if (!item.ok()) return item.status();
      array.items.push_back(item->text);
      SkipBlank(true);
      if (AtEnd()) return Error("unterminated array");
      if (Peek() == ',') {
        Advance();
      } else if (Peek() != ']') {
        return Error("expected ',' or ']' in an array");
      }
    }
  }

  absl::StatusOr<TomlValue> Scalar() {
    if (Peek() == '"' || Peek() == '\'') {
      absl::StatusOr<std::string> s = Peek() == '"' ? Basic() : Literal();
      if (!s.ok()) return s.status();
      return TomlValue{TomlValue::Kind::kString, *std::move(s), {}};
    }
    size_t start = pos_;
    while (!AtEnd() && std::string_view(" \t\r\n,]}#").find(Peek()) == std::string_view::npos) {
      Advance();
    }
    std::string word(text_.substr(start, pos_ - start));
    if (word.empty()) return Error("expected a value");
    if (word == "true" || word == "false") return TomlValue{TomlValue::Kind::kBool, word, {}};
    if (!std::isdigit(static_cast<unsigned char>(word[0])) && word[0] != '+' && word[0] != '-' &&
        word != "inf" && word != "nan") {
      return Error(absl::StrCat("expected a value, found \"", word, "\" (strings need quotes)"));
    }
    return TomlValue{TomlValue::Kind::kOther, word, {}};
  }

  // "..." or """...""", escapes kept as the escaped character.
  absl::StatusOr<std::string> Basic() {
    bool multi = StartsWith("\"\"\"");
    Advance(multi ? 3 : 1);
    std::string out;
    while (true) {
      if (AtEnd() || (!multi && Peek() == '\n')) return Error("unterminated string");
      if (multi ? StartsWith("\"\"\"") : Peek() == '"') {
        Advance(multi ? 3 : 1);
        return out;
      }
      if (Peek() == '\\') {
        Advance();
        char c = Peek();
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += Peek();
      }
      Advance();
    }
  }

  // '...' or '''...''', verbatim.
  absl::StatusOr<std::string> Literal() {
    bool multi = StartsWith("'''");
    Advance(multi ? 3 : 1);
    std::string out;
    while (true) {
      if (AtEnd() || (!multi && Peek() == '\n')) return Error("unterminated string");
      if (multi ? StartsWith("'''") : Peek() == '\'') {
        Advance(multi ? 3 : 1);
        return out;
      }
      out += Peek();
      Advance();
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  TomlKeys keys_;
};

}  // namespace

absl::StatusOr<TomlKeys> ParseTomlKeys(std::string_view text) { return Reader(text).Document(); }

const TomlValue* FindToml(const TomlKeys& keys, const TomlPath& path) {
  auto it = keys.find(path);
  return it == keys.end() ? nullptr : &it->second;
}

}  // namespace gpulet::doctor
