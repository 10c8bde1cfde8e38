// ParseRequest: reads one HTTP/1.x request from the bytes a connection has
// received so far. A free function over text, so that every malformed input
// is testable without a socket; HttpServer calls it again as more bytes
// arrive (heads are small, so re-reading the head costs little).
//
// Accepted: "METHOD /target HTTP/1.0|1.1" with CRLF line ends, headers
// "name: value", a body framed by Content-Length or by
// "Transfer-Encoding: chunked" (trailers read and dropped). Refused, with
// the status to answer: a malformed request line, header or length (400);
// both Content-Length and Transfer-Encoding, or conflicting Content-Lengths
// (400, the request-smuggling cases); a transfer coding other than chunked
// (501); an Expect other than 100-continue (417); a body over the cap (413, decided from Content-Length before the
// body arrives); a head over the cap (431); an HTTP version other than 1.x
// (505).
#ifndef GPULET_HTTP_REQUEST_PARSER_H_
#define GPULET_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace gpulet::http {

struct RequestLimits {
  size_t max_head_bytes = 16 << 10;  // request line + headers + blank line
  size_t max_body_bytes = 1 << 20;   // after de-chunking
};

struct ParsedRequest {
  enum class Progress { kIncomplete, kComplete, kInvalid };
  Progress progress = Progress::kIncomplete;
  // kIncomplete: whether the head has arrived (only the body is missing),
  // and whether it asked for "Expect: 100-continue".
  bool head_complete = false;
  bool expects_continue = false;
  HttpRequest request;  // kComplete
  size_t consumed = 0;  // kComplete: the bytes this request took
  int error_status = 0;  // kInvalid: 400, 413, 417, 431, 501 or 505
  std::string error;     // kInvalid: what was wrong, for the answer's body
};

// Parses the request at the start of `buffer`; bytes after it (a pipelined
// next request) are left alone.
ParsedRequest ParseRequest(std::string_view buffer, const RequestLimits& limits);

// "1 MiB", "16 KiB" or "1000 bytes": how an error message names a limit.
std::string DescribeBytes(size_t bytes);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_REQUEST_PARSER_H_
