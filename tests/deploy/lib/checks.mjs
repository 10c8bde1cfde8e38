// Key-by-key checks of a rendered release (or the static manifests) against
// what the values ask (model.mjs). Each check returns a list of failures.
import { isDeepStrictEqual } from "node:util";
import { DIRECT_ENV, expectations, get, isSet, envText } from "./model.mjs";

const RUNTIME_ENV = { NVIDIA_VISIBLE_DEVICES: "all", NVIDIA_DRIVER_CAPABILITIES: "compute,utility" };

// ctx: {namespace, fullname, image, pullPolicy}; configs: parsed config.map.
export function checkRelease(objects, values, configs, ctx) {
  const want = expectations(values, configs, ctx);
  const errors = [];
  const fail = (m) => errors.push(m);
  for (const o of objects) {
    const clusterScoped = /^(ClusterRole|ClusterRoleBinding)$/.test(o.kind);
    if (!clusterScoped && o.metadata?.namespace !== ctx.namespace) {
      fail(`${o.kind}/${o.metadata?.name}: namespace ${o.metadata?.namespace}, want ${ctx.namespace}`);
    }
  }
  const daemonSets = objects.filter((o) => o.kind === "DaemonSet");
  if (!want.agent) {
    if (daemonSets.length) fail("a DaemonSet is rendered with every part off");
    return errors;
  }
  if (daemonSets.length !== 1) return [`${daemonSets.length} DaemonSets, want one node agent`];
  const ds = daemonSets[0];
  const pod = ds.spec.template.spec;
  checkPod(ds, pod, values, want, ctx, fail);
  const c = pod.containers[0];
  checkEnv(c, values, want, fail);
  checkMounts(pod, c, want, fail);
  checkSecurity(pod, c, values, want, fail);
  checkRbac(objects, pod, want, ctx, fail);
  checkConfigMap(objects, ds, values, ctx, fail);
  checkScheduler(objects, values, want, ctx, fail);
  return errors;
}

function checkPod(ds, pod, values, want, ctx, fail) {
  if (pod.containers.length !== 1) fail(`${pod.containers.length} containers, want one`);
  if (pod.initContainers?.length) fail("init containers (config-manager is not needed)");
  if (pod.shareProcessNamespace || pod.hostPID || pod.hostIPC) fail("shares a process or IPC namespace");
  const c = pod.containers[0];
  if (c.image !== ctx.image) fail(`image ${c.image}, want ${ctx.image}`);
  if (c.imagePullPolicy !== ctx.pullPolicy) fail(`imagePullPolicy ${c.imagePullPolicy}, want ${ctx.pullPolicy}`);
  if (!isDeepStrictEqual(c.command, ["/usr/bin/gpulet", "node"])) fail(`command ${JSON.stringify(c.command)}`);
  if (c.args?.length) fail(`args ${JSON.stringify(c.args)}: the values go in env vars`);
  const labels = ds.spec.template.metadata.labels ?? {};
  for (const [k, v] of Object.entries(ds.spec.selector.matchLabels)) {
    if (labels[k] !== v) fail(`selector ${k}=${v} does not match the pod labels`);
  }
  const same = (field, got, wanted) => {
    if (!isDeepStrictEqual(got ?? null, isSet(wanted) && !isEmpty(wanted) ? wanted : null)) {
      fail(`${field}: ${JSON.stringify(got)}, values ask ${JSON.stringify(wanted)}`);
    }
  };
  same("tolerations", pod.tolerations, values.tolerations);
  same("nodeSelector", pod.nodeSelector, values.nodeSelector);
  same("affinity", pod.affinity, values.affinity);
  same("priorityClassName", pod.priorityClassName, values.priorityClassName);
  same("runtimeClassName", pod.runtimeClassName, values.runtimeClassName);
  same("imagePullSecrets", pod.imagePullSecrets, values.imagePullSecrets);
  same("updateStrategy", ds.spec.updateStrategy, values.updateStrategy);
  same("resources", c.resources, values.resources);
  same("pod securityContext", pod.securityContext, values.podSecurityContext);
  const annotations = ds.spec.template.metadata.annotations ?? {};
  for (const [k, v] of Object.entries(values.podAnnotations ?? {})) {
    if (annotations[k] !== v) fail(`pod annotation ${k}: ${annotations[k]}, values ask ${v}`);
  }
  const hostNetwork =
    (want.plugin && values.devicePlugin?.enableHostNetwork === true) ||
    (want.gfd && values.gfd?.enableHostNetwork === true);
  if (Boolean(pod.hostNetwork) !== hostNetwork) fail(`hostNetwork ${pod.hostNetwork}, want ${hostNetwork}`);
  if (hostNetwork && pod.dnsPolicy !== "ClusterFirstWithHostNet") fail("hostNetwork without ClusterFirstWithHostNet");
  const metrics = values.metrics?.enabled === true;
  const port = c.ports?.find((p) => p.name === "metrics");
  if (metrics !== Boolean(port)) fail(`metrics port ${JSON.stringify(c.ports)}, metrics.enabled ${metrics}`);
  if (metrics && (port.containerPort !== values.metrics.port || c.livenessProbe?.httpGet?.path !== "/healthz")) {
    fail("metrics: wrong port or no /healthz liveness probe");
  }
}

