#include "http/http_router.h"

#include <utility>

namespace gpulet::http {

HttpResponse PlainTextError(int status, std::string_view message) {
  return PlainText(status, std::string(message) + "\n");
}

void HttpRouter::Handle(std::string_view method, std::string_view path, HttpHandler handler) {
  routes_[std::string(path)][std::string(method)] = std::move(handler);
}

HttpResponse HttpRouter::Dispatch(const HttpRequest& request, const ErrorResponder& errors) const {
  auto path = routes_.find(request.path);
  if (path == routes_.end()) return errors(404, "no route for " + request.path);
  const std::map<std::string, HttpHandler>& methods = path->second;
  auto handler = methods.find(request.method);
  if (handler == methods.end() && request.method == "HEAD") handler = methods.find("GET");
  if (handler != methods.end()) return handler->second(request);
  std::string allow;
  for (const auto& [method, unused] : methods) {
    if (!allow.empty()) allow += ", ";
    allow += method;
    if (method == "GET" && !methods.contains("HEAD")) allow += ", HEAD";
  }
  HttpResponse response = errors(405, request.method + " is not allowed on " + request.path);
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

}  // namespace gpulet::http
