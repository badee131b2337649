/** A fenced shell block of the README: where it starts, its text, and the reason it is not run (when marked). */
export interface ShellBlock {
  line: number;
  code: string;
  notRun?: string;
}

const SHELL_FENCE = /^```(sh|bash|shell|console|zsh)\s*$/;
const NOT_RUN = /^<!--\s*not-run:\s*(.*?)\s*-->$/;

/** The not-run reason of the blocks test/e2e/drp-cli.spec.ts runs instead. */
export const RUN_BY_DRP_SPEC = /drp-cli\.spec\.ts/;

/** The not-run reason of the blocks test/e2e/backup.spec.ts runs instead (they need a running service, or a Postgres server). */
export const RUN_BY_BACKUP_SPEC = /backup\.spec\.ts/;

/** Every ```sh (or bash, shell, console) block, with `<!-- not-run: reason -->` on the line just above it. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!SHELL_FENCE.test(lines[i])) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]); i += 1) body.push(lines[i]);
    const marker = start > 0 ? NOT_RUN.exec(lines[start - 1].trim()) : null;
    blocks.push({ line: start + 1, code: body.join('\n'), ...(marker ? { notRun: marker[1] } : {}) });
  }
  return blocks;
}

