// HttpRequest and HttpResponse: the value types HttpServer hands to a
// route's handler and takes back from it. Plain values, no I/O; safe to copy
// and move between threads.
#ifndef GPULET_HTTP_HTTP_MESSAGE_H_
#define GPULET_HTTP_HTTP_MESSAGE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpulet::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (methods are case-sensitive)
  std::string path;    // the target up to '?', not percent-decoded
  std::string query;   // after '?', without it; empty when there was none
  int minor_version = 1;  // HTTP/1.<minor_version>
  // Header names are lower-cased; values have surrounding blanks removed.
  // Repeated headers keep every occurrence in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // de-chunked when sent with Transfer-Encoding: chunked

  // The first value of header `lower_case_name`, or empty.
  std::string_view Header(std::string_view lower_case_name) const;
  // Whether the client lets the connection stay open after this request:
  // HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "keep-alive".
  bool KeepAlive() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  // Extra headers (e.g. Allow); Content-Type, Content-Length and
  // Connection are written by the server.
  std::vector<std::pair<std::string, std::string>> headers;
};

// A text/plain answer.
HttpResponse PlainText(int status, std::string body);

// "OK", "Not Found", ... for the codes gpulet answers; "Unknown" otherwise.
std::string_view ReasonPhrase(int status);

// Serialises the status line and headers of `response`, ending with the
// blank line. `body_size` is the Content-Length announced (a HEAD answer
// announces the size of the body it leaves out); `close` adds
// "Connection: close", `keep_alive_1_0` adds "Connection: keep-alive" for an
// HTTP/1.0 client that asked for it.
std::string SerializeHead(const HttpResponse& response, size_t body_size, bool close,
                          bool keep_alive_1_0);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_HTTP_MESSAGE_H_
