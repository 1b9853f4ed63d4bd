/** What every part shares: the one error base class. */
export { GatecheckError } from './gatecheck-error.ts';
