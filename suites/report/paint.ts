import { styleText } from 'node:util';

export type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

/**
 * A styler that either colours or is the identity. The decision is made once, by the caller
 * (shouldColor): styleText's own stream check would look at process.stdout even when we write elsewhere.
 */
export function paint(enabled: boolean): Paint {
  return enabled ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}
