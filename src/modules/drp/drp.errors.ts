import type { DrpRefusal } from './drp.rules.js';

/** A refusal in DRP's own error shape (§3.06), answered by DrpErrorFilter. */
export class DrpError extends Error {
  constructor(readonly refusal: DrpRefusal) {
    super(refusal.message);
    this.name = 'DrpError';
  }
}
