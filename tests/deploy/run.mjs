// Tests gpulet's Helm chart and static manifests; scripts/helm-test.sh
// installs what it needs and runs it.
//
//   node tests/deploy/run.mjs --helm PATH --modules NODE_MODULES_DIR
//
// Per Helm case (cases.mjs): `helm lint --strict` and `helm template` with the
// case's values files, then every object against the Kubernetes OpenAPI
// schema (lib/schema.mjs), the whole release key by key against what the
// values ask (lib/checks.mjs) and the case's hand-written pins; a refused case
// must fail to render with a message naming the key. Then the same checks on
// deploy/static/, and two renders of one case must be byte-identical.
// Prints a line per case and "N passed, M failed"; exits 1 on any failure.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { CASES, NAMESPACE, RELEASE, STATIC } from "./cases.mjs";
import { checkExtenderExposure, checkRelease } from "./lib/checks.mjs";
import { expectations } from "./lib/model.mjs";
import { SchemaChecker } from "./lib/schema.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const chart = path.join(repo, "deploy/helm/gpulet");
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
if (!args.helm || !args.modules) {
  console.error("usage: run.mjs --helm PATH --modules NODE_MODULES_DIR");
  process.exit(2);
}
const yaml = createRequire(path.join(path.resolve(args.modules), "_"))("js-yaml");
const schema = new SchemaChecker(path.resolve(args.modules));
const chartMeta = yaml.load(fs.readFileSync(path.join(chart, "Chart.yaml"), "utf8"));
const chartValues = yaml.load(fs.readFileSync(path.join(chart, "values.yaml"), "utf8"));
// API versions a current Kubernetes serves for the kinds this project ships.
const SERVED = new Set(["v1", "apps/v1", "rbac.authorization.k8s.io/v1"]);

// Helm keeps its caches beside its binary, not in the user's home.
const helmHome = path.join(path.dirname(path.resolve(args.helm)), "home");
function helm(...helmArgs) {
  return spawnSync(args.helm, helmArgs, {
    encoding: "utf8",
    env: { ...process.env, HELM_CACHE_HOME: helmHome, HELM_CONFIG_HOME: helmHome, HELM_DATA_HOME: helmHome },
  });
}

function valueArgs(c) {
  return [
    ...(c.values ?? []).flatMap((f) => ["-f", path.join(here, "values", f)]),
    ...(c.set ?? []).flatMap((s) => ["--set", s]),
  ];
}

// Helm's merge: maps merge, anything else replaces, null removes the key.
function merge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = merge(out[k], v);
    else out[k] = v;
  }
  return out;
}
const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function mergedValues(c) {
  let values = chartValues;
  for (const f of c.values ?? []) values = merge(values, yaml.load(fs.readFileSync(path.join(here, "values", f), "utf8")));
  for (const s of c.set ?? []) {
    const [key, raw] = s.split(/=(.*)/s);
    const value = { true: true, false: false, null: null }[raw] ?? (/^-?\d+$/.test(raw) ? Number(raw) : raw);
    const over = key.split(".").reduceRight((inner, k) => ({ [k]: inner }), value);
    values = merge(values, over);
  }
  return values;
}

function parsedConfigs(values) {
  return Object.fromEntries(Object.entries(values.config?.map ?? {}).map(([k, text]) => [k, yaml.load(text)]));
}

function fullname(release, values) {
  if (values.fullnameOverride) return values.fullnameOverride;
  const name = values.nameOverride || chartMeta.name;
  return release.includes(name) ? release : `${release}-${name}`;
}

function imageOf(values) {
  return `${values.image.repository}:${values.image.tag || chartMeta.appVersion}`;
}

async function checkSchema(objects, served = SERVED) {
  const errors = [];
  for (const o of objects) {
    if (!served.has(o.apiVersion)) errors.push(`${o.kind}/${o.metadata?.name}: apiVersion ${o.apiVersion}`);
    errors.push(...(await schema.check(o)));
  }
  return errors;
}

