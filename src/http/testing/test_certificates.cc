#include "http/testing/test_certificates.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace gpulet::http::testing {
namespace {

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

absl::Status MakeTestCertificates(const std::string& dir) {
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  auto sign = [](const std::string& name, const std::string& ca, const std::string& ext) {
    return absl::StrCat("openssl x509 -req -in ", name, ".csr -CA ", ca, ".crt -CAkey ", ca,
                        ".key -CAcreateserial -out ", name, ".crt -days 1", ext, "\n");
  };
  auto request = [&key](const std::string& name, const std::string& cn) {
    return absl::StrCat("openssl req ", key, " -keyout ", name, ".key -out ", name,
                        ".csr -subj /CN=", cn, "\n");
  };
  auto self_signed = [&key](const std::string& name, const std::string& cn) {
    return absl::StrCat("openssl req -x509 ", key, " -keyout ", name, ".key -out ", name,
                        ".crt -days 1 -subj /CN=", cn, "\n");
  };
  std::string script = absl::StrCat(
      "set -e; cd ", ShellQuote(dir), "; exec >openssl.log 2>&1\n",
      self_signed("ca", "gpulet-test-ca"), self_signed("other-ca", "other-ca"),
      request("server", "127.0.0.1"), "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext\n",
      sign("server", "ca", " -extfile san.ext"), request("client", "gpulet-client"),
      sign("client", "ca", ""), request("other-client", "other-client"),
      sign("other-client", "other-ca", ""));
  if (std::system(("sh -c " + ShellQuote(script)).c_str()) == 0) return absl::OkStatus();
  std::ifstream log(dir + "/openssl.log");
  std::ostringstream text;
  text << log.rdbuf();
  return absl::InternalError("making test certificates: " + text.str());
}

}  // namespace gpulet::http::testing
