#include "http/tls_context.h"

#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "http/tls_library.h"
#include "spdlog/spdlog.h"

namespace gpulet::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kReadChunk = 16 << 10;  // one TLS record

int MillisUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Waits until `fd` is ready for what OpenSSL said it wants.
bool WaitFor(int fd, int ssl_error, Clock::time_point deadline) {
  pollfd pfd = {fd, static_cast<short>(ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
  while (true) {
    int ready = poll(&pfd, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

class TlsIo final : public ConnectionIo {
 public:
  TlsIo(SSL* ssl, int fd) : ssl_(ssl), fd_(fd) {}
  ~TlsIo() override { Tls().ssl_free(ssl_); }

  Handshake ContinueHandshake() override {
    // A handshake message larger than the socket buffer is rare; waiting a
    // little for the client to take it is cheaper than re-arming for write.
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(1);
    while (true) {
      Tls().err_clear_error();
      int rc = Tls().accept(ssl_);
      if (rc == 1) {
        done_ = true;
        return Handshake::kDone;
      }
      int error = Tls().get_error(ssl_, rc);
      if (error == SSL_ERROR_WANT_READ) return Handshake::kWantRead;
      if (error == SSL_ERROR_WANT_WRITE && WaitFor(fd_, error, deadline)) continue;
      // One line per refused client, e.g. "peer did not return a certificate".
      std::string why = TakeTlsErrors();
      spdlog::info("TLS handshake refused: {}", why.empty() ? "connection closed" : why);
      return Handshake::kFailed;
    }
  }

  bool handshake_done() const override { return done_; }

  ReadOutcome ReadAvailable(std::string& buffer, size_t max_buffer) override {
    ReadOutcome out;
    char chunk[kReadChunk];
    while (buffer.size() < max_buffer) {
      int want = static_cast<int>(std::min<size_t>(kReadChunk, max_buffer - buffer.size()));
      Tls().err_clear_error();
      int n = Tls().read(ssl_, chunk, want);
      if (n > 0) {
        buffer.append(chunk, static_cast<size_t>(n));
        continue;
      }
      int error = Tls().get_error(ssl_, n);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) break;
      if (error == SSL_ERROR_ZERO_RETURN ||
          (error == SSL_ERROR_SYSCALL && errno == 0)) {
        out.peer_closed = true;
      } else {
        TakeTlsErrors();
        out.failed = true;
      }
      break;
    }
    return out;
  }

  bool WaitReadable(std::chrono::milliseconds timeout) override {
    return Tls().pending(ssl_) > 0 || http::WaitReadable(fd_, timeout);
  }

  bool WriteAll(std::string_view data, Clock::time_point deadline) override {
    while (!data.empty()) {
      int size = static_cast<int>(std::min<size_t>(data.size(), 1 << 30));
      Tls().err_clear_error();
      int n = Tls().write(ssl_, data.data(), size);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      int error = Tls().get_error(ssl_, n);
      if ((error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) &&
          WaitFor(fd_, error, deadline)) {
        continue;
      }
      TakeTlsErrors();
      return false;
    }
    return true;
  }

  void DrainBeforeClose(Clock::time_point deadline) override {
    Tls().err_clear_error();
    if (done_) Tls().shutdown(ssl_);  // close_notify, best effort
    TakeTlsErrors();
    http::DrainBeforeClose(fd_, deadline);
  }

 private:
  SSL* const ssl_;
  const int fd_;
  bool done_ = false;
};

}  // namespace

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key file");
  }
  RETURN_IF_ERROR(LoadTls());
  // OpenSSL writes to the socket with write(), not send(MSG_NOSIGNAL): a
  // client that hangs up mid-answer must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  const TlsApi& tls = Tls();
  std::shared_ptr<TlsContext> context(new TlsContext());
  tls.err_clear_error();
  context->ctx_ = tls.ctx_new(tls.server_method());
  if (context->ctx_ == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat("SSL_CTX_new: ", TakeTlsErrors()));
  }
  tls.ctx_ctrl(context->ctx_, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
  tls.ctx_set_options(context->ctx_, SSL_OP_NO_RENEGOTIATION);
  tls.ctx_ctrl(context->ctx_, SSL_CTRL_MODE,
               SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, nullptr);
  if (tls.ctx_use_certificate_chain_file(context->ctx_, options.cert_file.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS certificate ", options.cert_file, ": ", TakeTlsErrors()));
  }
  if (tls.ctx_use_private_key_file(context->ctx_, options.key_file.c_str(),
                                   SSL_FILETYPE_PEM) != 1 ||
      tls.ctx_check_private_key(context->ctx_) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key ", options.key_file, ": ", TakeTlsErrors()));
  }
  if (!options.client_ca_file.empty()) {
    if (tls.ctx_load_verify_locations(context->ctx_, options.client_ca_file.c_str(),
                                      nullptr) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS client CA ", options.client_ca_file, ": ", TakeTlsErrors()));
    }
    tls.ctx_set_verify(context->ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
    context->verifies_clients_ = true;
  }
  return context;
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) Tls().ctx_free(ctx_);
}

std::unique_ptr<ConnectionIo> TlsContext::Wrap(int fd) const {
  SSL* ssl = Tls().ssl_new(ctx_);
  if (ssl == nullptr) {
    TakeTlsErrors();
    return nullptr;
  }
  if (Tls().set_fd(ssl, fd) != 1) {
    TakeTlsErrors();
    Tls().ssl_free(ssl);
    return nullptr;
  }
  return std::make_unique<TlsIo>(ssl, fd);
}

}  // namespace gpulet::http