function checkPins(objects, pins) {
  const errors = [];
  const ds = objects.find((o) => o.kind === "DaemonSet");
  const c = ds?.spec.template.spec.containers[0];
  const env = new Map((c?.env ?? []).map((e) => [e.name, e.value]));
  for (const [name, value] of Object.entries(pins.env ?? {})) {
    if ((env.get(name) ?? null) !== value) errors.push(`pin: env ${name}=${env.get(name)}, want ${value}`);
  }
  const mounts = (c?.volumeMounts ?? []).map((m) => m.mountPath).sort();
  if (pins.mounts && !isDeepStrictEqual(mounts, [...pins.mounts].sort())) {
    errors.push(`pin: mounts ${JSON.stringify(mounts)}, want ${JSON.stringify(pins.mounts)}`);
  }
  const add = c?.securityContext?.capabilities?.add ?? [];
  if (pins.capAdd && !isDeepStrictEqual(add, pins.capAdd)) errors.push(`pin: capabilities.add ${JSON.stringify(add)}`);
  if (pins.privileged !== undefined && Boolean(c?.securityContext?.privileged) !== pins.privileged) {
    errors.push(`pin: privileged ${c?.securityContext?.privileged}, want ${pins.privileged}`);
  }
  for (const [kind, n] of Object.entries(pins.kinds ?? {})) {
    const got = objects.filter((o) => o.kind === kind).length;
    if (got !== n) errors.push(`pin: ${got} ${kind}, want ${n}`);
  }
  return errors;
}

function render(release, namespace, c) {
  return helm("template", release, chart, "--namespace", namespace, ...valueArgs(c));
}

async function helmCase(c) {
  const namespace = c.namespace ?? NAMESPACE;
  const r = render(RELEASE, namespace, c);
  if (c.error) {
    if (r.status === 0) return ["rendered, but must be refused"];
    return r.stderr.includes(c.error) ? [] : [`error does not name the key (${c.error}): ${r.stderr.trim()}`];
  }
  if (r.status !== 0) return [`helm template: ${r.stderr.trim()}`];
  const lint = helm("lint", "--strict", chart, "--namespace", namespace, ...valueArgs(c));
  const errors = lint.status === 0 ? [] : [`helm lint: ${lint.stdout.trim()} ${lint.stderr.trim()}`];
  const objects = yaml.loadAll(r.stdout).filter(Boolean);
  const values = mergedValues(c);
  const ctx = {
    namespace: values.namespaceOverride || namespace,
    fullname: fullname(RELEASE, values),
    image: imageOf(values),
    pullPolicy: values.image.pullPolicy,
  };
  errors.push(...(await checkSchema(objects)));
  errors.push(...checkRelease(objects, values, parsedConfigs(values), ctx));
  errors.push(...checkPins(objects, c.pins ?? {}));
  return errors;
}

function readManifests(...parts) {
  return yaml.loadAll(fs.readFileSync(path.join(repo, ...parts), "utf8")).filter(Boolean);
}

// The static node manifest: valid, what static.yaml asks, and the chart's own
// rendering of it (so the two cannot drift apart).
async function staticNode() {
  const objects = readManifests("deploy/static/gpulet-node.yaml");
  const values = mergedValues(STATIC);
  const ctx = { namespace: STATIC.namespace, fullname: STATIC.release, image: imageOf(values), pullPolicy: "IfNotPresent" };
  const errors = [...(await checkSchema(objects)), ...checkRelease(objects, values, parsedConfigs(values), ctx)];
  const r = render(STATIC.release, STATIC.namespace, STATIC);
  if (r.status !== 0) return [...errors, `helm template: ${r.stderr.trim()}`];
  const rendered = yaml.loadAll(r.stdout).filter(Boolean);
  const key = (o) => `${o.kind}/${o.metadata.name}`;
  const strip = (o) => {
    const copy = structuredClone(o);
    delete copy.metadata.labels;
    for (const v of copy.spec?.template?.spec?.volumes ?? []) delete v.configMap?.optional;
    return copy;
  };
  if (!isDeepStrictEqual(objects.map(key).sort(), rendered.map(key).sort())) {
    errors.push(`objects ${objects.map(key)} differ from the chart's ${rendered.map(key)}`);
  }
  for (const o of objects) {
    const twin = rendered.find((x) => key(x) === key(o));
    if (twin && !isDeepStrictEqual(strip(o), strip(twin))) errors.push(`${key(o)} differs from the chart's rendering`);
  }
  const volumes = objects.find((o) => o.kind === "DaemonSet")?.spec.template.spec.volumes ?? [];
  if (!volumes.some((v) => v.configMap?.optional === true)) errors.push("the configs ConfigMap is not optional");
  return errors;
}

