// ConnectionIo: how HttpServer reads and writes one accepted connection —
// plain socket calls (socket_io.h) or a TLS session over them
// (tls_context.h). The server's framing, limits and timeouts are the same
// for both.
//
// Not thread-safe: one worker at a time owns a connection.
#ifndef GPULET_HTTP_CONNECTION_IO_H_
#define GPULET_HTTP_CONNECTION_IO_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/socket_io.h"

namespace gpulet::http {

class ConnectionIo {
 public:
  enum class Handshake { kDone, kWantRead, kFailed };

  virtual ~ConnectionIo() = default;

  // Advances the connection's handshake without waiting for the client:
  // kWantRead means "call again when the socket is readable".
  virtual Handshake ContinueHandshake() = 0;
  virtual bool handshake_done() const = 0;
  // As socket_io.h's functions of the same names, on the connection's
  // application data.
  virtual ReadOutcome ReadAvailable(std::string& buffer, size_t max_buffer) = 0;
  virtual bool WaitReadable(std::chrono::milliseconds timeout) = 0;
  virtual bool WriteAll(std::string_view data,
                        std::chrono::steady_clock::time_point deadline) = 0;
  virtual void DrainBeforeClose(std::chrono::steady_clock::time_point deadline) = 0;
};

// Plain HTTP on `fd`, which the caller keeps owning.
std::unique_ptr<ConnectionIo> PlainConnectionIo(int fd);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_CONNECTION_IO_H_
