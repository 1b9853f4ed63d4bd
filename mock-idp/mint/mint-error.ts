import { GatecheckError } from '../../errors/index.ts';

/** Stable codes: `ERR_MINT_INVALID_RECIPE` (schema), `ERR_MINT_UNKNOWN_REFERENCE` (api/client/user/tenant/variant not found), `ERR_MINT_NO_KEY`, `ERR_MINT_TAMPER`. */
export type MintErrorCode = 'ERR_MINT_INVALID_RECIPE' | 'ERR_MINT_UNKNOWN_REFERENCE' | 'ERR_MINT_NO_KEY' | 'ERR_MINT_TAMPER';

/** A recipe the forge cannot follow; `field` names the offending recipe field (`claims.exp`, `key`, …) for 400 answers. */
export class MintError extends GatecheckError {
  declare readonly code: MintErrorCode;
  readonly field: string;

  constructor(code: MintErrorCode, field: string, message: string) {
    super(code, field ? `${field}: ${message}` : message);
    this.field = field;
  }
}
