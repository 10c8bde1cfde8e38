#include "http/http_message.h"

#include "gtest/gtest.h"

namespace gpulet::http {
namespace {

HttpRequest Request(int minor, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest request;
  request.minor_version = minor;
  request.headers = std::move(headers);
  return request;
}

TEST(HttpMessageTest, KeepAliveFollowsVersionAndConnectionHeader) {
  EXPECT_TRUE(Request(1, {}).KeepAlive());
  EXPECT_FALSE(Request(1, {{"connection", "Close"}}).KeepAlive());
  EXPECT_FALSE(Request(1, {{"connection", "te, close"}}).KeepAlive());
  EXPECT_FALSE(Request(0, {}).KeepAlive());
  EXPECT_TRUE(Request(0, {{"connection", "Keep-Alive"}}).KeepAlive());
  EXPECT_FALSE(Request(0, {{"connection", "keep-alive"}, {"connection", "close"}}).KeepAlive());
  EXPECT_TRUE(Request(1, {{"connection", "closed"}}).KeepAlive());
}

TEST(HttpMessageTest, HeaderFindsTheFirstValue) {
  HttpRequest request = Request(1, {{"a", "1"}, {"a", "2"}});
  EXPECT_EQ(request.Header("a"), "1");
  EXPECT_EQ(request.Header("b"), "");
}

TEST(HttpMessageTest, SerializesTheHead) {
  HttpResponse response{405, "application/json", "{}", {{"Allow", "GET, HEAD"}}};
  EXPECT_EQ(SerializeHead(response, 2, true, false),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(SerializeHead(HttpResponse{200, "", "", {}}, 0, false, true),
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(ReasonPhrase(413), "Payload Too Large");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

}  // namespace
}  // namespace gpulet::http
