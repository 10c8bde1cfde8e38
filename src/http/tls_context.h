// TlsContext: a server's TLS configuration — its certificate chain and key
// and, when a client CA is given, mandatory client certificates signed by
// that CA (kube-scheduler's extender tlsConfig certFile/keyFile) — and the
// factory of each accepted connection's TLS session. TLS 1.2 or newer;
// renegotiation off.
//
// Thread-safe: sessions may be created from any worker.
#ifndef GPULET_HTTP_TLS_CONTEXT_H_
#define GPULET_HTTP_TLS_CONTEXT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/connection_io.h"

// OpenSSL's context, declared here so that the header needs no OpenSSL.
struct ssl_ctx_st;

namespace gpulet::http {

struct TlsOptions {
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key of the leaf
  std::string client_ca_file;  // PEM CAs; empty: clients are not verified
};

class TlsContext {
 public:
  // Loads libssl and the files. FailedPrecondition without libssl;
  // InvalidArgument naming the file that cannot be used.
  static absl::StatusOr<std::shared_ptr<TlsContext>> Create(const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A TLS session on the accepted non-blocking socket `fd` (still owned by
  // the caller); the handshake runs in ContinueHandshake. Null when
  // OpenSSL cannot allocate one.
  std::unique_ptr<ConnectionIo> Wrap(int fd) const;

  bool verifies_clients() const { return verifies_clients_; }

 private:
  TlsContext() = default;

  ::ssl_ctx_st* ctx_ = nullptr;
  bool verifies_clients_ = false;
};

}  // namespace gpulet::http

#endif  // GPULET_HTTP_TLS_CONTEXT_H_
