#include "http/tls_library.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "base/library_binder.h"
#include "base/status_macros.h"

namespace gpulet::http {
namespace {

constexpr char kLibrary[] = "libssl.so.3";

TlsApi api;
absl::Status load_status;

absl::Status Load() {
  // dlsym on libssl's handle also finds libcrypto's ERR_*, its dependency.
  ASSIGN_OR_RETURN(LibraryBinder library, LibraryBinder::Open(kLibrary, "to serve TLS"));
  library.Bind("TLS_server_method", api.server_method);
  library.Bind("SSL_CTX_new", api.ctx_new);
  library.Bind("SSL_CTX_free", api.ctx_free);
  library.Bind("SSL_CTX_ctrl", api.ctx_ctrl);
  library.Bind("SSL_CTX_set_options", api.ctx_set_options);
  library.Bind("SSL_CTX_use_certificate_chain_file", api.ctx_use_certificate_chain_file);
  library.Bind("SSL_CTX_use_PrivateKey_file", api.ctx_use_private_key_file);
  library.Bind("SSL_CTX_check_private_key", api.ctx_check_private_key);
  library.Bind("SSL_CTX_load_verify_locations", api.ctx_load_verify_locations);
  library.Bind("SSL_CTX_set_verify", api.ctx_set_verify);
  library.Bind("SSL_new", api.ssl_new);
  library.Bind("SSL_free", api.ssl_free);
  library.Bind("SSL_set_fd", api.set_fd);
  library.Bind("SSL_accept", api.accept);
  library.Bind("SSL_read", api.read);
  library.Bind("SSL_write", api.write);
  library.Bind("SSL_pending", api.pending);
  library.Bind("SSL_shutdown", api.shutdown);
  library.Bind("SSL_get_error", api.get_error);
  library.Bind("ERR_get_error", api.err_get_error);
  library.Bind("ERR_error_string_n", api.err_error_string_n);
  library.Bind("ERR_clear_error", api.err_clear_error);
  return library.Finish();
}

}  // namespace

absl::Status LoadTls() {
  static std::once_flag once;
  std::call_once(once, [] { load_status = Load(); });
  return load_status;
}

const TlsApi& Tls() { return api; }

std::string TakeTlsErrors() {
  std::string text;
  while (unsigned long error = api.err_get_error()) {
    char line[256];
    api.err_error_string_n(error, line, sizeof(line));
    absl::StrAppend(&text, text.empty() ? "" : "; ", line);
  }
  return text;
}

}  // namespace gpulet::http
