import type { RecipientFields } from './campaign';

/**
 * Seed 001's personalisation: `{{name}}`, `{{custom1}}` and `{{custom2}}` in a body are replaced by
 * each recipient's own values. Spaces inside the braces and any letter case are accepted
 * (`{{ Name }}`), since people type templates by hand; any other `{{…}}` is left as written.
 */
const PLACEHOLDER = /\{\{\s*(name|custom1|custom2)\s*\}\}/gi;

/** The fields a placeholder can name, in the order a contact file's columns list them. */
export const TEMPLATE_FIELDS = ['name', 'custom1', 'custom2'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** True when the body names at least one recipient field, i.e. recipients may get different texts. */
export function hasPlaceholders(body: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(body);
}

/**
 * The text one recipient gets. One pass over the body: a value is inserted as it is and never read
 * again as a template, so a name that itself contains "{{custom1}}" arrives verbatim. A missing
 * field (or a recipient without fields) fills in as the empty string.
 */
export function fillTemplate(body: string, fields: RecipientFields | null | undefined): string {
  return body.replace(PLACEHOLDER, (_match, key: string) => fields?.[key.toLowerCase() as TemplateField] ?? '');
}
