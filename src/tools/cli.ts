/** A mistake in how a tool was called (exit 64, EX_USAGE). */
export class Usage extends Error {}

/** The value after `--name`, if the option is there. */
export function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Usage(`--${name} needs a value`);
  return value;
}
