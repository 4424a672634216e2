import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { REQUIRE_SERVICES } from '@cmcc/test-support/services';

// deploy/kubernetes rendered by `kubectl kustomize` (Debian's kubectl 1.20 with kustomize v2.0.3, or a newer one: KUBECTL
// picks the binary), every object validated against the Kubernetes schemas (kubernetes-models), then the issue's
// policies checked on what would be applied, with the expected answers taken from the rule's text.
const KUBECTL = process.env.KUBECTL || 'kubectl';
const ROOT = path.join(PROJECT_ROOT, 'deploy', 'kubernetes');
const TARGETS = { base: 'base', dev: 'overlays/dev', production: 'overlays/production' } as const;
const subgraphs = loadSubgraphList();

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [field: string]: any };

function kubectlPresent(): boolean {
  const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  const why = `${KUBECTL} is not installed (apt-get install kubernetes-client, or set KUBECTL)`;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but ${why}`);
  console.warn(`Skipping the Kubernetes manifest tests: ${why}`);
  return false;
}

function render(target: string): Manifest[] {
  const run = spawnSync(KUBECTL, ['kustomize', path.join(ROOT, target)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${target} failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

const available = kubectlPresent();
const rendered = available ? (Object.fromEntries(Object.entries(TARGETS).map(([name, target]) => [name, render(target)])) as Record<keyof typeof TARGETS, Manifest[]>) : null;

function all(target: keyof typeof TARGETS, kind?: string): Manifest[] {
  return rendered![target].filter((manifest) => !kind || manifest.kind === kind);
}

function one(target: keyof typeof TARGETS, kind: string, name: string): Manifest {
  const found = all(target, kind).filter((manifest) => manifest.metadata.name === name);
  expect(found, `${target}: one ${kind} ${name}`).toHaveLength(1);
  return found[0];
}

/** Whether a label selector (matchLabels only, as these manifests use) selects a pod with these labels. */
function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>): boolean {
  expect(selector?.matchExpressions, 'matchExpressions are not evaluated here').toBeUndefined();
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/** The ConfigMap a (possibly hash-suffixed) name refers to. */
function configMap(target: keyof typeof TARGETS, name: string): Record<string, string> {
  return one(target, 'ConfigMap', name).data ?? {};
}

/** The container's environment as the kubelet would give it, Secret values replaced by a stand-in of 40 characters. */
function environmentOf(target: keyof typeof TARGETS, container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, configMap(target, source.configMapRef.name));
  for (const variable of container.env ?? []) {
    if ('value' in variable) env[variable.name] = variable.value;
    else if (variable.valueFrom?.configMapKeyRef) env[variable.name] = configMap(target, variable.valueFrom.configMapKeyRef.name)[variable.valueFrom.configMapKeyRef.key];
    else if (variable.valueFrom?.secretKeyRef && !variable.valueFrom.secretKeyRef.optional) env[variable.name] = `secret-${variable.valueFrom.secretKeyRef.key}`.padEnd(40, '-');
  }
  if (env.REDIS_URL?.startsWith('secret-')) env.REDIS_URL = 'redis://:stand-in@redis:6379';
  return env;
}

const KINDS_TO_MODULES = new Map<string, string>();
async function validator(manifest: Manifest): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : [undefined, manifest.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  KINDS_TO_MODULES.set(`${manifest.apiVersion} ${manifest.kind}`, module);
  const exports = (await import(module)) as Record<string, new (data: unknown) => { validate(): void }>;
  expect(exports[manifest.kind], `${module} has no ${manifest.kind}`).toBeDefined();
  return exports[manifest.kind];
}

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|SIGNING|PRIVATE|CREDENTIAL/i;

describe.skipIf(!available)('deploy/kubernetes (kubectl kustomize)', () => {
  it.each(Object.keys(TARGETS) as (keyof typeof TARGETS)[])('renders %s into objects that are valid against the Kubernetes schemas', async (target) => {
    const manifests = all(target);
    expect(manifests.length).toBeGreaterThan(subgraphs.length * 4);
    for (const manifest of manifests) {
      const Model = await validator(manifest);
      expect(() => new Model(manifest).validate(), `${target}: ${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it.each(['dev', 'production'] as const)('%s runs the gateway and every subgraph of schema/subgraphs.json on its port, each behind a Service', (target) => {
    const gateway = one(target, 'Deployment', 'gateway').spec.template.spec.containers[0];
    expect(gateway.args).toEqual(['dist/gateway.js']);
    const gatewayEnv = environmentOf(target, gateway);
    for (const subgraph of subgraphs) {
      const container = one(target, 'Deployment', subgraph.name).spec.template.spec.containers[0];
      expect(container.args).toEqual([`dist/subgraphs/${subgraph.name}.js`]);
      expect(container.ports).toEqual([{ name: 'http', containerPort: subgraph.port }]);
      expect(environmentOf(target, container).PORT).toBe(String(subgraph.port));
      expect(one(target, 'Service', subgraph.name).spec.ports).toEqual([{ name: 'http', port: subgraph.port, targetPort: 'http' }]);
      expect(gatewayEnv[`SUBGRAPH_${subgraph.name.toUpperCase().replace(/-/g, '_')}_URL`]).toBe(`http://${subgraph.name}:${subgraph.port}/graphql`);
    }
    expect(all(target, 'Deployment')).toHaveLength(subgraphs.length + 1);
  });

  it.each(Object.keys(TARGETS) as (keyof typeof TARGETS)[])(
    '%s: every container has probes on /health and /ready, resource requests and limits, and runs unprivileged',
    (target) => {
      for (const deployment of all(target, 'Deployment')) {
        const pod = deployment.spec.template.spec;
        for (const container of pod.containers) {
          const where = `${deployment.metadata.name}/${container.name}`;
          expect(container.livenessProbe?.httpGet, where).toEqual({ path: '/health', port: 'http' });
          expect(container.readinessProbe?.httpGet, where).toEqual({ path: '/ready', port: 'http' });
          expect(container.startupProbe?.httpGet, where).toEqual({ path: '/health', port: 'http' });
          for (const resource of ['cpu', 'memory']) {
            expect(container.resources?.requests?.[resource], `${where} requests.${resource}`).toBeDefined();
            expect(container.resources?.limits?.[resource], `${where} limits.${resource}`).toBeDefined();
          }
          expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        }
      }
    },
  );

  it.each(Object.keys(TARGETS) as (keyof typeof TARGETS)[])('%s keeps keys in Secrets: no secret in a ConfigMap or a literal env value', (target) => {
    for (const map of all(target, 'ConfigMap')) {
      for (const [key, value] of Object.entries(map.data ?? {}) as [string, string][]) {
        if (key !== 'AUTH_ALLOW_DEVELOPMENT_KEYS') expect(key, `${map.metadata.name}.${key}`).not.toMatch(SECRET_NAME);
        if (/^[a-z]+:\/\//.test(value)) expect(new URL(value).password, `${map.metadata.name}.${key} holds a password`).toBe('');
      }
    }
    const secretValues = all(target, 'Secret').flatMap((secret) => Object.values(secret.data ?? {}).map((value) => Buffer.from(value as string, 'base64').toString('utf8')));
    const configText = JSON.stringify(all(target, 'ConfigMap'));
    for (const value of secretValues) expect(configText).not.toContain(value);
    for (const deployment of all(target, 'Deployment')) {
      for (const container of deployment.spec.template.spec.containers) {
        for (const variable of container.env ?? []) {
          if (SECRET_NAME.test(variable.name) && !variable.name.endsWith('_FILE'))
            expect(variable.valueFrom?.secretKeyRef, `${deployment.metadata.name} ${variable.name}`).toBeDefined();
          if (variable.name === 'REDIS_URL') expect(variable.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
    }
  });

  it('production creates no Secret and carries nothing of the development overlay: no development key, value or override', () => {
    expect(all('production', 'Secret')).toEqual([]);
    const productionText = JSON.stringify(all('production'));
    for (const secret of all('dev', 'Secret')) {
      for (const value of Object.values(secret.data ?? {}) as string[]) expect(productionText).not.toContain(Buffer.from(value, 'base64').toString('utf8'));
    }
    expect(productionText).not.toMatch(/development-only/);
    const gateway = one('production', 'Deployment', 'gateway').spec.template.spec.containers[0];
    const env = environmentOf('production', gateway);
    expect(env.AUTH_ALLOW_DEVELOPMENT_KEYS ?? 'false').toBe('false');
    // The image sets NODE_ENV=production: the gateway's own configuration must accept what production gives it.
    expect(() => loadGatewayConfig({ ...env, NODE_ENV: 'production' })).not.toThrow();
    for (const deployment of all('production', 'Deployment')) {
      for (const container of deployment.spec.template.spec.containers) expect(container.image).toMatch(/^[^:]+\/cmcc-supergraph:\d+\.\d+\.\d+$/);
    }
  });

  it('development allows its development keys explicitly, and only there', () => {
    const env = environmentOf('dev', one('dev', 'Deployment', 'gateway').spec.template.spec.containers[0]);
    expect(env.AUTH_ALLOW_DEVELOPMENT_KEYS).toBe('true');
    expect(() => loadGatewayConfig({ ...env, NODE_ENV: 'production' })).not.toThrow();
    const { AUTH_ALLOW_DEVELOPMENT_KEYS: _allowed, ...withoutOverride } = env;
    expect(() => loadGatewayConfig({ ...withoutOverride, NODE_ENV: 'production' })).toThrow(/development signing key/);
    // The development keys live in each gateway pod: one replica, so a token is valid wherever it is sent.
    expect(one('dev', 'HorizontalPodAutoscaler', 'gateway').spec.maxReplicas).toBe(1);
  });

  it.each(['dev', 'production'] as const)('%s resolves every Secret and ConfigMap a pod references to one the overlay makes or docs/deploying.md tells to create', (target) => {
    const docs = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'deploying.md'), 'utf8');
    const made = new Set(
      all(target)
        .filter((m) => m.kind === 'Secret' || m.kind === 'ConfigMap')
        .map((m) => m.metadata.name),
    );
    const text = JSON.stringify(all(target, 'Deployment'));
    const secretNames = new Set([...text.matchAll(/"secretKeyRef":\{"name":"([^"]+)"/g), ...text.matchAll(/"secretName":"([^"]+)"/g)].map((match) => match[1]));
    for (const name of secretNames) {
      if (target === 'dev') expect(made.has(name), `dev makes Secret ${name}`).toBe(true);
      else expect(docs, `docs/deploying.md creates Secret ${name}`).toMatch(new RegExp(`kubectl[^\\n]*create secret generic ${name.replace(/-[a-z0-9]{10}$/, '')}\\b`));
    }
    for (const match of text.matchAll(/"configMap(?:KeyRef|Ref)":\{"name":"([^"]+)"/g)) expect(made.has(match[1]), `ConfigMap ${match[1]}`).toBe(true);
  });

  it.each(['dev', 'production'] as const)('%s lets only the gateway reach a subgraph, on the subgraph port, and denies every other ingress', (target) => {
    const policies = all(target, 'NetworkPolicy');
    const podLabels = (name: string) => one(target, 'Deployment', name).spec.template.metadata.labels as Record<string, string>;
    const gatewayLabels = podLabels('gateway');
    // A policy with an empty pod selector and no ingress rule isolates every pod of the namespace.
    expect(policies.some((policy) => Object.keys(policy.spec.podSelector ?? {}).length === 0 && policy.spec.policyTypes.includes('Ingress') && !policy.spec.ingress?.length)).toBe(
      true,
    );
    for (const subgraph of subgraphs) {
      const labels = podLabels(subgraph.name);
      const applying = policies.filter((policy) => selects(policy.spec.podSelector, labels) && policy.spec.policyTypes.includes('Ingress'));
      const rules = applying.flatMap((policy) => policy.spec.ingress ?? []);
      expect(rules.length, `${subgraph.name} has an ingress rule`).toBeGreaterThan(0);
      for (const rule of rules) {
        // No `from` would admit every source; each peer must be a pod selector in this namespace that the gateway matches.
        expect(rule.from?.length, `${subgraph.name}: a rule without from admits anyone`).toBeGreaterThan(0);
        for (const peer of rule.from) {
          expect(Object.keys(peer), `${subgraph.name}: only podSelector peers`).toEqual(['podSelector']);
          expect(selects(peer.podSelector, gatewayLabels)).toBe(true);
          for (const other of subgraphs) expect(selects(peer.podSelector, podLabels(other.name)), `${subgraph.name} admits ${other.name}`).toBe(false);
        }
        expect(rule.ports).toEqual([{ protocol: 'TCP', port: subgraph.port }]);
      }
    }
    const gatewayRules = policies.filter((policy) => selects(policy.spec.podSelector, gatewayLabels)).flatMap((policy) => policy.spec.ingress ?? []);
    expect(gatewayRules.flatMap((rule) => rule.ports)).toEqual([{ protocol: 'TCP', port: 4000 }]);
  });

  it.each(['dev', 'production'] as const)('%s protects every Deployment with a PodDisruptionBudget and scales the gateway with an autoscaler', (target) => {
    for (const deployment of all(target, 'Deployment')) {
      const labels = deployment.spec.template.metadata.labels;
      const budgets = all(target, 'PodDisruptionBudget').filter((budget) => selects(budget.spec.selector, labels));
      expect(budgets, `${deployment.metadata.name} has one PodDisruptionBudget`).toHaveLength(1);
      expect(budgets[0].spec.maxUnavailable ?? 0).toBeLessThanOrEqual(1);
    }
    const autoscaler = one(target, 'HorizontalPodAutoscaler', 'gateway');
    expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    if (target === 'production') expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it.each(['dev', 'production'] as const)('%s reaches Postgres and Redis as external services, running neither', (target) => {
    for (const name of ['postgres', 'redis']) {
      const service = one(target, 'Service', name);
      expect(service.spec.type === 'ExternalName' || service.spec.selector === undefined, `${name} is external`).toBe(true);
    }
    expect(all(target).filter((m) => ['StatefulSet', 'DaemonSet'].includes(m.kind))).toEqual([]);
    expect(all(target, 'Deployment').map((d) => d.metadata.name)).not.toEqual(expect.arrayContaining(['postgres']));
    const databaseUrl = new URL(environmentOf(target, one(target, 'Deployment', 'security').spec.template.spec.containers[0]).DATABASE_URL);
    expect(databaseUrl.hostname).toBe('postgres');
  });
});
