#include "http/request_parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::http {
namespace {

using ::testing::HasSubstr;
using Progress = ParsedRequest::Progress;

TEST(RequestParserTest, ParsesAGetWithQueryAndHeaders) {
  std::string text = "GET /metrics?name=a&b HTTP/1.1\r\nHost: x\r\nX-Thing:  padded \t\r\n\r\n";
  ParsedRequest parsed = ParseRequest(text, {});
  ASSERT_EQ(parsed.progress, Progress::kComplete) << parsed.error;
  EXPECT_EQ(parsed.request.method, "GET");
  EXPECT_EQ(parsed.request.path, "/metrics");
  EXPECT_EQ(parsed.request.query, "name=a&b");
  EXPECT_EQ(parsed.request.minor_version, 1);
  EXPECT_EQ(parsed.request.Header("x-thing"), "padded");
  EXPECT_EQ(parsed.request.Header("host"), "x");
  EXPECT_EQ(parsed.consumed, text.size());
  EXPECT_TRUE(parsed.request.body.empty());
}

TEST(RequestParserTest, ReadsAContentLengthBodyAndLeavesThePipelinedRest) {
  std::string first = "POST /filter HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  std::string text = first + "GET / HTTP/1.1\r\n\r\n";
  ParsedRequest parsed = ParseRequest(text, {});
  ASSERT_EQ(parsed.progress, Progress::kComplete);
  EXPECT_EQ(parsed.request.body, "hello");
  EXPECT_EQ(parsed.consumed, first.size());
}

TEST(RequestParserTest, WaitsForTheRestOfTheHeadAndBody) {
  std::string text = "POST /filter HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhel";
  for (size_t cut = 0; cut < text.size(); ++cut) {
    ParsedRequest parsed = ParseRequest(text.substr(0, cut), {});
    EXPECT_EQ(parsed.progress, Progress::kIncomplete) << cut;
  }
  ParsedRequest head_only = ParseRequest(text, {});
  EXPECT_TRUE(head_only.head_complete);
  EXPECT_TRUE(head_only.expects_continue);
  EXPECT_EQ(ParseRequest(text + "lo", {}).request.body, "hello");
}

TEST(RequestParserTest, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  std::string text =
      "POST /bind HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "5;name=value\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Trailer: t\r\n\r\n";
  ParsedRequest parsed = ParseRequest(text + "GET", {});
  ASSERT_EQ(parsed.progress, Progress::kComplete) << parsed.error;
  EXPECT_EQ(parsed.request.body, "hello, world!!!");
  EXPECT_EQ(parsed.consumed, text.size());
  for (size_t cut = text.find("\r\n\r\n") + 4; cut < text.size(); ++cut) {
    ParsedRequest partial = ParseRequest(text.substr(0, cut), {});
    EXPECT_EQ(partial.progress, Progress::kIncomplete) << cut;
    EXPECT_TRUE(partial.head_complete);
  }
}

TEST(RequestParserTest, AcceptsRepeatedEqualContentLengthsAndHttp10) {
  ParsedRequest parsed =
      ParseRequest("PUT /x HTTP/1.0\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok", {});
  ASSERT_EQ(parsed.progress, Progress::kComplete) << parsed.error;
  EXPECT_EQ(parsed.request.minor_version, 0);
  EXPECT_EQ(parsed.request.body, "ok");
}

struct BadCase {
  const char* name;
  std::string text;
  int status;
  const char* message;
};

TEST(RequestParserTest, RefusesMalformedRequests) {
  const BadCase cases[] = {
      {"no target", "GET HTTP/1.1\r\n\r\n", 400, "request line"},
      {"extra space", "GET  /x HTTP/1.1\r\n\r\n", 400, "request line"},
      {"lower-case junk method", "G(T /x HTTP/1.1\r\n\r\n", 400, "method"},
      {"absolute form", "GET http://h/x HTTP/1.1\r\n\r\n", 400, "absolute path"},
      {"bad version", "GET /x HTTP/x.1\r\n\r\n", 400, "version"},
      {"http2", "GET /x HTTP/2.0\r\n\r\n", 505, "HTTP/1.0"},
      {"garbage", "\x01\x02\x03\r\n\r\n", 400, "request line"},
      {"header without colon", "GET /x HTTP/1.1\r\nHost x\r\n\r\n", 400, "header line"},
      {"space before colon", "GET /x HTTP/1.1\r\nHost : x\r\n\r\n", 400, "header line"},
      {"folded header", "GET /x HTTP/1.1\r\nA: b\r\n  c\r\n\r\n", 400, "folded"},
      {"control in value", "GET /x HTTP/1.1\r\nA: b\x01\r\n\r\n", 400, "control"},
      {"bare LF in value", "GET /x HTTP/1.1\r\nA: b\nc: d\r\n\r\n", 400, "control"},
      {"negative length", "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length"},
      {"signed length", "POST /x HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400, "Content-Length"},
      {"non-numeric length", "POST /x HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400,
       "Content-Length"},
      {"empty length", "POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n", 400, "Content-Length"},
      {"list length", "POST /x HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", 400, "Content-Length"},
      {"overflowing length",
       "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400,
       "Content-Length"},
      {"conflicting lengths",
       "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400,
       "conflicting"},
      {"length and chunked",
       "POST /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "both"},
      {"gzip coding", "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "chunked"},
      {"bad chunk size", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
       "chunk size"},
      {"huge chunk size",
       "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400,
       "chunk size"},
      {"chunk without CRLF",
       "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n", 400, "CRLF"},
      {"expect other", "POST /x HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "Expect"},
  };
  for (const BadCase& c : cases) {
    ParsedRequest parsed = ParseRequest(c.text, {});
    EXPECT_EQ(parsed.progress, Progress::kInvalid) << c.name;
    EXPECT_EQ(parsed.error_status, c.status) << c.name;
    EXPECT_THAT(parsed.error, HasSubstr(c.message)) << c.name;
  }
}

TEST(RequestParserTest, EnforcesTheHeadAndBodyCaps) {
  RequestLimits limits;
  limits.max_head_bytes = 64;
  limits.max_body_bytes = 10;
  std::string long_header = "GET /x HTTP/1.1\r\nA: " + std::string(60, 'a') + "\r\n\r\n";
  EXPECT_EQ(ParseRequest(long_header, limits).error_status, 431);
  // Still no blank line, but already over the cap: refused without waiting.
  EXPECT_EQ(ParseRequest(long_header.substr(0, 70), limits).error_status, 431);
  ParsedRequest big = ParseRequest("POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits);
  EXPECT_EQ(big.error_status, 413);
  EXPECT_THAT(big.error, HasSubstr("10 bytes"));
  EXPECT_EQ(ParseRequest("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", limits)
                .progress,
            Progress::kComplete);
  ParsedRequest chunked = ParseRequest(
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n", limits);
  EXPECT_EQ(chunked.error_status, 413);
}

TEST(RequestParserTest, DescribesLimits) {
  EXPECT_EQ(DescribeBytes(1 << 20), "1 MiB");
  EXPECT_EQ(DescribeBytes(16 << 10), "16 KiB");
  EXPECT_EQ(DescribeBytes(1000), "1000 bytes");
  EXPECT_EQ(DescribeBytes(0), "0 bytes");
}

}  // namespace
}  // namespace gpulet::http
