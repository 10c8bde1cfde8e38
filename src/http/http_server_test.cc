#include "http/http_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/testing/raw_connection.h"

namespace gpulet::http {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::RawConnection;
using testing::RawResponse;
using namespace std::chrono_literals;

HttpRouter EchoRouter() {
  HttpRouter router;
  router.Post("/echo", [](const HttpRequest& request) {
    return HttpResponse{200, "application/octet-stream", request.body, {}};
  });
  router.Get("/hello", [](const HttpRequest& request) {
    return HttpResponse{200, "text/plain", "hello " + request.query + "\n", {}};
  });
  return router;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, HttpRouter router = EchoRouter()) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(std::move(options), std::move(router));
  EXPECT_OK(server.status());
  return server.ok() ? *std::move(server) : nullptr;
}

std::string Post(std::string_view path, std::string_view body, std::string_view extra = "") {
  return std::string("POST ") + std::string(path) + " HTTP/1.1\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

TEST(HttpServerTest, ServesRoutesAndErrors) {
  auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  RawConnection client(server->port());
  ASSERT_TRUE(client.Send("GET /hello?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  std::optional<RawResponse> hello = client.Read();
  ASSERT_TRUE(hello);
  EXPECT_THAT(hello->head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(hello->HasHeader("Content-Type: text/plain"));
  EXPECT_EQ(hello->body, "hello x=1\n");
  ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\n\r\n"));
  std::optional<RawResponse> head = client.Read(/*head_only=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->HasHeader("Content-Length: 7"));
  ASSERT_TRUE(client.Send("GET /nope HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(client.Read()->status, 404);
  ASSERT_TRUE(client.Send("DELETE /echo HTTP/1.1\r\n\r\n"));
  std::optional<RawResponse> wrong = client.Read();
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_TRUE(wrong->HasHeader("Allow: POST"));
  // Still the same connection: nothing so far closed it.
  ASSERT_TRUE(client.Send(Post("/echo", "abc")));
  EXPECT_EQ(client.Read()->body, "abc");
  EXPECT_EQ(server->connection_count(), 1u);
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  auto server = StartServer({});
  RawConnection client(server->port());
  std::string batch;
  for (int i = 0; i < 20; ++i) batch += Post("/echo", "request " + std::to_string(i));
  batch += "GET /hello HTTP/1.1\r\n\r\n";
  ASSERT_TRUE(client.Send(batch));
  for (int i = 0; i < 20; ++i) {
    std::optional<RawResponse> response = client.Read();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->body, "request " + std::to_string(i));
  }
  EXPECT_EQ(client.Read()->body, "hello \n");
}

TEST(HttpServerTest, ConnectionCloseAndHttp10CloseAfterTheAnswer) {
  auto server = StartServer({});
  RawConnection closing(server->port());
  ASSERT_TRUE(closing.Send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n"));
  std::optional<RawResponse> answer = closing.Read();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->HasHeader("Connection: close"));
  EXPECT_TRUE(closing.ClosedWithin(2s));

  RawConnection old(server->port());
  ASSERT_TRUE(old.Send("GET /hello HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(old.Read());
  EXPECT_TRUE(old.ClosedWithin(2s));

  RawConnection old_keep(server->port());
  ASSERT_TRUE(old_keep.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  std::optional<RawResponse> kept = old_keep.Read();
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->HasHeader("Connection: keep-alive"));
  ASSERT_TRUE(old_keep.Send("GET /hello HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(old_keep.Read());
  EXPECT_TRUE(old_keep.ClosedWithin(2s));
}

TEST(HttpServerTest, KeepAliveOffClosesEveryConnection) {
  HttpServerOptions options;
  options.keep_alive = false;
  auto server = StartServer(options);
  RawConnection client(server->port());
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\n\r\n"));
  std::optional<RawResponse> answer = client.Read();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->HasHeader("Connection: close"));
  EXPECT_TRUE(client.ClosedWithin(2s));
}

TEST(HttpServerTest, ChunkedBodiesAndContinue) {
  auto server = StartServer({});
  RawConnection client(server->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.Send("4\r\ndefg\r\n0\r\n\r\n"));
  EXPECT_EQ(client.Read()->body, "abcdefg");

  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  std::optional<RawResponse> go_on = client.Read();
  ASSERT_TRUE(go_on);
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE(client.Send("body"));
  std::optional<RawResponse> answer = client.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "body");
}

TEST(HttpServerTest, OversizedAndMalformedRequestsAreRefusedAndClosed) {
  HttpServerOptions options;
  options.max_body_bytes = 1 << 10;
  options.max_head_bytes = 256;
  options.error_responder = [](int status, std::string_view message) {
    return HttpResponse{status, "application/json",
                        "{\"Error\":\"" + std::string(message) + "\"}", {}};
  };
  auto server = StartServer(options);
  struct Case {
    std::string request;
    int status;
    const char* body;
  };
  const Case cases[] = {
      {Post("/echo", std::string(4 << 10, 'x')), 413, "exceeds the 1 KiB limit"},
      {"GET /x HTTP/1.1\r\nA: " + std::string(300, 'a') + "\r\n\r\n", 431, "256 bytes"},
      {"POST /echo HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "Content-Length"},
      {"POST /echo HTTP/1.1\r\nContent-Length: 18446744073709551617\r\n\r\n", 400,
       "Content-Length"},
      {"POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 400,
       "conflicting"},
      {"POST /echo HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400, "Content-Length"},
      {"BLAH\r\n\r\n", 400, "request line"},
      {"GET /x HTTP/1.1\r\nno colon here\r\n\r\n", 400, "header"},
  };
  for (const Case& c : cases) {
    RawConnection client(server->port());
    ASSERT_TRUE(client.Send(c.request));
    std::optional<RawResponse> answer = client.Read();
    ASSERT_TRUE(answer) << c.request.substr(0, 40);
    EXPECT_EQ(answer->status, c.status) << c.request.substr(0, 40);
    EXPECT_TRUE(answer->HasHeader("Content-Type: application/json"));
    EXPECT_THAT(answer->body, HasSubstr(c.body));
    EXPECT_TRUE(client.ClosedWithin(2s));
  }
}

TEST(HttpServerTest, DropsAStalledRequestAndKeepsServingOthers) {
  HttpServerOptions options;
  options.threads = 1;
  options.read_timeout = 300ms;
  auto server = StartServer(options);
  RawConnection stalled(server->port());
  ASSERT_TRUE(stalled.Send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf"));
  // The one worker is free while the stalled request waits.
  RawConnection other(server->port());
  ASSERT_TRUE(other.Send(Post("/echo", "fine")));
  std::optional<RawResponse> answer = other.Read(false, 1s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "fine");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled.ClosedWithin(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  // `other` is idle, not stalled: still open.
  ASSERT_TRUE(other.Send(Post("/echo", "again")));
  EXPECT_EQ(other.Read()->body, "again");
}

TEST(HttpServerTest, SweepsIdleKeepAliveConnections) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  auto server = StartServer(options);
  RawConnection client(server->port());
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(client.Read());
  EXPECT_TRUE(client.ClosedWithin(3s));
  EXPECT_EQ(server->connection_count(), 0u);
}

TEST(HttpServerTest, RefusesConnectionsOverTheMaximum) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = StartServer(options);
  RawConnection first(server->port());
  RawConnection second(server->port());
  ASSERT_TRUE(first.Send("GET /hello HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(second.Send("GET /hello HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(first.Read());
  ASSERT_TRUE(second.Read());
  RawConnection third(server->port());
  std::optional<RawResponse> refused = third.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(third.ClosedWithin(2s));
  first.Close();
  // Once a slot frees up, a new connection is served.
  for (int attempt = 0; attempt < 100 && server->connection_count() > 1; ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  RawConnection fourth(server->port());
  ASSERT_TRUE(fourth.Send("GET /hello HTTP/1.1\r\n\r\n"));
  std::optional<RawResponse> served = fourth.Read();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
}

TEST(HttpServerTest, StopFinishesRequestsInFlightAndClosesIdleConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  HttpRouter router;
  router.Get("/slow", [&entered, released](const HttpRequest&) {
    entered.set_value();
    released.wait();
    return HttpResponse{200, "text/plain", "done", {}};
  });
  router.Get("/fast", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "x", {}}; });
  auto server = StartServer({}, std::move(router));
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET /fast HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(idle.Read());
  RawConnection busy(server->port());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\n\r\n"));
  entered.get_future().wait();
  std::thread stopper([&server] { server->Stop(); });
  // Stop waits for the handler; the idle connection may close meanwhile.
  std::this_thread::sleep_for(50ms);
  release.set_value();
  std::optional<RawResponse> answer = busy.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "done");
  EXPECT_TRUE(answer->HasHeader("Connection: close"));
  stopper.join();
  EXPECT_TRUE(busy.ClosedWithin(1s));
  EXPECT_TRUE(idle.ClosedWithin(1s));
  EXPECT_FALSE(RawConnection(server->port()).Read(false, 200ms));
  server->Stop();  // idempotent
}

TEST(HttpServerTest, HandlerExceptionsBecome500) {
  HttpRouter router;
  router.Get("/throw", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  auto server = StartServer({}, std::move(router));
  RawConnection client(server->port());
  ASSERT_TRUE(client.Send("GET /throw HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(client.Read()->status, 500);
}

TEST(HttpServerTest, StartReportsBadAddressesAndBusyPorts) {
  HttpServerOptions bad;
  bad.listen = "nonsense";
  EXPECT_THAT(HttpServer::Start(bad, {}), StatusIs(absl::StatusCode::kInvalidArgument));
  bad.listen = "127.0.0.1:0";
  bad.threads = 0;
  EXPECT_THAT(HttpServer::Start(bad, {}), StatusIs(absl::StatusCode::kInvalidArgument));
  auto server = StartServer({});
  HttpServerOptions taken;
  taken.listen = "127.0.0.1:" + std::to_string(server->port());
  EXPECT_THAT(HttpServer::Start(taken, {}), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(HttpServerTest, ListensOnIpv6Loopback) {
  HttpServerOptions options;
  options.listen = "[::1]:0";
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, EchoRouter());
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.status();
  EXPECT_GT((*server)->port(), 0);
}

}  // namespace
}  // namespace gpulet::http
