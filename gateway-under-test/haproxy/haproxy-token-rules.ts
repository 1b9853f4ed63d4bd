const REALM = 'gatecheck';

/** An RFC 6750 refusal as an HAProxy rule: status, JSON body and a Bearer challenge with the error. */
export function haproxyDeny(status: 401 | 403, error: string, description: string): string {
  const challenge = `Bearer realm="${REALM}", error="${error}", error_description="${description}"`;
  return `http-request deny status ${status} content-type application/json string '{"error":"${error}","error_description":"${description}"}' hdr WWW-Authenticate '${challenge}'`;
}

/**
 * The token's fields as transaction variables, the bare challenge when there is no token, and the alg pin
 * (the manual's own `jwt_verify` example pins `alg` the same way). Everything after these lines checks one variable at a time.
 */
export function haproxyTokenRules(): string[] {
  return [
    '  http-request set-var(txn.bearer) http_auth_bearer',
    `  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')`,
    `  http-request set-var(txn.iss) var(txn.bearer),jwt_payload_query('$.iss')`,
    `  http-request set-var(txn.aud) var(txn.bearer),jwt_payload_query('$.aud')`,
    `  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('$.exp','int')`,
    `  http-request set-var(txn.nbf) var(txn.bearer),jwt_payload_query('$.nbf','int')`,
    // jwt_payload_query with no path returns nothing in 2.6.12; arrays need the raw JSON.
    '  http-request set-var(txn.payload) var(txn.bearer),word(2,.),ub64dec',
    '  http-request set-var(txn.now) date()',
    `  http-request deny status 401 content-type application/json string '{"error":"missing_token"}' hdr WWW-Authenticate 'Bearer realm="${REALM}"' unless { var(txn.bearer) -m found }`,
    // Pinning alg first: jwt_verify itself accepts "none".
    `  ${haproxyDeny(401, 'invalid_token', 'unsupported alg')} unless { var(txn.alg) -m str RS256 }`,
  ];
}
