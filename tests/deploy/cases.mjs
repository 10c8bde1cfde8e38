// The Helm cases: values files under values/, extra --set arguments, and
// either `error` (the render must fail with a message naming the key) or
// `pins`: facts written out by hand for this case, checked on top of the
// model in lib/model.mjs so a mistake shared by the model and the chart
// still shows.
//   pins.env         env vars with exactly these values (null: absent)
//   pins.mounts      exactly these container mount paths
//   pins.capAdd      exactly these added capabilities
//   pins.privileged  whether the container is privileged
//   pins.kinds       how many objects of each kind
export const RELEASE = "nvdp";
export const NAMESPACE = "nvidia-device-plugin";

const KUBELET = "/var/lib/kubelet/device-plugins";
const FEATURES = "/etc/kubernetes/node-feature-discovery/features.d";

export const CASES = [
  {
    name: "defaults",
    pins: {
      env: { GPULET_DEVICE_PLUGIN: "true", GPULET_FEATURE_DISCOVERY: "false", MIG_STRATEGY: null },
      mounts: [KUBELET],
      capAdd: [],
      privileged: false,
      kinds: { ServiceAccount: 1, DaemonSet: 1 },
    },
  },
  {
    name: "gpu-operator",
    values: ["gpu-operator.yaml"],
    pins: {
      env: {
        NVIDIA_DRIVER_ROOT: "/run/nvidia/driver", MIG_STRATEGY: "mixed", NVIDIA_MIG_MONITOR_DEVICES: "all",
        GPULET_FEATURE_DISCOVERY: "true", CONFIG_FILE_SRCDIR: "/available-configs", DEFAULT_CONFIG: "default",
        FALLBACK_STRATEGIES: "named,single",
      },
      mounts: [KUBELET, "/driver-root", FEATURES, "/sys", "/available-configs"],
      capAdd: ["SYS_ADMIN"],
      privileged: false,
      kinds: { ServiceAccount: 1, ClusterRole: 1, ClusterRoleBinding: 1, ConfigMap: 1, DaemonSet: 1 },
    },
  },
  {
    name: "gke-cos",
    values: ["gke-cos.yaml"],
    pins: {
      env: { NVIDIA_DRIVER_ROOT: "/home/kubernetes/bin/nvidia", NVIDIA_DEV_ROOT: "/" },
      mounts: [KUBELET, "/driver-root"],
      capAdd: [],
    },
  },
  {
    name: "cdi-cri",
    values: ["cdi-cri.yaml"],
    pins: {
      env: {
        DEVICE_LIST_STRATEGY: "cdi-cri", NVIDIA_CDI_HOOK_PATH: "/usr/local/nvidia/toolkit/nvidia-cdi-hook",
        CDI_FEATURE_FLAGS: "disable-nvsandboxutils", GPULET_CDI_SPEC_DIR: "/var/run/cdi",
      },
      mounts: [KUBELET, "/var/run/cdi"],
      capAdd: [],
    },
  },
  {
    name: "compatWithCPUManager",
    values: ["compat-cpumanager.yaml"],
    pins: { env: { PASS_DEVICE_SPECS: "true" }, mounts: [KUBELET], privileged: true },
  },
  {
    name: "split driver and dev roots",
    values: ["split-roots.yaml"],
    pins: {
      env: { NVIDIA_DEV_ROOT: "/run/nvidia/devices", NVIDIA_MIG_MONITOR_DEVICES: "all" },
      mounts: [KUBELET, "/driver-root", "/run/nvidia/devices/dev"],
      capAdd: ["SYS_ADMIN"],
    },
  },
  {
    name: "external ConfigMap",
    values: ["external-config.yaml"],
    pins: {
      env: { FALLBACK_STRATEGIES: "named,single,empty", NVIDIA_MIG_MONITOR_DEVICES: "all" },
      mounts: [KUBELET, "/var/run/cdi", "/available-configs"],
      capAdd: ["SYS_ADMIN"],
      kinds: { ConfigMap: 0, ClusterRole: 1 },
    },
  },
  {
    name: "feature discovery only",
    values: ["feature-discovery-only.yaml"],
    pins: {
      env: { GPULET_DEVICE_PLUGIN: "false", GFD_SLEEP_INTERVAL: "5m", GFD_NO_TIMESTAMP: "true" },
      mounts: [FEATURES, "/sys"],
      capAdd: ["SYS_ADMIN"],
    },
  },
  {
    name: "gfd.securityContext privileged",
    values: ["gfd-privileged.yaml"],
    pins: { privileged: true },
  },
  {
    name: "every NVIDIA key",
    values: ["every-key.yaml"],
    namespace: "default",
    pins: {
      env: {
        DEVICE_LIST_STRATEGY: "envvar,volume-mounts", DEVICE_ID_STRATEGY: "index", GDS_ENABLED: "false",
        FAIL_ON_INIT_ERROR: "false", GFD_SLEEP_INTERVAL: "120s", GFD_USE_NODE_FEATURE_API: "false",
        CDI_FEATURE_FLAGS: "disable-nvsandboxutils,no-additional-gids-for-device-nodes", MPS_ROOT: "/var/run/nvidia/mps",
        NVIDIA_MIG_MONITOR_DEVICES: null,
      },
      mounts: [KUBELET, "/driver-root", FEATURES, "/sys", "/available-configs"],
      capAdd: ["SYS_ADMIN"],
      privileged: false,
    },
  },
  {
    name: "gpulet's own values",
    values: ["gpulet-extras.yaml"],
    pins: {
      env: {
        GPULET_SCHEDULER_HANDOFF: "true", GPULET_METRICS_ADDRESS: ":9500", GPULET_HEALTH_RECOVERY_WINDOW: "10m",
        GPULET_RESCAN_INTERVAL: "1m", GFD_USE_NODE_FEATURE_API: "true", GPULET_CDI_SPEC: "true",
        GPULET_CDI_SPEC_DIR: "/etc/cdi", CDI_DISABLE_HOOKS: "enable-cuda-compat", NODE_LABEL: "example.com/gpu-config",
      },
      mounts: [KUBELET, "/etc/cdi", "/sys", "/available-configs"],
      kinds: { Deployment: 1, Role: 1, RoleBinding: 1, ClusterRole: 2, ClusterRoleBinding: 4, ServiceAccount: 2 },
    },
  },
  {
    name: "CRIU plugin install",
    set: ["checkpoint.installCriuPlugin=true"],
    pins: {
      env: { GPULET_INSTALL_CRIU_PLUGIN: "true", GPULET_HOST_ROOT: "/host", GPULET_CRIU_PLUGIN_DIR: "/usr/lib/criu" },
      mounts: [KUBELET, "/host/usr/lib/criu"],
    },
  },
  {
    name: "CRIU plugin in /usr/lib64/criu, checkpoint label",
    set: ["checkpoint.installCriuPlugin=true", "checkpoint.criuPluginDir=/usr/lib64/criu/", "checkpoint.label=true"],
    pins: {
      env: { GPULET_INSTALL_CRIU_PLUGIN: "true", GPULET_HOST_ROOT: "/host", GPULET_CRIU_PLUGIN_DIR: "/usr/lib64/criu" },
      mounts: [KUBELET, "/host", "/host/usr/lib64/criu"],
    },
  },
  {
    name: "checkpoint label alone",
    set: ["checkpoint.label=true"],
    pins: { env: { GPULET_INSTALL_CRIU_PLUGIN: null, GPULET_HOST_ROOT: "/host" }, mounts: [KUBELET, "/host"] },
  },
  { name: "every part off", set: ["devicePlugin.enabled=false"], pins: { kinds: { DaemonSet: 0, ServiceAccount: 0 } } },
  { name: "allowDefaultNamespace", namespace: "default", set: ["allowDefaultNamespace=true"], pins: {} },

  { name: "refused: default namespace", namespace: "default", error: "allowDefaultNamespace:" },
  { name: "refused: namespace", set: ["namespace=gpu"], error: "namespace: not supported" },
  { name: "refused: nfd.enabled", values: ["refused-nfd-enabled.yaml"], error: "nfd.enabled: gpulet's chart does not ship" },
  { name: "refused: gfd.enabled implies nfd", values: ["refused-gfd-implies-nfd.yaml"], error: "nfd.enabled: with gfd.enabled" },
  { name: "refused: sharing.mps", values: ["refused-mps.yaml"], error: "config.map.mps-4: sharing.mps" },
  { name: "refused: legacyDaemonsetAPI", values: ["refused-legacy-daemonset-api.yaml"], error: "legacyDaemonsetAPI:" },
  { name: "refused: NVIDIA's image", values: ["refused-nvidia-image.yaml"], error: "image.repository:" },
  { name: "refused: config.name and config.map", values: ["refused-config-name-and-map.yaml"], error: "config.name, config.map:" },
  { name: "refused: configs without a default", values: ["refused-config-no-default.yaml"], error: "config.default:" },
  { name: "refused: unknown migStrategy", values: ["refused-mig-strategy.yaml"], error: "migStrategy: unknown value" },
];

// deploy/static/gpulet-node.yaml is the chart's rendering of values/static.yaml
// with this release name and namespace, less Helm's own labels, plus an
// optional ConfigMap (the static manifests ship none).
export const STATIC = { release: "gpulet", namespace: "kube-system", values: ["static.yaml"] };
