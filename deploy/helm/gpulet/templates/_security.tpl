{{/*
The node agent's container securityContext, in NVIDIA's order of precedence:
  1. securityContext, when set, as given;
  2. compatWithCPUManager: privileged (the static CPU manager rewrites the
     container's device cgroup, so only a privileged agent keeps its GPUs);
  3. with feature discovery on, gfd.securityContext when set (one container
     holds both parts, so it applies to the whole agent);
  4. else the least the parts need: no privilege escalation, every
     capability dropped, read-only root filesystem, the runtime's seccomp
     profile, and CAP_SYS_ADMIN only when facts.sysAdmin says so
     (docs/install.md gives the reasons).
The agent runs as uid 0 unless a context names a user: it creates sockets and
files in root-owned host directories (the kubelet's device-plugins dir,
/var/run/cdi, features.d), and as their owner it needs no capability for it.
*/}}
{{- define "gpulet.securityContext" -}}
{{- $facts := include "gpulet.facts" . | fromJson }}
{{- $ctx := dict }}
{{- if .Values.securityContext }}
{{- $ctx = deepCopy .Values.securityContext }}
{{- else if eq (toString .Values.compatWithCPUManager) "true" }}
{{- $ctx = dict "privileged" true }}
{{- else if and $facts.gfd .Values.gfd.securityContext }}
{{- $ctx = deepCopy .Values.gfd.securityContext }}
{{- else }}
{{- $caps := dict "drop" (list "ALL") }}
{{- if $facts.sysAdmin }}
{{- $_ := set $caps "add" (list "SYS_ADMIN") }}
{{- end }}
{{- $ctx = dict "allowPrivilegeEscalation" false "capabilities" $caps "readOnlyRootFilesystem" true "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- end }}
{{- if not (or (hasKey $ctx "runAsUser") (hasKey (default dict .Values.podSecurityContext) "runAsUser")) }}
{{- $_ := set $ctx "runAsUser" 0 }}
{{- end }}
{{- toYaml $ctx }}
{{- end }}
