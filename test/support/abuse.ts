/**
 * A fragment bomb: `fragment F0` spreads `F1` `fanOut` times (each spread under its own alias-free copy), `F1` spreads
 * `F2` `fanOut` times, ... down to `F<depth>`, which selects one field. Written out, the operation holds fanOut^depth
 * copies of that field; as a document it is a few hundred bytes. `onType` is the type every fragment is on.
 */
export function fragmentBomb(depth: number, fanOut: number, onType = 'Query', leaf = '__typename'): string {
  const fragments: string[] = [];
  for (let level = 0; level < depth; level++) {
    // The same spread repeated is legal GraphQL; inline fragments keep each copy a separate selection.
    const spreads = Array.from({ length: fanOut }, () => `... on ${onType} { ...F${level + 1} }`).join(' ');
    fragments.push(`fragment F${level} on ${onType} { ${spreads} }`);
  }
  fragments.push(`fragment F${depth} on ${onType} { ${leaf} }`);
  return `query Bomb { ...F0 }\n${fragments.join('\n')}`;
}