// The static scheduler: valid, a real image with a pull policy, the objects
// of deploy/scheduler/ (which the extender's tests read), and the node
// agents' hand-off role granting what the chart grants for it.
async function staticScheduler() {
  const objects = readManifests("deploy/static/gpulet-scheduler.yaml");
  const errors = await checkSchema(objects);
  const image = `${chartValues.image.repository}:${chartMeta.appVersion}`;
  for (const d of objects.filter((o) => o.kind === "Deployment")) {
    for (const c of d.spec.template.spec.containers) {
      if (!c.imagePullPolicy) errors.push(`${c.name}: no imagePullPolicy`);
      if (c.name === "gpulet-extender") {
        if (c.image !== image) errors.push(`extender image ${c.image}, want ${image}`);
        checkExtenderExposure(objects, c, (e) => errors.push(e));
      }
    }
  }
  const handoff = (o) => o.metadata.name === "gpulet-node-handoff";
  if (!isDeepStrictEqual(objects.filter((o) => !handoff(o)), readManifests("deploy/scheduler/gpulet-scheduler.yaml"))) {
    errors.push("differs from deploy/scheduler/gpulet-scheduler.yaml");
  }
  const role = objects.find((o) => o.kind === "ClusterRole" && handoff(o));
  const binding = objects.find((o) => o.kind === "ClusterRoleBinding" && handoff(o));
  const rules = (role?.rules ?? []).flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}/${v}`))));
  const want = expectations({ scheduler: { enabled: true } }, {}, {}).clusterRules;
  if (!isDeepStrictEqual([...new Set(rules)].sort(), want)) errors.push(`hand-off rules ${JSON.stringify(rules)}`);
  const subject = binding?.subjects?.[0];
  if (binding?.roleRef.name !== role?.metadata.name || subject?.name !== "gpulet-node" || subject?.namespace !== "kube-system") {
    errors.push("the hand-off role is not bound to kube-system/gpulet-node");
  }
  return errors;
}

// The optional admission policy: valid for Kubernetes 1.30+, aimed at the
// static node agent's service account, bound with Deny, and covering every
// kind of object that account may change.
async function staticNodeRestriction() {
  const objects = readManifests("deploy/static/gpulet-node-restriction.yaml");
  const errors = await checkSchema(objects, new Set(["admissionregistration.k8s.io/v1"]));
  const policy = objects.find((o) => o.kind === "ValidatingAdmissionPolicy");
  const binding = objects.find((o) => o.kind === "ValidatingAdmissionPolicyBinding");
  if (!policy || !binding) return [...errors, "policy or binding missing"];
  const who = policy.spec.matchConditions?.map((m) => m.expression).join(" ");
  if (!who?.includes('"system:serviceaccount:kube-system:gpulet-node"')) errors.push(`matches ${who}`);
  if (binding.spec.policyName !== policy.metadata.name) errors.push("binding names another policy");
  if (!isDeepStrictEqual(binding.spec.validationActions, ["Deny"])) errors.push("binding does not deny");
  if (policy.spec.failurePolicy !== "Fail") errors.push("failurePolicy is not Fail");
  const covered = policy.spec.matchConstraints.resourceRules.flatMap((r) => r.resources).sort();
  // Everything the node agent's roles let it write.
  const writable = expectations({ scheduler: { enabled: true }, config: { map: { default: "x" } } }, {}, {})
    .clusterRules.filter((r) => /\/(create|patch|update|delete)$/.test(r))
    .map((r) => r.split("/")[1]);
  for (const resource of new Set(writable)) {
    if (!covered.includes(resource)) errors.push(`${resource} not covered`);
  }
  const checked = policy.spec.validations.map((v) => v.expression).join(" ");
  for (const resource of covered) {
    if (!checked.includes(`"${resource}"`)) errors.push(`no validation for ${resource}`);
  }
  return errors;
}

async function deterministic() {
  const c = CASES.find((x) => x.name === "gpu-operator");
  const a = render(RELEASE, NAMESPACE, c).stdout;
  return a && a === render(RELEASE, NAMESPACE, c).stdout ? [] : ["two renders differ"];
}

const tests = [
  ...CASES.map((c) => [c.name, () => helmCase(c)]),
  ["static: gpulet-node.yaml", staticNode],
  ["static: gpulet-scheduler.yaml", staticScheduler],
  ["static: gpulet-node-restriction.yaml", staticNodeRestriction],
  ["deterministic output", deterministic],
];
let passed = 0;
let failed = 0;
for (const [name, run] of tests) {
  let errors;
  try {
    errors = await run();
  } catch (e) {
    errors = [`threw: ${e.stack}`];
  }
  if (errors.length === 0) {
    passed++;
    console.log(`ok    ${name}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}`);
    for (const e of errors) console.log(`        ${e}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
