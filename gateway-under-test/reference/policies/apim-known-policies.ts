/**
 * Every policy name in Microsoft's APIM policy reference (learn.microsoft.com/azure/api-management/
 * api-management-policies, checked 2026). A name outside this list is a typo or another product's
 * policy: an error. A name inside it that gatecheck doesn't emulate is a warning.
 */
export const APIM_KNOWN_POLICIES: ReadonlySet<string> = new Set([
  'authentication-basic', 'authentication-certificate', 'authentication-managed-identity', 'azure-openai-emit-token-metric',
  'azure-openai-semantic-cache-lookup', 'azure-openai-semantic-cache-store', 'azure-openai-token-limit', 'base', 'cache-lookup',
  'cache-lookup-value', 'cache-remove-value', 'cache-store', 'cache-store-value', 'check-header', 'choose', 'cors', 'cross-domain',
  'emit-metric', 'find-and-replace', 'forward-request', 'get-authorization-context', 'http-data-source', 'include-fragment',
  'invoke-dapr-binding', 'ip-filter', 'json-to-xml', 'jsonp', 'limit-concurrency', 'llm-content-safety', 'llm-emit-token-metric',
  'llm-semantic-cache-lookup', 'llm-semantic-cache-store', 'llm-token-limit', 'log-to-eventhub', 'mock-response', 'proxy',
  'publish-event', 'publish-to-dapr', 'quota', 'quota-by-key', 'rate-limit', 'rate-limit-by-key', 'redirect-content-urls', 'retry',
  'return-response', 'rewrite-uri', 'send-one-way-request', 'send-request', 'send-service-bus-message', 'set-backend-service',
  'set-body', 'set-graphql-resolver', 'set-header', 'set-method', 'set-query-parameter', 'set-status', 'set-variable', 'sql-data-source',
  'trace', 'validate-azure-ad-token', 'validate-client-certificate', 'validate-content', 'validate-graphql-request', 'validate-headers',
  'validate-jwt', 'validate-odata-request', 'validate-parameters', 'validate-status-code', 'wait', 'xml-to-json', 'xsl-transform',
]);

export const APIM_SECTIONS = ['inbound', 'backend', 'outbound', 'on-error'] as const;
