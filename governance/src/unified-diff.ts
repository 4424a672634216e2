/**
 * A unified diff of two texts by line (longest common subsequence after trimming the common head and tail), with
 * `context` lines around each hunk: enough for SDLs of a few thousand lines.
 */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (start === endA && start === endB) return '';
  const ops = lcsOps(a.slice(start, endA), b.slice(start, endB));
  // Every line with its kind and line numbers, then hunks of changes with context around them.
  type Line = { kind: ' ' | '-' | '+'; text: string; lineA: number; lineB: number };
  const lines: Line[] = [];
  for (let i = 0; i < start; i++) lines.push({ kind: ' ', text: a[i], lineA: i + 1, lineB: i + 1 });
  let [ia, ib] = [start, start];
  for (const op of ops) {
    if (op === ' ') lines.push({ kind: ' ', text: a[ia], lineA: ++ia, lineB: ++ib });
    else if (op === '-') lines.push({ kind: '-', text: a[ia], lineA: ++ia, lineB: ib });
    else lines.push({ kind: '+', text: b[ib], lineA: ia, lineB: ++ib });
  }
  for (let i = endA; i < a.length; i++) lines.push({ kind: ' ', text: a[i], lineA: ++ia, lineB: ++ib });

  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].kind === ' ') {
      i++;
      continue;
    }
    const from = Math.max(0, i - context);
    let to = i;
    // Extend the hunk while the next change is within 2 * context lines.
    for (;;) {
      while (to < lines.length && lines[to].kind !== ' ') to++;
      let next = to;
      while (next < lines.length && lines[next].kind === ' ' && next - to < 2 * context) next++;
      if (next < lines.length && lines[next].kind !== ' ') to = next;
      else break;
    }
    const end = Math.min(lines.length, to + context);
    const hunk = lines.slice(from, end);
    const countA = hunk.filter((l) => l.kind !== '+').length;
    const countB = hunk.filter((l) => l.kind !== '-').length;
    const firstA = hunk.find((l) => l.kind !== '+')?.lineA ?? lines[from].lineA;
    const firstB = hunk.find((l) => l.kind !== '-')?.lineB ?? lines[from].lineB;
    out.push(`@@ -${firstA},${countA} +${firstB},${countB} @@`, ...hunk.map((l) => `${l.kind}${l.text}`));
    i = end;
  }
  return `${out.join('\n')}\n`;
}

function lcsOps(a: string[], b: string[]): (' ' | '-' | '+')[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const ops: (' ' | '-' | '+')[] = [];
  let [i, j] = [0, 0];
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push(' ');
      i++;
      j++;
    } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) {
      ops.push('-');
      i++;
    } else {
      ops.push('+');
      j++;
    }
  }
  while (i++ < a.length) ops.push('-');
  while (j++ < b.length) ops.push('+');
  return ops;
}
