/** The spellings of a subgraph's name and of its entity type that the template's placeholders stand for. */
export interface NameForms {
  /** `multinational-force`: the subgraph, its folder, scopes (`write:multinational-force`). */
  kebab: string;
  /** `multinational_force`: the Postgres schema and table names. */
  snake: string;
  /** `MULTINATIONAL_FORCE`: environment variables (`SUBGRAPH_MULTINATIONAL_FORCE_URL`). */
  screaming: string;
  /** `multinationalForce`: the exported definition. */
  camel: string;
  /** `MultinationalForce`. */
  pascal: string;
  /** `multinational force`: prose. */
  words: string;
}

export interface EntityForms {
  /** `ForceContribution`: the GraphQL type. */
  pascal: string;
  /** `forceContribution`: the query by id, the loader. */
  camel: string;
  /** `forceContributions`: the list query and the `Area` field. */
  camelPlural: string;
  /** `force_contribution`: the table. */
  snake: string;
  /** `force contribution`, `force contributions`: prose. */
  words: string;
  wordsPlural: string;
  /** `FC`: the prefix of synthetic ids (`FC-0001`). */
  initials: string;
}

export const SUBGRAPH_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const TYPE_NAME = /^[A-Z][a-z0-9]*([A-Z][a-z0-9]*)*$/;

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function nameForms(kebab: string): NameForms {
  const words = kebab.split('-');
  return {
    kebab,
    snake: words.join('_'),
    screaming: words.join('_').toUpperCase(),
    camel: words[0] + words.slice(1).map(capitalize).join(''),
    pascal: words.map(capitalize).join(''),
    words: words.join(' '),
  };
}

export function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

export function entityForms(pascal: string): EntityForms {
  const words = pascal.match(/[A-Z][a-z0-9]*/g) ?? [pascal];
  const lower = words.map((word) => word.toLowerCase());
  const camel = lower[0] + words.slice(1).join('');
  return {
    pascal,
    camel,
    camelPlural: plural(camel),
    snake: lower.join('_'),
    words: lower.join(' '),
    wordsPlural: plural(lower.join(' ')),
    initials: words.map((word) => word[0]).join(''),
  };
}

/** The template's own spellings: it is a working subgraph named `sample-group` owning `SampleGroupRecord`. */
export const TEMPLATE_NAME = nameForms('sample-group');
export const TEMPLATE_ENTITY = entityForms('SampleGroupRecord');
export const TEMPLATE_PORT = 4999;

const sentence = (text: string) => capitalize(text);

/**
 * Placeholder → replacement pairs, longest first, so that `SampleGroupRecord` is replaced before `SampleGroup` and
 * `sample_group_record` before `sample_group`.
 */
export function replacements(name: NameForms, entity: EntityForms, port: number): [string, string][] {
  const pairs: [string, string][] = [
    [TEMPLATE_ENTITY.camelPlural, entity.camelPlural],
    [TEMPLATE_ENTITY.camel, entity.camel],
    [TEMPLATE_ENTITY.pascal, entity.pascal],
    [TEMPLATE_ENTITY.snake, entity.snake],
    [sentence(TEMPLATE_ENTITY.wordsPlural), sentence(entity.wordsPlural)],
    [TEMPLATE_ENTITY.wordsPlural, entity.wordsPlural],
    [sentence(TEMPLATE_ENTITY.words), sentence(entity.words)],
    [TEMPLATE_ENTITY.words, entity.words],
    [`${TEMPLATE_ENTITY.initials}-`, `${entity.initials}-`],
    [TEMPLATE_NAME.kebab, name.kebab],
    [TEMPLATE_NAME.snake, name.snake],
    [TEMPLATE_NAME.screaming, name.screaming],
    [TEMPLATE_NAME.camel, name.camel],
    [TEMPLATE_NAME.pascal, name.pascal],
    [sentence(TEMPLATE_NAME.words), sentence(name.words)],
    [TEMPLATE_NAME.words, name.words],
    [String(TEMPLATE_PORT), String(port)],
  ];
  return pairs;
}

export function applyReplacements(text: string, pairs: readonly [string, string][]): string {
  return pairs.reduce((result, [from, to]) => result.split(from).join(to), text);
}
