// HttpRouter: maps an exact path and method to a handler. Built once before
// HttpServer::Start and read-only afterwards, so Dispatch is thread-safe as
// long as the handlers are.
//
// A GET route also answers HEAD (the server leaves the body out and keeps
// its Content-Length). A path with no route is 404; a path routed for other
// methods is 405 with an Allow header listing them. Both go through the
// ErrorResponder so a server can shape its error bodies (JSON, text).
#ifndef GPULET_HTTP_HTTP_ROUTER_H_
#define GPULET_HTTP_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace gpulet::http {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Builds the answer to a request the server or router refuses: `status`
// (400, 404, 405, 413, 431, 500, 503, ...) with a one-line `message`.
using ErrorResponder = std::function<HttpResponse(int status, std::string_view message)>;

// The default ErrorResponder: text/plain, the message and a newline.
HttpResponse PlainTextError(int status, std::string_view message);

class HttpRouter {
 public:
  // Routes `method` on `path` (exact match, no query) to `handler`. A later
  // call for the same method and path replaces the earlier one.
  void Handle(std::string_view method, std::string_view path, HttpHandler handler);
  void Get(std::string_view path, HttpHandler handler) { Handle("GET", path, std::move(handler)); }
  void Post(std::string_view path, HttpHandler handler) {
    Handle("POST", path, std::move(handler));
  }

  // Runs the handler for `request`, or answers 404/405 through `errors`.
  // The body of a HEAD answer is left for the server to drop.
  HttpResponse Dispatch(const HttpRequest& request, const ErrorResponder& errors) const;

 private:
  // path → method → handler; std::map keeps Allow sorted.
  std::map<std::string, std::map<std::string, HttpHandler>, std::less<>> routes_;
};

}  // namespace gpulet::http

#endif  // GPULET_HTTP_HTTP_ROUTER_H_
