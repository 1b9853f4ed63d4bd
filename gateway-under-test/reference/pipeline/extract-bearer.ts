import type { PipelineContext, PipelineEnv, Step, StepResult } from './types.ts';

/**
 * After `Bearer` and one or more spaces (RFC 6750 §2.1), one run of visible characters. Stricter
 * token grammar (base64url, segments) is the parser's job, so a token with `+` or `=` is an
 * invalid_token (401, catalogue A12) rather than a malformed request.
 */
const CREDENTIAL = /^[\x21-\x7e]+$/;

/**
 * Finds the one bearer token (RFC 6750 §2): the Authorization header (scheme case-insensitive,
 * RFC 9110 §11.1), and the query or form body only when enabled. Two credentials or two methods are
 * a malformed request (RFC 6750 §3.1); none is a bare challenge (RFC 6750 §3).
 */
export const extractBearer: Step = {
  name: 'extract-bearer',
  cacheable: false,
  run(ctx: PipelineContext, env: PipelineEnv): StepResult {
    const { authorization, query, formBody, method } = ctx.request;
    const locations = env.config.token.locations;
    let found = 0;
    let disabled = false;

    if (authorization.length > 1) return 'multiple_tokens';
    let headerFault: StepResult;
    if (authorization.length === 1) {
      found++;
      const value = authorization[0];
      const sep = value.search(/[ \t]/);
      const scheme = sep === -1 ? value : value.slice(0, sep);
      // A custom token header (APIM header-name) or APIM without require-scheme carries the bare token.
      const bare = locations.headerName.toLowerCase() !== 'authorization' || (locations.scheme === 'bearer-optional' && sep === -1);
      if (bare) {
        if (!CREDENTIAL.test(value)) headerFault = 'malformed_authorization';
        else if (!locations.header) disabled = true;
        else {
          ctx.token = value;
          ctx.location = 'header';
        }
      } else if (scheme.toLowerCase() !== 'bearer') headerFault = 'unsupported_scheme';
      else if (sep === -1 || value.charCodeAt(sep) === 9) headerFault = 'malformed_authorization';
      else {
        let i = sep;
        while (value.charCodeAt(i) === 32) i++;
        const token = value.slice(i);
        if (!CREDENTIAL.test(token)) headerFault = 'malformed_authorization';
        else if (!locations.header) disabled = true;
        else {
          ctx.token = token;
          ctx.location = 'header';
        }
      }
    }

    // Looked at even when disabled: a token there alongside a header is still two methods (A06).
    const param = locations.queryParameter;
    if (query.length > 0 && query.includes(param)) {
      const values = new URLSearchParams(query).getAll(param);
      if (values.length > 1) return 'multiple_tokens';
      if (values.length === 1) {
        found++;
        if (!locations.query) disabled = true;
        else {
          ctx.token = values[0];
          ctx.location = 'query';
        }
      }
    }

    // RFC 6750 §2.2: never from a GET body; the server reads bodies only when enabled.
    if (formBody !== null && method !== 'GET' && method !== 'HEAD' && locations.body) {
      const values = new URLSearchParams(formBody).getAll('access_token');
      if (values.length > 1) return 'multiple_tokens';
      if (values.length === 1) {
        found++;
        ctx.token = values[0];
        ctx.location = 'body';
      }
    }

    if (found > 1) return 'multiple_methods';
    if (headerFault) return headerFault;
    if (disabled) return 'token_location_disabled';
    if (found === 0) return 'missing_token';
    return undefined;
  },
};
