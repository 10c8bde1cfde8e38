// Listen addresses as operators write them in flags: "host:port",
// ":port" (every interface) or "[v6-address]:port". The one parser for the
// extender's --listen and the device plugin's --metrics-address, and the
// socket set-up that goes with it.
#ifndef GPULET_HTTP_LISTEN_ADDRESS_H_
#define GPULET_HTTP_LISTEN_ADDRESS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::http {

struct ListenAddress {
  std::string host;  // "0.0.0.0" for ":port"; brackets removed from "[::1]"
  int port = 0;      // 0: the kernel picks one
};

// InvalidArgument quoting `address` when there is no ":port", the port is
// not a number in 0..65535, or the host is an IPv6 address without
// brackets.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view address);

// A bound, listening, non-blocking, close-on-exec TCP socket, and the port
// it got. InvalidArgument for a host that does not resolve; Unavailable
// when the address cannot be bound (in use, not ours).
struct ListeningSocket {
  int fd = -1;
  int port = 0;
};
absl::StatusOr<ListeningSocket> OpenListeningSocket(const ListenAddress& address, int backlog);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_LISTEN_ADDRESS_H_