function checkEnv(c, values, want, fail) {
  const env = new Map();
  for (const e of c.env ?? []) {
    if (env.has(e.name)) fail(`env ${e.name} twice`);
    env.set(e.name, e.valueFrom ? e.valueFrom : e.value);
  }
  const expect = (name, value) => {
    if (value === undefined) {
      if (env.has(name)) fail(`env ${name}=${JSON.stringify(env.get(name))} is set; the values do not ask for it`);
    } else if (!isDeepStrictEqual(env.get(name), value)) {
      fail(`env ${name}=${JSON.stringify(env.get(name))}, want ${JSON.stringify(value)}`);
    }
  };
  const optional = (v) => (isSet(v) ? envText(v) : undefined);
  expect("NODE_NAME", { fieldRef: { fieldPath: "spec.nodeName" } });
  expect("GPULET_DEVICE_PLUGIN", String(want.plugin));
  expect("GPULET_FEATURE_DISCOVERY", String(want.gfd));
  expect("GPULET_CDI_SPEC", String(want.cdiSpec));
  for (const [key, name] of DIRECT_ENV) expect(name, optional(get(values, key)));
  const gfd = (a, b) => (want.gfd ? optional(isSet(a) ? a : b) : undefined);
  expect("GFD_NO_TIMESTAMP", gfd(values.gfd?.noTimestamp, values.noTimestamp));
  expect("GFD_SLEEP_INTERVAL", gfd(values.gfd?.sleepInterval, values.sleepInterval));
  expect("GFD_USE_NODE_FEATURE_API", gfd(values.gfd?.useNodeFeatureAPI, values.nfd?.enableNodeFeatureApi));
  const config = (v) => (want.hasConfigs ? v : undefined);
  expect("CONFIG_FILE_SRCDIR", config("/available-configs"));
  expect("DEFAULT_CONFIG", config(optional(values.config?.default)));
  expect("FALLBACK_STRATEGIES", config(optional(values.config?.fallbackStrategies)));
  expect("NODE_LABEL", config(optional(values.config?.nodeLabel)));
  expect("CONFIG_FILE", undefined);
  expect("GPULET_METRICS_ADDRESS", values.metrics?.enabled ? `:${values.metrics.port}` : undefined);
  expect("GPULET_SCHEDULER_HANDOFF", want.scheduler ? "true" : undefined);
  expect("GPULET_HOST_ROOT", want.installPlugin || want.checkpointLabel ? "/host" : undefined);
  expect("GPULET_INSTALL_CRIU_PLUGIN", want.installPlugin ? "true" : undefined);
  expect("GPULET_CRIU_PLUGIN_DIR", want.installPlugin ? want.pluginDir : undefined);
  expect("NVIDIA_MIG_MONITOR_DEVICES", want.mig ? "all" : undefined);
  for (const [name, value] of Object.entries(RUNTIME_ENV)) expect(name, value);
  for (const e of values.extraEnv ?? []) expect(e.name, e.valueFrom ?? e.value);
}

