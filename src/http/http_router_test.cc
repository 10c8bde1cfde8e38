#include "http/http_router.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::http {
namespace {

using ::testing::Contains;
using ::testing::Pair;

HttpRequest Request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

HttpRouter Router() {
  HttpRouter router;
  router.Get("/metrics", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "m", {}}; });
  router.Post("/filter", [](const HttpRequest& r) { return HttpResponse{200, "x", r.body, {}}; });
  router.Handle("DELETE", "/filter", [](const HttpRequest&) { return HttpResponse{204, "", "", {}}; });
  return router;
}

TEST(HttpRouterTest, DispatchesExactPathAndMethod) {
  HttpRouter router = Router();
  HttpRequest post = Request("POST", "/filter");
  post.body = "abc";
  EXPECT_EQ(router.Dispatch(post, PlainTextError).body, "abc");
  EXPECT_EQ(router.Dispatch(Request("DELETE", "/filter"), PlainTextError).status, 204);
  EXPECT_EQ(router.Dispatch(Request("GET", "/metrics"), PlainTextError).body, "m");
  // HEAD falls back to GET; the server drops the body.
  EXPECT_EQ(router.Dispatch(Request("HEAD", "/metrics"), PlainTextError).status, 200);
}

TEST(HttpRouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  HttpRouter router = Router();
  HttpResponse missing = router.Dispatch(Request("GET", "/metrics/"), PlainTextError);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "no route for /metrics/\n");
  HttpResponse wrong = router.Dispatch(Request("POST", "/metrics"), PlainTextError);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_THAT(wrong.headers, Contains(Pair("Allow", "GET, HEAD")));
  HttpResponse head = router.Dispatch(Request("HEAD", "/filter"), PlainTextError);
  EXPECT_EQ(head.status, 405);
  EXPECT_THAT(head.headers, Contains(Pair("Allow", "DELETE, POST")));
}

TEST(HttpRouterTest, ErrorsGoThroughTheResponder) {
  HttpRouter router = Router();
  ErrorResponder json = [](int status, std::string_view message) {
    return HttpResponse{status, "application/json",
                        "{\"Error\":\"" + std::string(message) + "\"}", {}};
  };
  HttpResponse missing = router.Dispatch(Request("GET", "/x"), json);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_EQ(missing.body, "{\"Error\":\"no route for /x\"}");
}

}  // namespace
}  // namespace gpulet::http
