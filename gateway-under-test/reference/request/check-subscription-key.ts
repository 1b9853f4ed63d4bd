import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * APIM subscription keys on routes of a product: from the header, else from the query (taken out of
 * what goes upstream). Before the token, as APIM checks them, and on anonymous routes too.
 */
export const checkSubscriptionKey: RequestStep = {
  name: 'check-subscription-key',
  run(state: RequestState, env: RequestEnv): StepResult {
    const { subscriptions } = env;
    const product = state.route!.config.product;
    if (!product || !subscriptions) return 'continue';
    if (state.subscriptionKey === undefined && state.query.includes(subscriptions.query)) {
      const params = new URLSearchParams(state.query);
      state.subscriptionKey = params.get(subscriptions.query) ?? undefined;
      params.delete(subscriptions.query);
      state.query = params.toString();
    }
    if (state.subscriptionKey === undefined || state.subscriptionKey === '') return 'subscription_key_missing';
    if (!subscriptions.valid(product, state.subscriptionKey)) return 'subscription_key_invalid';
    return 'continue';
  },
};