function checkMounts(pod, c, want, fail) {
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const mounted = new Set();
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    mounted.add(m.name);
    const expected = want.mounts[m.mountPath];
    if (!v) { fail(`mount ${m.mountPath}: no volume ${m.name}`); continue; }
    if (!expected) { fail(`mount ${m.mountPath}: the values do not ask for it`); continue; }
    const [kind, source, readOnly] = expected;
    const got = kind === "hostPath" ? v.hostPath?.path : v.configMap?.name;
    if (got !== source) fail(`mount ${m.mountPath}: ${kind} ${got}, want ${source}`);
    if (Boolean(m.readOnly) !== readOnly) fail(`mount ${m.mountPath}: readOnly ${Boolean(m.readOnly)}, want ${readOnly}`);
  }
  for (const path of Object.keys(want.mounts)) {
    if (!(c.volumeMounts ?? []).some((m) => m.mountPath === path)) fail(`mount ${path} is missing`);
  }
  for (const name of volumes.keys()) if (!mounted.has(name)) fail(`volume ${name} is never mounted`);
}

function checkSecurity(pod, c, values, want, fail) {
  const ctx = c.securityContext ?? {};
  const given = !isEmpty(values.securityContext)
    ? values.securityContext
    : values.compatWithCPUManager === true
      ? { privileged: true }
      : want.gfd && !isEmpty(values.gfd?.securityContext)
        ? values.gfd.securityContext
        : null;
  const runsAs = ctx.runAsUser ?? pod.securityContext?.runAsUser;
  if (runsAs === undefined) fail("no runAsUser: the image's non-root user cannot write the host directories");
  if (given) {
    const strip = ({ runAsUser, ...rest }) => rest;
    if (!isDeepStrictEqual(strip(ctx), strip(given)) || ("runAsUser" in given && ctx.runAsUser !== given.runAsUser)) {
      fail(`securityContext ${JSON.stringify(ctx)}, values ask ${JSON.stringify(given)}`);
    }
    return;
  }
  if (ctx.privileged) fail("privileged without compatWithCPUManager");
  if (ctx.allowPrivilegeEscalation !== false) fail("allowPrivilegeEscalation is not false");
  if (ctx.readOnlyRootFilesystem !== true) fail("root filesystem is writable");
  if (!isDeepStrictEqual(ctx.capabilities?.drop, ["ALL"])) fail("capabilities are not all dropped");
  const add = ctx.capabilities?.add ?? [];
  if (!isDeepStrictEqual(add, want.sysAdmin ? ["SYS_ADMIN"] : [])) {
    fail(`capabilities.add ${JSON.stringify(add)}, want ${want.sysAdmin ? "[SYS_ADMIN]" : "none"}`);
  }
}

function checkRbac(objects, pod, want, ctx, fail) {
  const sa = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === pod.serviceAccountName);
  if (!sa) fail(`no ServiceAccount ${pod.serviceAccountName}`);
  if (pod.automountServiceAccountToken !== want.kubeAPI) {
    fail(`automountServiceAccountToken ${pod.automountServiceAccountToken}, want ${want.kubeAPI}`);
  }
  const rules = (kind, bindingKind) => {
    const out = new Set();
    for (const b of objects.filter((o) => o.kind === bindingKind)) {
      const bound = (b.subjects ?? []).some(
        (s) => s.kind === "ServiceAccount" && s.name === pod.serviceAccountName && s.namespace === ctx.namespace);
      if (!bound) continue;
      const role = objects.find((o) => o.kind === kind && o.metadata.name === b.roleRef.name);
      if (!role || b.roleRef.kind !== kind) { fail(`${bindingKind}/${b.metadata.name}: no ${kind} ${b.roleRef.name}`); continue; }
      for (const r of role.rules ?? []) {
        for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}/${res}/${v}`);
      }
    }
    return [...out].sort();
  };
  const cluster = rules("ClusterRole", "ClusterRoleBinding");
  const namespaced = rules("Role", "RoleBinding");
  if (!isDeepStrictEqual(cluster, want.clusterRules)) {
    fail(`cluster RBAC ${JSON.stringify(cluster)}, want ${JSON.stringify(want.clusterRules)}`);
  }
  if (!isDeepStrictEqual(namespaced, want.namespacedRules)) {
    fail(`namespaced RBAC ${JSON.stringify(namespaced)}, want ${JSON.stringify(want.namespacedRules)}`);
  }
}

function checkConfigMap(objects, ds, values, ctx, fail) {
  const map = values.config?.map ?? {};
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${ctx.fullname}-configs`);
  if (Object.keys(map).length === 0) {
    if (cm) fail("a configs ConfigMap without config.map");
    return;
  }
  if (!cm) { fail("config.map given but no ConfigMap"); return; }
  if (!isDeepStrictEqual(Object.keys(cm.data).sort(), Object.keys(map).sort())) fail("ConfigMap keys differ from config.map");
  for (const [k, text] of Object.entries(map)) {
    if (cm.data[k]?.trim() !== text.trim()) fail(`ConfigMap ${k} differs from config.map.${k}`);
  }
  if (!ds.spec.template.metadata.annotations?.["checksum/config"]) fail("no checksum/config annotation");
}

