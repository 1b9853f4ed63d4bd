/** Markup that is already safe; only `html` and `trustedHtml` make one, so every other string gets escaped. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

/**
 * Auto-escaping template tag: every interpolated value is escaped for both element text and quoted
 * attributes unless it is itself SafeHtml. Tokens, header values and findings come from attackers'
 * recipes, so escaping is the default and opting out is visible (`trustedHtml`).
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** For the report's own constant CSS and script only. */
export function trustedHtml(value: string): SafeHtml {
  return new SafeHtml(value);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => HTML_ENTITIES[ch]);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
