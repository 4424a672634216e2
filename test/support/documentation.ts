// Reading the commands a reader is told to paste: the shell blocks of a Markdown file, and the commands `npm start` prints.

const SHELL = new Set(['sh', 'bash', 'shell']);
const MARKER = /^<!--\s*illustrative\b(.*?)-->$/;

export interface Block {
  readonly where: string;
  readonly script: string;
  readonly illustrative: string | null;
}

/** The fenced shell blocks of a Markdown text; a block is illustrative when the last non-blank line above it is the marker. */
export function shellBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim().startsWith(fence[2]));
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block is not closed`);
    if (SHELL.has(fence[3])) {
      let above = i - 1;
      while (above >= 0 && lines[above].trim() === '') above--;
      const marker = above >= 0 ? MARKER.exec(lines[above].trim()) : null;
      blocks.push({ where: `${file}:${i + 1}`, script: lines.slice(i + 1, end).join('\n'), illustrative: marker ? marker[1].replace(/^\s*:\s*/, '').trim() : null });
    }
    i = end;
  }
  return blocks;
}

/** The commands of `npm start`'s banner: lines starting with `curl` or `npm`, with their `\` continuation lines. */
export function printedCommands(banner: string): string[] {
  const commands: string[] = [];
  const lines = banner.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*(curl|npm) /.test(lines[i])) continue;
    const command = [lines[i].trim()];
    while (command[command.length - 1].endsWith('\\') && i + 1 < lines.length) command.push(lines[++i].trim());
    commands.push(command.join('\n'));
  }
  return commands;
}
