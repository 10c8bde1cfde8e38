// What a set of NVIDIA-chart values asks of gpulet's node agent, worked out
// here independently of the chart's templates so the two can be compared.
// `values` are the merged values (chart defaults, then the files, then --set).

// NVIDIA's values that become one env var each: [value path, env name].
export const DIRECT_ENV = [
  ["migStrategy", "MIG_STRATEGY"],
  ["failOnInitError", "FAIL_ON_INIT_ERROR"],
  ["compatWithCPUManager", "PASS_DEVICE_SPECS"],
  ["deviceListStrategy", "DEVICE_LIST_STRATEGY"],
  ["deviceIDStrategy", "DEVICE_ID_STRATEGY"],
  ["nvidiaDriverRoot", "NVIDIA_DRIVER_ROOT"],
  ["nvidiaDevRoot", "NVIDIA_DEV_ROOT"],
  ["gdrcopyEnabled", "GDRCOPY_ENABLED"],
  ["gdsEnabled", "GDS_ENABLED"],
  ["mofedEnabled", "MOFED_ENABLED"],
  ["deviceDiscoveryStrategy", "DEVICE_DISCOVERY_STRATEGY"],
  ["mps.root", "MPS_ROOT"],
  ["cdi.nvidiaHookPath", "NVIDIA_CDI_HOOK_PATH"],
  ["cdi.featureFlags", "CDI_FEATURE_FLAGS"],
  ["cdi.disableHooks", "CDI_DISABLE_HOOKS"],
  ["cdi.annotationPrefix", "CDI_ANNOTATION_PREFIX"],
  ["healthRecoveryWindow", "GPULET_HEALTH_RECOVERY_WINDOW"],
  ["rescanInterval", "GPULET_RESCAN_INTERVAL"],
];

export const KUBELET_DIR = "/var/lib/kubelet/device-plugins";
export const FEATURES_DIR = "/etc/kubernetes/node-feature-discovery/features.d";

export function get(values, dotted) {
  return dotted.split(".").reduce((v, k) => (v == null ? undefined : v[k]), values);
}

export function isSet(v) {
  return v !== undefined && v !== null && v !== "";
}

// The env value a set value becomes: lists are comma-joined.
export function envText(v) {
  return Array.isArray(v) ? v.join(",") : String(v);
}

function strategies(v) {
  if (!isSet(v)) return [];
  return Array.isArray(v) ? v : String(v).split(",");
}

// One merged view of what the values ask. `configs` are the parsed texts of
// config.map (name → object), parsed by the caller.
export function expectations(values, configs, names) {
  const flags = Object.values(configs).map((c) => c?.flags ?? {});
  const external = isSet(values.config?.name);
  const hasConfigs = external || Object.keys(values.config?.map ?? {}).length > 0;
  const plugin = values.devicePlugin?.enabled === true;
  const gfd = values.gfd?.enabled === true;
  const cdiSpec = values.cdi?.generateSpec === true;

  // A direct value's env var beats the config file; an external ConfigMap
  // cannot be read, so anything it could ask is possible.
  const mig = isSet(values.migStrategy)
    ? values.migStrategy !== "none"
    : external || flags.some((f) => isSet(f.migStrategy) && f.migStrategy !== "none");
  const lists = isSet(values.deviceListStrategy)
    ? strategies(values.deviceListStrategy)
    : flags.flatMap((f) => strategies(f.plugin?.deviceListStrategy));
  const fromUnknown = external && !isSet(values.deviceListStrategy);
  const volumeMounts = fromUnknown || lists.includes("volume-mounts");
  const cdiList = fromUnknown || lists.some((s) => s.startsWith("cdi-"));

  const nfExplicit = values.gfd?.useNodeFeatureAPI ?? values.nfd?.enableNodeFeatureApi;
  const nodeFeatureAPI =
    gfd && (isSet(nfExplicit) ? nfExplicit === true : external || flags.some((f) => f.useNodeFeatureAPI === true));
  const scheduler = values.scheduler?.enabled === true;

  const driverRoot = isSet(values.nvidiaDriverRoot) ? cleanPath(values.nvidiaDriverRoot) : "";
  const devRoot = isSet(values.nvidiaDevRoot) ? cleanPath(values.nvidiaDevRoot) : "";
  const cdiDir = values.cdi?.specDir ?? "/var/run/cdi";

  // mountPath → [volume source kind, host path or ConfigMap name, readOnly].
  const mounts = {};
  if (plugin) mounts[KUBELET_DIR] = ["hostPath", KUBELET_DIR, false];
  if (driverRoot && driverRoot !== "/") mounts["/driver-root"] = ["hostPath", driverRoot, true];
  if (devRoot && devRoot !== "/" && devRoot !== driverRoot) {
    mounts[`${devRoot}/dev`] = ["hostPath", `${devRoot}/dev`, true];
  }
  if (cdiSpec || (plugin && cdiList)) mounts[cdiDir] = ["hostPath", cdiDir, false];
  if (gfd && nfExplicit !== true) mounts[FEATURES_DIR] = ["hostPath", FEATURES_DIR, false];
  if (gfd) mounts["/sys"] = ["hostPath", "/sys", true];
  const installPlugin = values.checkpoint?.installCriuPlugin === true;
  const checkpointLabel = values.checkpoint?.label === true;
  const pluginDir = cleanPath(values.checkpoint?.criuPluginDir ?? "/usr/lib/criu");
  if (checkpointLabel) mounts["/host"] = ["hostPath", "/", true];
  if (installPlugin) mounts[`/host${pluginDir}`] = ["hostPath", pluginDir, false];
  if (hasConfigs) {
    mounts["/available-configs"] = ["configMap", external ? values.config.name : `${names.fullname}-configs`, true];
  }

  // [apiGroup, resource, verb] the agent may use, cluster-wide and in its namespace.
  const clusterRules = [];
  const namespacedRules = [];
  if (hasConfigs) {
    clusterRules.push(...verbs("", "nodes", "get,list,watch"), ...verbs("", "events", "create"));
  }
  if (scheduler) {
    clusterRules.push(...verbs("", "nodes", "get,patch"), ...verbs("", "pods", "get,list,watch,patch"));
  }
  if (nodeFeatureAPI) {
    namespacedRules.push(...verbs("nfd.k8s-sigs.io", "nodefeatures", "get,create,update"), ...verbs("", "pods", "get"));
  }

  return {
    plugin, gfd, cdiSpec, agent: plugin || gfd || cdiSpec, hasConfigs, mig, volumeMounts,
    nodeFeatureAPI, scheduler, mounts, installPlugin, checkpointLabel, pluginDir,
    sysAdmin: gfd || ((plugin || cdiSpec) && (mig || (plugin && volumeMounts))),
    kubeAPI: hasConfigs || nodeFeatureAPI || scheduler,
    clusterRules: unique(clusterRules), namespacedRules: unique(namespacedRules),
  };
}

function verbs(group, resource, list) {
  return list.split(",").map((verb) => `${group}/${resource}/${verb}`);
}

function unique(rules) {
  return [...new Set(rules)].sort();
}

function cleanPath(p) {
  const parts = String(p).split("/").filter((s) => s && s !== ".");
  return "/" + parts.join("/");
}
