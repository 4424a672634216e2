import { parse } from 'yaml';
import type { SubgraphEntry } from '@cmcc/governance/composition';
import type { NameForms } from './names.ts';

/** Edits of the files that list the subgraphs; each returns the new text, or throws saying what to do by hand. */

export function addToSubgraphList(json: string, entry: SubgraphEntry): string {
  const list = JSON.parse(json) as Record<string, unknown> & { subgraphs: SubgraphEntry[] };
  const entries = [...list.subgraphs, entry];
  // One entry per line, as the file is written by hand, so a diff shows the new subgraph as one added line.
  const line = (e: SubgraphEntry) =>
    `    { ${Object.entries(e)
      .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(', ')} }`;
  const others = Object.entries(list)
    .filter(([key]) => key !== 'subgraphs')
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`)
    .join('');
  return `{\n${others}  "subgraphs": [\n${entries.map(line).join(',\n')}\n  ]\n}\n`;
}

export function addCodeOwner(codeowners: string, name: string, owner: string): string {
  const pattern = `/subgraphs/${name}/`;
  const lines = codeowners.replace(/\n$/, '').split('\n');
  if (lines.some((line) => line.split(/\s+/)[0] === pattern)) throw new Error(`.github/CODEOWNERS already has a line for ${pattern}`);
  const lastSubgraph = lines.reduce((last, line, index) => (line.startsWith('/subgraphs/') ? index : last), lines.length - 1);
  lines.splice(lastSubgraph + 1, 0, `${pattern.padEnd(35)} ${owner}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Adds the subgraph's manifest to the Dockerfile's list, after the last subgraph's (`npm ci` needs every workspace's),
 * and its port to the image's EXPOSE line.
 */
export function addDockerManifest(dockerfile: string, name: string, port: number): string {
  const line = `COPY subgraphs/${name}/package.json subgraphs/${name}/`;
  const lines = dockerfile.split('\n');
  if (lines.includes(line)) throw new Error(`Dockerfile already copies subgraphs/${name}/package.json`);
  const last = lines.reduce((found, text, index) => (/^COPY subgraphs\/[\w-]+\/package\.json /.test(text) ? index : found), -1);
  if (last < 0) throw new Error(`Dockerfile copies no subgraph's package.json; add "${line}" by hand`);
  lines.splice(last + 1, 0, line);
  const expose = lines.findIndex((text) => /^EXPOSE /.test(text));
  if (expose < 0) throw new Error(`Dockerfile has no EXPOSE line; add "EXPOSE ${port}" by hand`);
  if (!lines[expose].split(/\s+/).includes(String(port))) lines[expose] = `${lines[expose]} ${port}`;
  return lines.join('\n');
}

/**
 * Adds the subgraph's service (on Postgres, with a readiness check) after the other services, its URL to the gateways'
 * shared environment (`x-gateway-environment`) and its health to their `depends_on` (`x-gateway`). The file is edited as
 * text so its comments stay.
 */
export function addComposeService(compose: string, name: NameForms, port: number): string {
  const service = [
    `  ${name.kebab}:`,
    '    <<: *subgraph',
    `    command: ["dist/subgraphs/${name.kebab}.js"]`,
    '    environment:',
    '      <<: *subgraph-environment',
    `      PORT: "${port}"`,
    '    healthcheck:',
    `      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`,
    '      interval: 5s',
    '      timeout: 3s',
    '      retries: 30',
    '',
  ];
  const lines = compose.split('\n');
  const unknownLayout = 'docker-compose.yml has a layout the scaffold does not know; add the subgraph service and wire it to the gateways by hand';
  const environment = lines.indexOf('x-gateway-environment: &gateway-environment');
  const gateway = lines.indexOf('x-gateway: &gateway');
  const endOfServices = lines.indexOf('secrets:');
  if (environment < 0 || gateway < 0 || endOfServices < 0) throw new Error(unknownLayout);
  const lastUrl = lines.reduce((last, line, index) => (index > environment && index < gateway && /^ {2}SUBGRAPH_[A-Z0-9_]+_URL: /.test(line) ? index : last), -1);
  const dependsOn = lines.findIndex((line, index) => index > gateway && line === '  depends_on:');
  if (lastUrl < 0 || dependsOn < 0) throw new Error(unknownLayout);
  let endOfDepends = dependsOn + 1;
  while (endOfDepends < lines.length && lines[endOfDepends].startsWith('    ')) endOfDepends++;
  // Later positions first, so the earlier indexes stay valid.
  lines.splice(endOfServices, 0, ...service);
  lines.splice(endOfDepends, 0, `    ${name.kebab}:`, '      condition: service_healthy');
  lines.splice(lastUrl + 1, 0, `  SUBGRAPH_${name.screaming}_URL: http://${name.kebab}:${port}/graphql`);
  const result = lines.join('\n');
  const parsed = parse(result, { merge: true });
  const gateways = Object.entries(parsed?.services ?? {}).filter(([service]) => /^gateway-\d+$/.test(service));
  const wired =
    parsed?.services?.[name.kebab]?.environment?.PORT === String(port) &&
    gateways.length > 0 &&
    gateways.every(
      ([, gatewayService]) =>
        (gatewayService as { environment?: Record<string, string> }).environment?.[`SUBGRAPH_${name.screaming}_URL`] === `http://${name.kebab}:${port}/graphql` &&
        (gatewayService as { depends_on?: Record<string, { condition?: string }> }).depends_on?.[name.kebab]?.condition === 'service_healthy',
    );
  if (!wired) throw new Error(unknownLayout);
  return result;
}

