import fs from 'node:fs';
import path from 'node:path';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT, type SubgraphEntry } from '@cmcc/governance/composition';
import { withGuide } from './guide.ts';
import { entityForms, nameForms, replacements, applyReplacements, SUBGRAPH_NAME, TEMPLATE_NAME, TYPE_NAME, type EntityForms, type NameForms } from './names.ts';
import {
  addCodeOwner,
  addComposeService,
  addDevReplica,
  addDockerManifest,
  addGatewaySubgraphUrl,
  addKustomizeResource,
  addToSubgraphList,
  KUBERNETES_TEMPLATE_SUBGRAPH,
  kubernetesManifest,
} from './register.ts';

export const TEMPLATE_ROOT = path.join(PROJECT_ROOT, 'packages', 'subgraph-kit', 'template');
/** Names that are folders of the platform, not working groups. */
const RESERVED = new Set(['kit', 'gateway', 'schema', 'test', 'template', 'shared', 'scripts']);
const GATEWAY_PORT = 4000;

export interface ScaffoldOptions {
  name: string;
  /** The owned entity type, e.g. `ForceContribution`; default `<Name>Record`. */
  entity?: string;
  /** A number, or the text given on the command line; default the next free port. */
  port?: number | string;
  /** The CODEOWNERS owner, e.g. `@cmcc/intelligence-wg`; default `@cmcc/<name>-wg`. */
  owner?: string;
  /** The project to add the subgraph to (tests use a temporary copy); default this repository. */
  root?: string;
}

export interface ScaffoldPlan {
  name: NameForms;
  entity: EntityForms;
  port: number;
  owner: string;
  root: string;
  /** Every file to write, by path relative to `root`: the new subgraph's and the edited lists. */
  files: Map<string, string>;
}

export class ScaffoldError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ScaffoldError';
  }
}

