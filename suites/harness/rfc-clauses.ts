import type { Expectation } from './define-case.ts';

/*
 * The RFC 8725 / RFC 9068 requirements a target's contract may relax, as Expectation.weaker values
 * (README: "Verdicts"). Each clause names the RFC, the section and the requirement; the wording
 * it stands for is quoted beside it. Requirements addressed to clients or authorization servers are not
 * here: a client-side MUST is not a gateway MUST.
 */

type Weaker = NonNullable<Expectation['weaker']>;

/**
 * RFC 9068 §2.2: "exp REQUIRED - as defined in Section 4.1.4 of [RFC7519]"; §4: "The current time MUST
 * be before the time represented by the "exp" claim." A token without exp is not a JWT access token.
 */
export const EXP_REQUIRED: Weaker = {
  clause: 'RFC 9068 §2.2: exp is REQUIRED in a JWT access token',
  reference: { doc: 'RFC 9068', section: '2.2', url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.2' },
};

/**
 * RFC 9068 §4: "The current time MUST be before the time represented by the "exp" claim. Implementers
 * MAY provide for some small leeway, usually no more than a few minutes, to account for clock skew."
 */
export const EXP_LEEWAY: Weaker = {
  clause: 'RFC 9068 §4: the current time MUST be before exp, with a leeway of no more than a few minutes',
  reference: { doc: 'RFC 9068', section: '4', url: 'https://www.rfc-editor.org/rfc/rfc9068#section-4' },
};

/** "A few minutes" of RFC 9068 §4, read as five: a profile allowing more clock skew relaxes EXP_LEEWAY. */
export const MAX_RFC_LEEWAY_SECONDS = 300;

/**
 * RFC 9068 §4: "The resource server MUST validate that the "aud" claim contains a resource indicator
 * value corresponding to an identifier the resource server expects for itself." RFC 8725 §3.9: "the
 * relying party or application MUST validate the audience value, and if the audience value is not present
 * or not associated with the recipient, it MUST reject the JWT."
 */
export const AUD_VALIDATED: Weaker = {
  clause: 'RFC 9068 §4: the resource server MUST validate that aud names itself',
  reference: { doc: 'RFC 9068', section: '4', url: 'https://www.rfc-editor.org/rfc/rfc9068#section-4' },
};
