import { readStructured } from './structured-file.js';

/**
 * An authorized agent that may file requests over the Data Rights Protocol: its id and Ed25519
 * verify key as the DRP service directory publishes them (agents.json: `id`, `verify_key`).
 */
export interface DrpAgentConfig {
  id: string;
  /** The raw 32-byte Ed25519 public key. */
  verifyKey: Buffer;
  name: string;
  /**
   * The agent's `email_verified: true` counts as verification. Off unless set: listing an agent lets
   * it pair and file; trusting its identity checks (its `identity_assurance_url`) is a second decision.
   */
  trustVerifiedEmail: boolean;
}

export class DrpAgentsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`LETHE_DRP_AGENTS is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DrpAgentsConfigError';
  }
}

/** Directory ids are `[A-Z_]+`; the reference agent's own are `CR_AA_DRP_ID_001`: letters, digits and a few separators. */
export const DRP_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * LETHE_DRP_AGENTS: a YAML or JSON file path, or inline JSON; a list of `{ id, verifyKey, name? }`
 * or `{ agents: [...] }`. The directory's own spelling (`verify_key`) is taken too, so an entry of
 * agents.json can be pasted as it is.
 */
export function loadDrpAgents(value: string | undefined): DrpAgentConfig[] {
  const raw = readStructured(value, (message) => new DrpAgentsConfigError([message]));
  return raw === undefined ? [] : parseDrpAgents(raw);
}

export function parseDrpAgents(raw: unknown): DrpAgentConfig[] {
  const list = Array.isArray(raw) ? raw : (raw as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(list)) throw new DrpAgentsConfigError(['must be a list of agents, or { agents: [...] }']);
  const problems: string[] = [];
  const seen = new Set<string>();
  const agents = list.map((item, i): DrpAgentConfig => {
    const entry = (item ?? {}) as { id?: unknown; verifyKey?: unknown; verify_key?: unknown; name?: unknown; trustVerifiedEmail?: unknown };
    const where = `agents[${i}]${typeof entry.id === 'string' ? ` (${entry.id})` : ''}`;
    const id = typeof entry.id === 'string' ? entry.id : '';
    if (!DRP_ID.test(id)) problems.push(`${where}.id must be the agent's id in the DRP directory (1-100 letters, digits, _ . : -)`);
    else if (seen.has(id)) problems.push(`${where}.id is listed twice`);
    else seen.add(id);
    const keyText = entry.verifyKey ?? entry.verify_key;
    const verifyKey = typeof keyText === 'string' ? decodeVerifyKey(keyText) : null;
    if (!verifyKey) problems.push(`${where}.verifyKey must be the agent's Ed25519 verify key: 32 bytes in base64 (as the DRP directory publishes it) or hex`);
    if (entry.name !== undefined && (typeof entry.name !== 'string' || entry.name.length > 200)) problems.push(`${where}.name must be text (at most 200 characters)`);
    if (entry.trustVerifiedEmail !== undefined && typeof entry.trustVerifiedEmail !== 'boolean') problems.push(`${where}.trustVerifiedEmail must be true or false`);
    return { id, verifyKey: verifyKey ?? Buffer.alloc(0), name: typeof entry.name === 'string' ? entry.name : id, trustVerifiedEmail: entry.trustVerifiedEmail === true };
  });
  if (problems.length > 0) throw new DrpAgentsConfigError(problems);
  return agents;
}

/**
 * A verify key as published: base64 since DRP 0.9.1 (the directory), hex before it (PyNaCl's
 * HexEncoder, which the implementation guide still shows). 64 hex digits never decode to 32 bytes
 * of base64, so the two cannot be confused.
 */
export function decodeVerifyKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(value)) return null;
  const key = Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}
