// Test certificates made with the openssl command line, for the TLS tests
// of the HTTP server and of the Kubernetes client: in `dir`,
//   ca.crt/ca.key              a test CA
//   server.crt/server.key      signed by it, for IP 127.0.0.1
//   client.crt/client.key      signed by it
//   other-ca.crt/other-ca.key  an unrelated CA
//   other-client.crt/.key      signed by the unrelated CA
// valid for one day, P-256 keys. Test-only.
#ifndef GPULET_HTTP_TESTING_TEST_CERTIFICATES_H_
#define GPULET_HTTP_TESTING_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/status.h"

namespace gpulet::http::testing {

// Internal with openssl's output (kept in `dir`/openssl.log) when the
// openssl command fails.
absl::Status MakeTestCertificates(const std::string& dir);

}  // namespace gpulet::http::testing

#endif  // GPULET_HTTP_TESTING_TEST_CERTIFICATES_H_