/** Everything `new-subgraph` would write, checked (name, port, owner, composition) before anything is written. */
export function planSubgraph(options: ScaffoldOptions): ScaffoldPlan {
  const root = path.resolve(options.root ?? PROJECT_ROOT);
  const listFile = path.join(root, 'schema', 'subgraphs.json');
  const entries = loadSubgraphList(listFile);
  const problems: string[] = [];
  const { name } = options;
  if (!SUBGRAPH_NAME.test(name) || name.length > 40) {
    problems.push(
      `The name must be kebab-case (lower-case letters and digits, words joined by "-", at most 40 characters), e.g. "multinational-force"; got ${JSON.stringify(name)}`,
    );
  } else if (RESERVED.has(name) || name === TEMPLATE_NAME.kebab) {
    problems.push(`"${name}" is reserved for the platform; choose the working group's name`);
  } else if (entries.some((entry) => entry.name === name) || fs.existsSync(path.join(root, 'subgraphs', name))) {
    problems.push(`A subgraph named "${name}" exists already (schema/subgraphs.json or subgraphs/${name}/)`);
  }
  const taken = new Map(entries.map((entry) => [entry.port, entry.name]));
  const port =
    options.port === undefined ? Math.max(GATEWAY_PORT, ...entries.map((entry) => entry.port)) + 1 : /^\d+$/.test(String(options.port)) ? Number(options.port) : Number.NaN;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) problems.push(`--port must be a whole number from 1024 to 65535; got ${JSON.stringify(String(options.port))}`);
  else if (port === GATEWAY_PORT) problems.push(`Port ${port} is the gateway's`);
  else if (taken.has(port)) problems.push(`Port ${port} is taken by the ${taken.get(port)} subgraph; omit --port to take the next free one`);
  const owner = options.owner ?? `@cmcc/${name}-wg`;
  if (!/^@[\w.-]+(\/[\w.-]+)?$/.test(owner)) problems.push(`--owner must be a GitHub team or user such as @cmcc/${name}-wg; got ${JSON.stringify(owner)}`);
  const entityName = options.entity ?? `${nameForms(SUBGRAPH_NAME.test(name) ? name : 'x').pascal}Record`;
  if (!TYPE_NAME.test(entityName)) problems.push(`--entity must be a GraphQL type name in PascalCase, e.g. ForceContribution; got ${JSON.stringify(entityName)}`);
  if (problems.length > 0) throw new ScaffoldError(problems);

  const forms = nameForms(name);
  const entity = entityForms(entityName);
  const pairs = replacements(forms, entity, port);
  const files = new Map<string, string>();
  const target = path.join('subgraphs', name);
  for (const file of listTemplate(TEMPLATE_ROOT)) {
    if (file === 'schema-guide.md') continue;
    const relative = path.join(target, applyReplacements(file, pairs));
    let text = applyReplacements(fs.readFileSync(path.join(TEMPLATE_ROOT, file), 'utf8'), pairs);
    if (file === 'README.md') text = withGuide(text, name);
    files.set(relative, text);
  }

  const entry: SubgraphEntry = { name, schema: `subgraphs/${name}/schema.graphql`, port, routingUrl: `http://localhost:${port}/graphql` };
  const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  const edits: [string, () => string][] = [
    ['schema/subgraphs.json', () => addToSubgraphList(read('schema/subgraphs.json'), entry)],
    ['.github/CODEOWNERS', () => addCodeOwner(read('.github/CODEOWNERS'), name, owner)],
    ['docker-compose.yml', () => addComposeService(read('docker-compose.yml'), forms, port)],
    ['Dockerfile', () => addDockerManifest(read('Dockerfile'), name, port)],
    ['deploy/kubernetes/base/kustomization.yaml', () => addKustomizeResource(read('deploy/kubernetes/base/kustomization.yaml'), name)],
    ['deploy/kubernetes/base/gateway.yaml', () => addGatewaySubgraphUrl(read('deploy/kubernetes/base/gateway.yaml'), forms, port)],
    ['deploy/kubernetes/overlays/dev/one-replica.yaml', () => addDevReplica(read('deploy/kubernetes/overlays/dev/one-replica.yaml'), name)],
    [
      `deploy/kubernetes/base/subgraphs/${name}.yaml`,
      () => {
        const template = entries.find((e) => e.name === KUBERNETES_TEMPLATE_SUBGRAPH);
        if (!template)
          throw new Error(`No ${KUBERNETES_TEMPLATE_SUBGRAPH} subgraph to make the Kubernetes manifest from; write deploy/kubernetes/base/subgraphs/${name}.yaml by hand`);
        const source = read(`deploy/kubernetes/base/subgraphs/${KUBERNETES_TEMPLATE_SUBGRAPH}.yaml`);
        return kubernetesManifest(source, { name: template.name, port: template.port }, { name, port });
      },
    ],
  ];
  for (const [file, edit] of edits) {
    try {
      files.set(file, edit());
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const composed = composeSupergraph(
    [...entries, entry].map((e) => ({
      name: e.name,
      routingUrl: e.routingUrl,
      sdl: e.name === name ? files.get(entry.schema)! : fs.readFileSync(path.resolve(root, e.schema), 'utf8'),
    })),
  );
  if (!composed.ok) {
    problems.push(...composed.problems.map((p) => `The new subgraph does not compose: [${p.subgraph ?? 'supergraph'}]${p.code ? ` ${p.code}:` : ''} ${p.message}`));
  } else {
    files.set('schema/supergraph.graphql', composed.supergraphSdl);
  }
  if (problems.length > 0) throw new ScaffoldError(problems);
  return { name: forms, entity, port, owner, root, files };
}

/** Writes a plan (planSubgraph made sure the subgraph folder is new); each file goes through a temporary file and a rename. */
export function writePlan(plan: ScaffoldPlan): void {
  for (const [file, text] of plan.files) {
    const absolute = path.join(plan.root, file);
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    const temporary = `${absolute}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, absolute);
  }
}

function listTemplate(folder: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listTemplate(folder, relative) : [relative];
  });
}
