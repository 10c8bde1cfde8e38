// HttpServer under concurrent load: keep-alive clients, clients that open a
// connection per request, pipelining clients and clients that send garbage
// or stall, all at once, then Stop() while they are still running. Runs
// under ThreadSanitizer (label "concurrency").
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "http/http_server.h"
#include "http/testing/raw_connection.h"

namespace gpulet::http {
namespace {

using testing::RawConnection;
using testing::RawResponse;
using namespace std::chrono_literals;

// Whether `answer` is the echo of `body`. A 503 is right too: a client
// that connects while Stop() runs is told the server is going away.
bool Echoes(const RawResponse& answer, const std::string& body) {
  if (answer.status == 503) return answer.body == "the server is stopping\n";
  return answer.status == 200 && answer.body == body;
}

std::string Post(const std::string& body, bool close = false) {
  return "POST /echo HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
         (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
}

TEST(HttpServerStressTest, ManyClientsThenStop) {
  std::atomic<int64_t> handled{0};
  HttpRouter router;
  router.Post("/echo", [&handled](const HttpRequest& request) {
    handled.fetch_add(1, std::memory_order_relaxed);
    return HttpResponse{200, "text/plain", request.body, {}};
  });
  router.Get("/count", [&handled](const HttpRequest&) {
    return HttpResponse{200, "text/plain", std::to_string(handled.load()), {}};
  });
  HttpServerOptions options;
  options.threads = 4;
  options.read_timeout = 300ms;
  options.idle_timeout = 500ms;
  options.max_body_bytes = 4 << 10;
  absl::StatusOr<std::unique_ptr<HttpServer>> started = HttpServer::Start(options, router);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<HttpServer> server = *std::move(started);
  const int port = server->port();

  std::atomic<bool> done{false};
  std::atomic<int64_t> mismatches{0};
  std::atomic<int64_t> answered{0};
  auto keep_alive = [&](int seed) {
    std::mt19937 random(seed);
    while (!done) {
      RawConnection client(port);
      for (int i = 0; i < 50 && !done; ++i) {
        std::string body = std::to_string(seed) + ":" + std::to_string(random());
        if (!client.Send(Post(body))) break;
        std::optional<RawResponse> answer = client.Read();
        if (!answer) break;
        if (!Echoes(*answer, body)) ++mismatches;
        ++answered;
      }
    }
  };
  auto per_request = [&](int seed) {
    while (!done) {
      RawConnection client(port);
      std::string body = "once " + std::to_string(seed);
      if (!client.Send(Post(body, true))) continue;
      std::optional<RawResponse> answer = client.Read();
      if (answer && !Echoes(*answer, body)) ++mismatches;
      if (answer) ++answered;
    }
  };
  auto pipelining = [&](int seed) {
    while (!done) {
      RawConnection client(port);
      std::string batch;
      for (int i = 0; i < 8; ++i) batch += Post(std::to_string(seed * 100 + i));
      if (!client.Send(batch)) continue;
      for (int i = 0; i < 8; ++i) {
        std::optional<RawResponse> answer = client.Read();
        if (!answer) break;
        if (!Echoes(*answer, std::to_string(seed * 100 + i))) ++mismatches;
        ++answered;
      }
    }
  };
  auto garbage = [&](int seed) {
    std::mt19937 random(seed);
    while (!done) {
      RawConnection client(port);
      std::string noise(random() % 600, '\0');
      for (char& c : noise) c = static_cast<char>(random());
      switch (random() % 4) {
        case 0: noise = "POST /echo HTTP/1.1\r\nContent-Length: 99999\r\n\r\n" + noise; break;
        case 1: noise = "GET /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nab"; break;  // stalls
        case 2: noise += "\r\n\r\n"; break;
        default: break;
      }
      client.Send(noise);
      client.Read(false, 100ms);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(keep_alive, i + 1);
  for (int i = 0; i < 2; ++i) threads.emplace_back(per_request, i + 10);
  threads.emplace_back(pipelining, 20);
  for (int i = 0; i < 2; ++i) threads.emplace_back(garbage, i + 30);
  std::this_thread::sleep_for(1500ms);
  // Stop while the clients are still sending.
  server->Stop();
  done = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(answered.load(), 50);
  EXPECT_EQ(server->connection_count(), 0u);
}

}  // namespace
}  // namespace gpulet::http
