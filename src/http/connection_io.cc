#include "http/connection_io.h"

namespace gpulet::http {
namespace {

class PlainIo final : public ConnectionIo {
 public:
  explicit PlainIo(int fd) : fd_(fd) {}

  Handshake ContinueHandshake() override { return Handshake::kDone; }
  bool handshake_done() const override { return true; }
  ReadOutcome ReadAvailable(std::string& buffer, size_t max_buffer) override {
    return http::ReadAvailable(fd_, buffer, max_buffer);
  }
  bool WaitReadable(std::chrono::milliseconds timeout) override {
    return http::WaitReadable(fd_, timeout);
  }
  bool WriteAll(std::string_view data,
                std::chrono::steady_clock::time_point deadline) override {
    return http::WriteAll(fd_, data, deadline);
  }
  void DrainBeforeClose(std::chrono::steady_clock::time_point deadline) override {
    http::DrainBeforeClose(fd_, deadline);
  }

 private:
  const int fd_;
};

}  // namespace

std::unique_ptr<ConnectionIo> PlainConnectionIo(int fd) {
  return std::make_unique<PlainIo>(fd);
}

}  // namespace gpulet::http
