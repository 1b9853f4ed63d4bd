/**
 * Whether an audience is in application-id form (a GUID, what Entra v2 access tokens carry) rather than
 * an App ID URI (`api://…`, which only v1 tokens carry).
 */
export function isApplicationId(audience: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(audience);
}