function checkScheduler(objects, values, want, ctx, fail) {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (!want.scheduler) {
    if (deployments.length) fail("a Deployment without scheduler.enabled");
    return;
  }
  if (deployments.length !== 1) { fail(`${deployments.length} scheduler Deployments`); return; }
  const pod = deployments[0].spec.template.spec;
  const extender = pod.containers.find((c) => c.name === "gpulet-extender");
  if (extender?.image !== ctx.image || !extender?.imagePullPolicy) fail("scheduler extender image or pull policy");
  if (!extender?.args?.includes("scheduler-extender")) fail("scheduler extender does not run scheduler-extender");
  if (!objects.some((o) => o.kind === "ServiceAccount" && o.metadata.name === pod.serviceAccountName)) {
    fail("scheduler ServiceAccount missing");
  }
  const config = objects.find((o) => o.kind === "ConfigMap" && o.data?.["config.yaml"]);
  if (!config?.data["config.yaml"].includes(`schedulerName: ${values.scheduler.schedulerName}`)) {
    fail("scheduler config does not name scheduler.schedulerName");
  }
  checkExtenderExposure(objects, extender, fail);
}

// docs/security.md: the verbs on loopback only, probes on a port without
// them, and the extender's role no wider than what it uses.
export function checkExtenderExposure(objects, extender, fail) {
  const args = extender?.args ?? [];
  if (!args.includes("--listen=127.0.0.1:8888")) fail(`extender verbs not on loopback: ${args.join(" ")}`);
  if (!args.includes("--health-listen=:8889")) fail("extender has no health-only listener on :8889");
  for (const probe of ["readinessProbe", "livenessProbe"]) {
    if (extender?.[probe]?.httpGet?.port !== 8889) fail(`extender ${probe} not on the health port`);
  }
  const role = objects.find((o) => o.kind === "ClusterRole" && o.metadata.name.endsWith("-extender"));
  const rules = (role?.rules ?? []).flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}/${v}`))));
  const want = ["/nodes/get", "/nodes/list", "/nodes/watch", "/pods/get", "/pods/list", "/pods/patch",
    "/pods/watch", "/pods/binding/create", "/events/create",
    "scheduling.volcano.sh/podgroups/get", "scheduling.volcano.sh/podgroups/list",
    "scheduling.volcano.sh/podgroups/watch", "scheduling.volcano.sh/podgroups/update",
    "scheduling.volcano.sh/queues/get", "scheduling.volcano.sh/queues/list",
    "scheduling.volcano.sh/queues/watch", "scheduling.volcano.sh/queues/status/patch",
    "scheduling.x-k8s.io/podgroups/get", "scheduling.x-k8s.io/podgroups/list",
    "scheduling.x-k8s.io/podgroups/watch", "scheduling.x-k8s.io/podgroups/status/patch"].sort();
  if (!isDeepStrictEqual([...new Set(rules)].sort(), want)) fail(`extender rules ${JSON.stringify(rules)}`);
}

function isEmpty(v) {
  return v === null || v === undefined || v === "" || (typeof v === "object" && Object.keys(v).length === 0);
}
