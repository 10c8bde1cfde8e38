#include "http/listen_address.h"

#include <unistd.h>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::http {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ListenAddressTest, ParsesHostPortForms) {
  ASSERT_OK_AND_ASSIGN(ListenAddress any, ParseListenAddress(":8888"));
  EXPECT_EQ(any.host, "0.0.0.0");
  EXPECT_EQ(any.port, 8888);
  ASSERT_OK_AND_ASSIGN(ListenAddress local, ParseListenAddress("127.0.0.1:0"));
  EXPECT_EQ(local.host, "127.0.0.1");
  EXPECT_EQ(local.port, 0);
  ASSERT_OK_AND_ASSIGN(ListenAddress v6, ParseListenAddress("[::1]:65535"));
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 65535);
  ASSERT_OK_AND_ASSIGN(ListenAddress named, ParseListenAddress("localhost:80"));
  EXPECT_EQ(named.host, "localhost");
}

TEST(ListenAddressTest, RejectsMalformedAddresses) {
  for (const char* bad : {"8888", "host:", "host:99999", "h:x", "h:-1", "h:+80", "h:123456",
                          "::1:80", "[::1:80", "[]:80", "a b:80", ""}) {
    EXPECT_THAT(ParseListenAddress(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad)))
        << bad;
  }
}

TEST(ListenAddressTest, OpensASocketAndReportsThePort) {
  ASSERT_OK_AND_ASSIGN(ListeningSocket socket, OpenListeningSocket({"127.0.0.1", 0}, 4));
  EXPECT_GT(socket.port, 0);
  // The same port again is taken.
  EXPECT_THAT(OpenListeningSocket({"127.0.0.1", socket.port}, 4),
              StatusIs(absl::StatusCode::kUnavailable));
  close(socket.fd);
}

}  // namespace
}  // namespace gpulet::http
