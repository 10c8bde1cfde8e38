{{/*
What the values ask of the node agent, decided in this one place and read by
every template as `include "gpulet.facts" . | fromJson`:

  plugin, gfd, cdiSpec   which parts of `gpulet node` run
  agent                  any part runs, so the DaemonSet is rendered
  configMap              name of the ConfigMap of named configs ("" = none)
  mig                    a MIG strategy other than none is possible
  volumeMounts           the volume-mounts device list strategy is possible
  cdi                    the agent writes CDI specs (a CDI list strategy is
                         possible for the plugin, or cdiSpec)
  featuresFile           feature discovery may write the features.d file
  nodeFeatureAPI         feature discovery may write NodeFeature objects
  sysAdmin               the agent needs CAP_SYS_ADMIN (docs/install.md)
  mpsConfigs             names of configs in config.map that share with MPS
  kubeAPI                the agent talks to the API server
  scheduler              gpulet-scheduler and the agent's hand-off to it run

A direct value (migStrategy, deviceListStrategy, ...) wins, as its env var
beats the config file; without one, the configs in config.map decide, and an
external ConfigMap (config.name), which the chart cannot read, counts as
"possible" (NVIDIA's chart treats any ConfigMap so).
*/}}
{{- define "gpulet.facts" -}}
{{- $v := .Values }}
{{- $configs := list }}
{{- range $name, $text := $v.config.map }}
{{- if not (kindIs "string" $text) }}
{{- fail (printf "config.map.%s: must be the text of a config file (a YAML string, as `|-` gives), not a %s" $name (kindOf $text)) }}
{{- end }}
{{- $parsed := fromYaml $text }}
{{- if hasKey $parsed "Error" }}
{{- fail (printf "config.map.%s: not valid YAML: %s" $name $parsed.Error) }}
{{- end }}
{{- $configs = append $configs (dict "name" $name "config" $parsed) }}
{{- end }}
{{- $external := ne (toString $v.config.name) "" }}

{{- $mig := false }}
{{- $listStrategies := list }}
{{- $nfApi := false }}
{{- $mpsConfigs := list }}
{{- range $configs }}
{{- $flags := default dict .config.flags }}
{{- if and $flags.migStrategy (ne (toString $flags.migStrategy) "none") }}{{ $mig = true }}{{ end }}
{{- $plugin := default dict $flags.plugin }}
{{- with $plugin.deviceListStrategy }}
{{- $listStrategies = concat $listStrategies (ternary . (splitList "," (toString .)) (kindIs "slice" .)) }}
{{- end }}
{{- if eq (toString $flags.useNodeFeatureAPI) "true" }}{{ $nfApi = true }}{{ end }}
{{- $sharing := default dict .config.sharing }}
{{- $mps := default dict $sharing.mps }}
{{- if $mps.resources }}{{ $mpsConfigs = append $mpsConfigs .name }}{{ end }}
{{- end }}

{{- if not (kindIs "invalid" $v.migStrategy) }}
{{- $mig = ne (toString $v.migStrategy) "none" }}
{{- else if $external }}
{{- $mig = true }}
{{- end }}

{{- $strategies := $listStrategies }}
{{- if not (kindIs "invalid" $v.deviceListStrategy) }}
{{- $strategies = splitList "," (include "gpulet.commaList" $v.deviceListStrategy) }}
{{- end }}
{{- $volumeMounts := has "volume-mounts" $strategies }}
{{- $cdi := or (has "cdi-annotations" $strategies) (has "cdi-cri" $strategies) }}
{{- if and $external (kindIs "invalid" $v.deviceListStrategy) }}
{{- $volumeMounts = true }}
{{- $cdi = true }}
{{- end }}

{{- $plugin := eq (toString $v.devicePlugin.enabled) "true" }}
{{- $gfd := eq (toString $v.gfd.enabled) "true" }}
{{- $cdiSpec := eq (toString $v.cdi.generateSpec) "true" }}
{{- $nfExplicit := $v.gfd.useNodeFeatureAPI }}
{{- if kindIs "invalid" $nfExplicit }}{{ $nfExplicit = (default dict $v.nfd).enableNodeFeatureApi }}{{ end }}
{{- $nodeFeatureAPI := false }}
{{- if not (kindIs "invalid" $nfExplicit) }}
{{- $nodeFeatureAPI = eq (toString $nfExplicit) "true" }}
{{- else }}
{{- $nodeFeatureAPI = or $nfApi $external }}
{{- end }}
{{- $configMap := include "gpulet.configMapName" . }}
{{- $scheduler := eq (toString $v.scheduler.enabled) "true" }}

{{- $facts := dict
  "plugin" $plugin
  "gfd" $gfd
  "cdiSpec" $cdiSpec
  "agent" (or $plugin $gfd $cdiSpec)
  "configMap" $configMap
  "mig" $mig
  "volumeMounts" $volumeMounts
  "cdi" (or (and $plugin $cdi) $cdiSpec)
  "featuresFile" (and $gfd (ne (toString $nfExplicit) "true"))
  "nodeFeatureAPI" (and $gfd $nodeFeatureAPI)
  "sysAdmin" (or $gfd (and (or $plugin $cdiSpec) (or $mig (and $plugin $volumeMounts))))
  "mpsConfigs" $mpsConfigs
  "kubeAPI" (or (ne $configMap "") (and $gfd $nodeFeatureAPI) $scheduler)
  "scheduler" $scheduler
}}
{{- mustToJson $facts }}
{{- end }}