/** The subgraph whose Kubernetes manifest a new one's is made from (a Postgres subgraph reached only by the gateway). */
export const KUBERNETES_TEMPLATE_SUBGRAPH = 'coordination';

/**
 * A new subgraph's Kubernetes objects (Deployment with probes, limits and a non-root read-only container, Service,
 * PodDisruptionBudget, NetworkPolicy admitting only the gateway), made from the template subgraph's manifest with its
 * name and port replaced.
 */
export function kubernetesManifest(template: string, from: { name: string; port: number }, to: { name: string; port: number }): string {
  const escaped = from.name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
  const word = new RegExp(`(?<![\\w-])${escaped}(?![\\w])`, 'g');
  const text = template.replace(word, to.name).replace(new RegExp(`\\b${from.port}\\b`, 'g'), String(to.port));
  // Nothing of the template's name left (the new name may contain it, e.g. logistics-coordination-cell), and its port in.
  if (text.replace(new RegExp(`(?<![\\w-])${to.name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}(?![\\w])`, 'g'), '').match(word) || !text.includes(`containerPort: ${to.port}`))
    throw new Error(`The Kubernetes manifest of ${from.name} could not be adapted; write deploy/kubernetes/base/subgraphs/${to.name}.yaml by hand`);
  return text;
}

/** Adds the subgraph's manifest to the base kustomization's resources, after the last subgraph's. */
export function addKustomizeResource(kustomization: string, name: string): string {
  const line = `  - subgraphs/${name}.yaml`;
  const lines = kustomization.split('\n');
  if (lines.includes(line)) throw new Error(`deploy/kubernetes/base/kustomization.yaml already lists subgraphs/${name}.yaml`);
  const last = lines.reduce((found, text, index) => (/^ {2}- subgraphs\/[\w-]+\.yaml$/.test(text) ? index : found), -1);
  if (last < 0) throw new Error(`deploy/kubernetes/base/kustomization.yaml lists no subgraph; add "${line.trim()}" by hand`);
  lines.splice(last + 1, 0, line);
  return lines.join('\n');
}

/** Adds the subgraph's URL to the gateway Deployment's environment, after the other subgraphs'. */
export function addGatewaySubgraphUrl(gateway: string, name: NameForms, port: number): string {
  const lines = gateway.split('\n');
  const last = lines.reduce((found, text, index) => (/- \{ name: SUBGRAPH_[A-Z_]+_URL, value: /.test(text) ? index : found), -1);
  if (last < 0) throw new Error(`deploy/kubernetes/base/gateway.yaml names no SUBGRAPH_<NAME>_URL; add SUBGRAPH_${name.screaming}_URL by hand`);
  const indent = lines[last].match(/^\s*/)![0];
  lines.splice(last + 1, 0, `${indent}- { name: SUBGRAPH_${name.screaming}_URL, value: "http://${name.kebab}:${port}/graphql" }`);
  return lines.join('\n');
}

/** The development overlay runs one replica of everything: the new subgraph too. */
export function addDevReplica(overlay: string, name: string): string {
  return `${overlay.replace(/\n*$/, '')}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n`;
}
