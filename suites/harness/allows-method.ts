import type { TargetProfile } from '../../gateway-under-test/index.ts';

type ProfileRoute = TargetProfile['routes'][number];

/** Whether a profile route covers `method`; `*` stands for every method (policies apply to whole APIs). */
export function allowsMethod(route: Pick<ProfileRoute, 'methods'>, method: string): boolean {
  return route.methods.includes('*') || route.methods.includes(method.toUpperCase());
}
