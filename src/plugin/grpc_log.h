// RouteGrpcLogs: gRPC's own log lines go to gpulet's log at debug level.
//
// gRPC core prints its errors to stderr in its own format ("E1204 ...
// chttp2_server.cc:1045] UNKNOWN:No address added ..."), several lines of
// internals for one event that gpulet already reports in one line with the
// resource and the cause (a missing kubelet socket directory, say), and
// again on every retry. Routed here they appear only at --log-level debug
// or trace, one line each, with gRPC's file and line kept.
//
// Process-wide; call once at start, before gRPC is used. Thread-safe after.
#ifndef GPULET_PLUGIN_GRPC_LOG_H_
#define GPULET_PLUGIN_GRPC_LOG_H_

namespace gpulet::plugin {

void RouteGrpcLogs();

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_GRPC_LOG_H_
