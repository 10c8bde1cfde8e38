// TlsLibrary: the OpenSSL entry points the HTTP server's TLS needs, loaded
// with dlopen the first time a TLS server starts rather than linked, so a
// process that serves plain HTTP (the node agent's /metrics, an extender
// beside kube-scheduler on loopback) never maps libssl.
//
// Thread-safe: LoadTls loads once; the table never changes afterwards.
#ifndef GPULET_HTTP_TLS_LIBRARY_H_
#define GPULET_HTTP_TLS_LIBRARY_H_

#include <openssl/ssl.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace gpulet::http {

struct TlsApi {
  const SSL_METHOD* (*server_method)();
  SSL_CTX* (*ctx_new)(const SSL_METHOD* method);
  void (*ctx_free)(SSL_CTX* ctx);
  long (*ctx_ctrl)(SSL_CTX* ctx, int cmd, long larg, void* parg);
  uint64_t (*ctx_set_options)(SSL_CTX* ctx, uint64_t options);
  int (*ctx_use_certificate_chain_file)(SSL_CTX* ctx, const char* file);
  int (*ctx_use_private_key_file)(SSL_CTX* ctx, const char* file, int type);
  int (*ctx_check_private_key)(const SSL_CTX* ctx);
  int (*ctx_load_verify_locations)(SSL_CTX* ctx, const char* file,
                                   const char* path);
  void (*ctx_set_verify)(SSL_CTX* ctx, int mode, SSL_verify_cb callback);
  SSL* (*ssl_new)(SSL_CTX* ctx);
  void (*ssl_free)(SSL* ssl);
  int (*set_fd)(SSL* ssl, int fd);
  int (*accept)(SSL* ssl);
  int (*read)(SSL* ssl, void* buffer, int size);
  int (*write)(SSL* ssl, const void* buffer, int size);
  int (*pending)(const SSL* ssl);
  int (*shutdown)(SSL* ssl);
  int (*get_error)(const SSL* ssl, int ret);
  unsigned long (*err_get_error)();
  void (*err_error_string_n)(unsigned long error, char* buffer, size_t size);
  void (*err_clear_error)();
};

// Loads libssl.so.3 once per process. FailedPrecondition naming the
// library or the missing symbol otherwise.
absl::Status LoadTls();

// The loaded entry points. Only valid after LoadTls() returned OK.
const TlsApi& Tls();

// OpenSSL's queued errors of this thread as one line ("" when none), and
// the queue emptied.
std::string TakeTlsErrors();

}  // namespace gpulet::http

#endif  // GPULET_HTTP_TLS_LIBRARY_H_
