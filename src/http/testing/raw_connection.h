// RawConnection: a test client that writes exact bytes to a loopback port
// and reads HTTP/1.1 answers back one at a time, for the server tests that
// an HTTP client library cannot express (pipelining, half requests,
// garbage, HTTP/1.0). Not thread-safe: one per test thread.
#ifndef GPULET_HTTP_TESTING_RAW_CONNECTION_H_
#define GPULET_HTTP_TESTING_RAW_CONNECTION_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gpulet::http::testing {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers, up to the blank line
  std::string body;
  bool HasHeader(std::string_view line) const;  // e.g. "Connection: close"
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:`port`; connected() tells whether it worked.
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one answer: its head, then Content-Length bytes of body unless
  // `head_only` (an answer to HEAD). nullopt when the connection closed or
  // nothing came within `timeout`.
  std::optional<RawResponse> Read(bool head_only = false,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Whether the server closes the connection (EOF or reset) within
  // `timeout`; any bytes it sends first are dropped.
  bool ClosedWithin(std::chrono::milliseconds timeout);
  void Close();

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace gpulet::http::testing

#endif  // GPULET_HTTP_TESTING_RAW_CONNECTION_H_
