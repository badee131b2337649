import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * The value of a variable such as LETHE_DATA_STORES: inline JSON, or the path of a YAML or JSON
 * file. Unset or blank gives undefined; a file that cannot be read throws its fs error; content
 * that cannot be parsed throws what `problem` makes of the parser's first line.
 */
export function readStructured(value: string | undefined, problem: (message: string) => Error): unknown {
  if (value === undefined || value.trim() === '') return undefined;
  const inline = /^[[{]/.test(value.trim());
  const text = inline ? value : readFileSync(value, 'utf8');
  try {
    return inline || value.endsWith('.json') || /^[[{]/.test(text.trim()) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw problem(`cannot be parsed: ${(error as Error).message.split('\n')[0]}`);
  }
}
