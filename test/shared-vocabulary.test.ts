import fs from 'node:fs';
import path from 'node:path';
import { parse, print, type DefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '../schema/composition.ts';

const nameOf = (definition: DefinitionNode) => ('name' in definition && definition.name ? definition.name.value : null);
const shared = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'subgraphs', 'kit', 'sdl', 'shared.graphql'), 'utf8')).definitions;

describe('shared vocabulary', () => {
  it.each(loadSubgraphList().map((s) => [s.name, s.schema]))('%s defines every shared type exactly as the kit does', (_name, file) => {
    const definitions = new Map(
      parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')).definitions.map((definition) => [nameOf(definition), definition]),
    );
    for (const definition of shared) {
      const own = definitions.get(nameOf(definition));
      expect(own, `${nameOf(definition)} missing`).toBeDefined();
      expect(print(own!)).toBe(print(definition));
    }
  });
});

describe('schema documentation', () => {
  it.each(loadSubgraphList().map((s) => [s.name, s.schema]))('%s describes every type, field, argument and enum value', (_name, file) => {
    const undocumented: string[] = [];
    for (const definition of parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')).definitions) {
      if (!('name' in definition) || !definition.name) continue;
      const type = definition.name.value;
      if (!('description' in definition) || !definition.description) undocumented.push(type);
      for (const field of ('fields' in definition ? definition.fields : undefined) ?? []) {
        if (!field.description) undocumented.push(`${type}.${field.name.value}`);
        for (const argument of ('arguments' in field ? field.arguments : undefined) ?? []) {
          if (!argument.description) undocumented.push(`${type}.${field.name.value}(${argument.name.value})`);
        }
      }
      for (const value of ('values' in definition ? definition.values : undefined) ?? []) {
        if (!value.description) undocumented.push(`${type}.${value.name.value}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
