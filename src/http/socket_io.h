// The blocking-with-deadline and non-blocking socket calls HttpServer makes
// on a non-blocking connected socket. Free functions over a file
// descriptor; they never close it.
#ifndef GPULET_HTTP_SOCKET_IO_H_
#define GPULET_HTTP_SOCKET_IO_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace gpulet::http {

struct ReadOutcome {
  bool peer_closed = false;  // the client sent FIN
  bool failed = false;       // a socket error (reset, ...)
};

// Appends what the socket holds now to `buffer`, without waiting, until it
// would block or `buffer` reaches `max_buffer` bytes.
ReadOutcome ReadAvailable(int fd, std::string& buffer, size_t max_buffer);

// Whether the socket has bytes (or an EOF) to read within `timeout`.
bool WaitReadable(int fd, std::chrono::milliseconds timeout);

// Sends all of `data`, waiting for the client to take it until `deadline`.
// False when the client went away or was too slow.
bool WriteAll(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline);

// Before closing a connection whose client may still be sending (an
// oversized or malformed request): stops our side, then reads and drops
// what arrives until the client closes, goes quiet for a moment, or
// `deadline` passes. Closing with unread data makes the kernel send a
// reset, which can destroy the error answer before the client reads it.
void DrainBeforeClose(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_SOCKET_IO_H_
