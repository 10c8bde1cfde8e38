// Checks Kubernetes objects against the upstream OpenAPI schema, as packaged
// by the npm package kubernetes-models (a recent Kubernetes release).
//
// Two checks per object:
//   - the package's own validator (ajv over the OpenAPI schema): types,
//     required fields, enums;
//   - unknown fields, which that schema allows but the API server's strict
//     field validation rejects (a misspelt `readOnly` would otherwise pass
//     and silently mount read-write). The known fields come from the
//     package's type declarations, one interface per OpenAPI definition.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export class SchemaChecker {
  // modules: the node_modules directory holding kubernetes-models.
  constructor(modules) {
    this.modules = modules;
    this.models = path.join(modules, "kubernetes-models");
    this.interfaces = new Map(); // "IIoK8s…" name → Map(field → type text)
    this.topLevel = new Map(); // "apps/v1/DaemonSet" → its interface's fields
    for (const root of [this.models, path.join(modules, "@kubernetes-models", "apimachinery")]) {
      this.#index(root);
    }
  }

  // "apps/v1" + "DaemonSet" → "apps/v1/DaemonSet"; the core group is "v1".
  static modelPath(apiVersion, kind) {
    return `${apiVersion}/${kind}`;
  }

  // Errors of one object, as strings; empty when it is valid.
  async check(object) {
    const where = `${object?.kind}/${object?.metadata?.name}`;
    if (!object?.apiVersion || !object?.kind) return [`${where}: no apiVersion or kind`];
    const model = SchemaChecker.modelPath(object.apiVersion, object.kind);
    const file = path.join(this.models, `${model}.js`);
    if (!fs.existsSync(file)) return [`${where}: unknown kind ${model}`];
    const Class = (await import(pathToFileURL(file).href))[object.kind];
    const errors = [];
    try {
      new Class(object).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`);
      errors.push(`${where}: schema: ${details.join("; ") || e.message}`);
    }
    const fields = this.topLevel.get(model);
    if (fields) this.#unknownFields(object, fields, where, errors);
    return errors;
  }

  #unknownFields(value, fields, at, errors) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const type = fields.get(key);
      if (type === undefined) {
        errors.push(`${at}: unknown field "${key}"`);
        continue;
      }
      this.#descend(child, type, `${at}.${key}`, errors);
    }
  }

  #descend(value, type, at, errors) {
    const array = /^Array<(\w+)>$/.exec(type);
    if (array && Array.isArray(value)) {
      value.forEach((item, i) => this.#descend(item, array[1], `${at}[${i}]`, errors));
      return;
    }
    const map = /^\{\[key:string\]:(\w+)\}$/.exec(type);
    if (map && value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) this.#descend(v, map[1], `${at}.${k}`, errors);
      return;
    }
    const fields = this.interfaces.get(type);
    if (fields) this.#unknownFields(value, fields, at, errors);
  }

  // Reads every declaration file under `root`: interface fields, the
  // OpenAPI name each interface is exported as, and the top-level kinds.
  #index(root) {
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && !entry.name.startsWith("_")) walk(full);
        else if (entry.name.endsWith(".d.ts")) this.#indexFile(root, full);
      }
    };
    walk(root);
  }

  #indexFile(root, file) {
    const text = fs.readFileSync(file, "utf8");
    const alias = /export type \{ (\w+) as (IIoK8s\w+)/.exec(text);
    const start = /^export interface (\w+)[^{]*\{$/m.exec(text);
    if (!alias || !start || alias[1] !== start[1]) return;
    const body = text.slice(start.index + start[0].length, text.indexOf("\n}", start.index) + 1);
    const fields = new Map();
    // Fields sit at four spaces; an inline map type spans the next lines.
    const re = /^ {4}"([^"]+)"\??: ([^\n]*?);?\n(?:( {8}\[key: string\]: [^\n]*\n {4}\};?\n))?/gm;
    for (const m of body.matchAll(re)) {
      const type = m[3] ? m[2] + m[3] : m[2];
      fields.set(m[1], type.replace(/\s+|;/g, ""));
    }
    this.interfaces.set(alias[2], fields);
    if (/extends TypeMeta/.test(start[0])) {
      const rel = path.relative(root, file).replace(/\.d\.ts$/, "");
      this.topLevel.set(rel.split(path.sep).join("/"), fields);
    }
  }
}
