#include "plugin/grpc_log.h"

#include <grpc/support/log.h>

#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

void ToSpdlog(gpr_log_func_args* args) {
  const char* severity = args->severity == GPR_LOG_SEVERITY_ERROR ? "error"
                         : args->severity == GPR_LOG_SEVERITY_INFO ? "info"
                                                                   : "debug";
  spdlog::debug("gRPC {} {}:{}: {}", severity, args->file, args->line, args->message);
}

}  // namespace

void RouteGrpcLogs() { gpr_set_log_function(ToSpdlog); }

}  // namespace gpulet::plugin
