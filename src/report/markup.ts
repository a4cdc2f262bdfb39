/**
 * HTML from template literals, escaped by default: every interpolated string is text unless it
 * is Markup (made by `html` or `trusted`), so a target's name or message can never become markup.
 */

/** A piece of HTML, inserted as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What `html` interpolates: text (escaped), markup, nothing (null, undefined, false), or a list of these. */
export type Content = string | number | Markup | null | undefined | false | readonly Content[];

/** Markup from a template: interpolated text is escaped, Markup inserted as it is. */
export function html(strings: TemplateStringsArray, ...values: Content[]): Markup {
  let text = strings[0]!;
  values.forEach((value, i) => (text += insert(value) + strings[i + 1]!));
  return new Markup(text);
}

/** Markup made elsewhere and trusted as it is: an SVG from the plotting library. */
export function trusted(text: string): Markup {
  return new Markup(text);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function insert(value: Content): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(insert).join('');
  return escapeHtml(String(value));
}
