#include "http/request_parser.h"

#include <cctype>
#include <cstdint>
#include <optional>
#include <utility>

namespace gpulet::http {
namespace {

using Progress = ParsedRequest::Progress;

constexpr std::string_view kCrlf = "\r\n";
// A chunk-size line longer than this is an attack, not an extension.
constexpr size_t kMaxChunkLine = 1024;

ParsedRequest Invalid(int status, std::string error) {
  ParsedRequest out;
  out.progress = Progress::kInvalid;
  out.error_status = status;
  out.error = std::move(error);
  return out;
}

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Visible characters, blanks and obs-text; no CR, LF, NUL or other controls.
bool IsFieldValue(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A decimal Content-Length: digits only, no sign, fits in 63 bits.
std::optional<uint64_t> ParseLength(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// "METHOD SP target SP HTTP/1.x"; fills method, path, query, version.
std::optional<ParsedRequest> ParseRequestLine(std::string_view line, HttpRequest& request) {
  size_t first = line.find(' ');
  size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return Invalid(400, "malformed request line");
  }
  std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, second - first - 1);
  std::string_view version = line.substr(second + 1);
  if (!IsToken(method)) return Invalid(400, "malformed request method");
  if (target.empty() || target.front() != '/' || !IsFieldValue(target) ||
      target.find_first_of(" \t") != std::string_view::npos) {
    return Invalid(400, "request target must be an absolute path");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(version[5]) ||
      version[6] != '.' || !std::isdigit(version[7])) {
    return Invalid(400, "malformed HTTP version");
  }
  if (version[5] != '1') return Invalid(505, "only HTTP/1.0 and HTTP/1.1 are served");
  request.method = std::string(method);
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.minor_version = version[7] - '0';
  return std::nullopt;
}

struct Framing {
  bool chunked = false;
  uint64_t length = 0;  // when not chunked
  bool expects_continue = false;
};

// Parses the header lines of `head` (after the request line) into
// `request` and decides how the body is framed.
std::optional<ParsedRequest> ParseHeaders(std::string_view head, HttpRequest& request,
                                          Framing& framing) {
  std::optional<uint64_t> length;
  bool has_transfer_encoding = false;
  while (!head.empty()) {
    size_t end = head.find(kCrlf);
    std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    if (line.front() == ' ' || line.front() == '\t') {
      return Invalid(400, "folded header lines are not accepted");
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Invalid(400, "malformed header line");
    }
    std::string_view value = Trim(line.substr(colon + 1));
    if (!IsFieldValue(value)) return Invalid(400, "control character in a header value");
    std::string name = Lower(line.substr(0, colon));
    if (name == "content-length") {
      std::optional<uint64_t> parsed = ParseLength(value);
      if (!parsed) return Invalid(400, "malformed Content-Length \"" + std::string(value) + "\"");
      if (length && *length != *parsed) return Invalid(400, "conflicting Content-Length headers");
      length = parsed;
    } else if (name == "transfer-encoding") {
      if (has_transfer_encoding || Lower(value) != "chunked") {
        return Invalid(501, "only Transfer-Encoding: chunked is supported");
      }
      has_transfer_encoding = true;
    } else if (name == "expect") {
      if (Lower(value) != "100-continue") return Invalid(417, "unsupported Expect");
      framing.expects_continue = true;
    }
    request.headers.emplace_back(std::move(name), std::string(value));
  }
  if (length && has_transfer_encoding) {
    return Invalid(400, "both Content-Length and Transfer-Encoding");
  }
  framing.chunked = has_transfer_encoding;
  framing.length = length.value_or(0);
  return std::nullopt;
}

// Parses one chunk-size line "hex[;extension]".
std::optional<uint64_t> ParseChunkSize(std::string_view line) {
  line = line.substr(0, line.find(';'));
  line = Trim(line);
  if (line.empty() || line.size() > 15) return std::nullopt;
  uint64_t size = 0;
  for (char c : line) {
    int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                            : -1;
    if (digit < 0) return std::nullopt;
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  return size;
}

// Decodes a chunked body at the start of `data` into `body`; on kComplete,
// `used` is the bytes it took, trailers included.
ParsedRequest DecodeChunked(std::string_view data, const RequestLimits& limits,
                            std::string& body, size_t& used) {
  size_t pos = 0;
  while (true) {
    size_t end = data.find(kCrlf, pos);
    if (end == std::string_view::npos) {
      if (data.size() - pos > kMaxChunkLine) return Invalid(400, "chunk-size line too long");
      return ParsedRequest{};
    }
    std::optional<uint64_t> size = ParseChunkSize(data.substr(pos, end - pos));
    if (!size) return Invalid(400, "malformed chunk size");
    pos = end + 2;
    if (*size == 0) break;
    if (*size > limits.max_body_bytes - body.size()) {
      return Invalid(413, "request body exceeds the " + DescribeBytes(limits.max_body_bytes) +
                              " limit");
    }
    if (data.size() - pos < *size + 2) return ParsedRequest{};
    if (data.substr(pos + *size, 2) != kCrlf) return Invalid(400, "chunk data not ended by CRLF");
    body.append(data.substr(pos, *size));
    pos += *size + 2;
  }
  // Trailers: read up to the blank line and dropped.
  size_t trailers_start = pos;
  while (true) {
    size_t end = data.find(kCrlf, pos);
    if (end == std::string_view::npos) {
      if (data.size() - trailers_start > limits.max_head_bytes) {
        return Invalid(431, "chunked trailers too large");
      }
      return ParsedRequest{};
    }
    if (end == pos) break;
    pos = end + 2;
  }
  used = pos + 2;
  ParsedRequest out;
  out.progress = Progress::kComplete;
  return out;
}

}  // namespace

std::string DescribeBytes(size_t bytes) {
  if (bytes != 0 && bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes != 0 && bytes % (1 << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

ParsedRequest ParseRequest(std::string_view buffer, const RequestLimits& limits) {
  size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string_view::npos || head_end + 4 > limits.max_head_bytes) {
    if (head_end != std::string_view::npos || buffer.size() >= limits.max_head_bytes) {
      return Invalid(431, "request head exceeds the " + DescribeBytes(limits.max_head_bytes) +
                              " limit");
    }
    return ParsedRequest{};
  }
  std::string_view head = buffer.substr(0, head_end);
  size_t line_end = head.find(kCrlf);
  ParsedRequest out;
  if (std::optional<ParsedRequest> bad = ParseRequestLine(head.substr(0, line_end), out.request)) {
    return *std::move(bad);
  }
  Framing framing;
  std::string_view header_lines =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  if (std::optional<ParsedRequest> bad = ParseHeaders(header_lines, out.request, framing)) {
    return *std::move(bad);
  }
  out.head_complete = true;
  out.expects_continue = framing.expects_continue;
  std::string_view rest = buffer.substr(head_end + 4);
  if (framing.chunked) {
    size_t used = 0;
    ParsedRequest body = DecodeChunked(rest, limits, out.request.body, used);
    if (body.progress == Progress::kInvalid) return body;
    if (body.progress == Progress::kIncomplete) {
      out.request.body.clear();
      return out;
    }
    out.consumed = head_end + 4 + used;
  } else {
    if (framing.length > limits.max_body_bytes) {
      return Invalid(413, "request body exceeds the " + DescribeBytes(limits.max_body_bytes) +
                              " limit");
    }
    if (rest.size() < framing.length) return out;
    out.request.body = std::string(rest.substr(0, framing.length));
    out.consumed = head_end + 4 + framing.length;
  }
  out.progress = Progress::kComplete;
  return out;
}

}  // namespace gpulet::http
