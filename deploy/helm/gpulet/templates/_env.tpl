{{/*
The node agent's environment: the env vars of NVIDIA's plugin and GFD for the
values that are set (a value left null leaves the agent's default, or the
config file's, in force), then gpulet's own.
*/}}
{{- define "gpulet.nodeEnv" -}}
{{- $v := .Values }}
{{- $facts := include "gpulet.facts" . | fromJson }}
{{- $nfd := default dict $v.nfd }}
{{- $pairs := list
  (list "GPULET_DEVICE_PLUGIN" $facts.plugin)
  (list "GPULET_FEATURE_DISCOVERY" $facts.gfd)
  (list "GPULET_CDI_SPEC" $facts.cdiSpec)
  (list "MIG_STRATEGY" $v.migStrategy)
  (list "FAIL_ON_INIT_ERROR" $v.failOnInitError)
  (list "PASS_DEVICE_SPECS" $v.compatWithCPUManager)
  (list "DEVICE_LIST_STRATEGY" (include "gpulet.commaList" $v.deviceListStrategy))
  (list "DEVICE_ID_STRATEGY" $v.deviceIDStrategy)
  (list "NVIDIA_DRIVER_ROOT" $v.nvidiaDriverRoot)
  (list "NVIDIA_DEV_ROOT" $v.nvidiaDevRoot)
  (list "GDRCOPY_ENABLED" $v.gdrcopyEnabled)
  (list "GDS_ENABLED" $v.gdsEnabled)
  (list "MOFED_ENABLED" $v.mofedEnabled)
  (list "DEVICE_DISCOVERY_STRATEGY" $v.deviceDiscoveryStrategy)
  (list "MPS_ROOT" $v.mps.root)
  (list "NVIDIA_CDI_HOOK_PATH" $v.cdi.nvidiaHookPath)
  (list "CDI_FEATURE_FLAGS" (include "gpulet.commaList" $v.cdi.featureFlags))
  (list "CDI_DISABLE_HOOKS" (include "gpulet.commaList" $v.cdi.disableHooks))
  (list "CDI_ANNOTATION_PREFIX" $v.cdi.annotationPrefix)
}}
{{- if $facts.cdi }}
{{- $pairs = append $pairs (list "GPULET_CDI_SPEC_DIR" $v.cdi.specDir) }}
{{- end }}
{{- if $facts.configMap }}
{{- $pairs = concat $pairs (list
  (list "CONFIG_FILE_SRCDIR" "/available-configs")
  (list "DEFAULT_CONFIG" $v.config.default)
  (list "FALLBACK_STRATEGIES" (join "," $v.config.fallbackStrategies))
  (list "NODE_LABEL" $v.config.nodeLabel)) }}
{{- end }}
{{- if $facts.gfd }}
{{- /* NVIDIA's chart documents gfd.noTimestamp and gfd.sleepInterval but reads
       the top-level keys; both work here, the gfd.* ones first. */}}
{{- $pairs = concat $pairs (list
  (list "GFD_NO_TIMESTAMP" (ternary $v.noTimestamp $v.gfd.noTimestamp (kindIs "invalid" $v.gfd.noTimestamp)))
  (list "GFD_SLEEP_INTERVAL" (ternary $v.sleepInterval $v.gfd.sleepInterval (kindIs "invalid" $v.gfd.sleepInterval)))
  (list "GFD_USE_NODE_FEATURE_API" (ternary $nfd.enableNodeFeatureApi $v.gfd.useNodeFeatureAPI (kindIs "invalid" $v.gfd.useNodeFeatureAPI)))) }}
{{- end }}
{{- if $v.metrics.enabled }}
{{- $pairs = append $pairs (list "GPULET_METRICS_ADDRESS" (printf ":%v" $v.metrics.port)) }}
{{- end }}
{{- $pairs = concat $pairs (list
  (list "GPULET_HEALTH_RECOVERY_WINDOW" $v.healthRecoveryWindow)
  (list "GPULET_RESCAN_INTERVAL" $v.rescanInterval)) }}
{{- if $facts.scheduler }}
{{- $pairs = append $pairs (list "GPULET_SCHEDULER_HANDOFF" "true") }}
{{- end }}
{{- /* The host's / at /host: the plugin directory, and with checkpoint.label
       the whole host read-only (daemonset.yaml mounts them). */}}
{{- if or $v.checkpoint.installCriuPlugin $v.checkpoint.label }}
{{- $pairs = append $pairs (list "GPULET_HOST_ROOT" "/host") }}
{{- end }}
{{- if $v.checkpoint.installCriuPlugin }}
{{- $pairs = concat $pairs (list
  (list "GPULET_INSTALL_CRIU_PLUGIN" "true")
  (list "GPULET_CRIU_PLUGIN_DIR" (clean $v.checkpoint.criuPluginDir))) }}
{{- end }}
{{- /* Ask the NVIDIA container runtime for the driver and every GPU (with
       MIG, the MIG monitor devices too) in the agent's own container, as
       NVIDIA's plugin does. */}}
{{- if $facts.mig }}
{{- $pairs = append $pairs (list "NVIDIA_MIG_MONITOR_DEVICES" "all") }}
{{- end }}
{{- $pairs = concat $pairs (list
  (list "NVIDIA_VISIBLE_DEVICES" "all")
  (list "NVIDIA_DRIVER_CAPABILITIES" "compute,utility")) }}

{{- $env := list
  (dict "name" "NODE_NAME" "valueFrom" (dict "fieldRef" (dict "fieldPath" "spec.nodeName")))
  (dict "name" "NAMESPACE" "valueFrom" (dict "fieldRef" (dict "fieldPath" "metadata.namespace")))
  (dict "name" "POD_NAME" "valueFrom" (dict "fieldRef" (dict "fieldPath" "metadata.name")))
}}
{{- range $pairs }}
{{- $value := index . 1 }}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") }}
{{- $env = append $env (dict "name" (index . 0) "value" (toString $value)) }}
{{- end }}
{{- end }}
{{- toYaml (concat $env (default list $v.extraEnv)) }}
{{- end }}
