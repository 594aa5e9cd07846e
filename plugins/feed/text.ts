/**
 * Text hygiene for XML feeds: characters XML 1.0 cannot carry, and HTML escaping for fields
 * that feeds declare as HTML (Atom `type="html"`, RSS `description`).
 */

// C0 controls except tab and newline, DEL, C1 controls, and the two noncharacters XML forbids.
// (Carriage returns are first turned into newlines, as an XML parser would.)
const FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

// Half of a surrogate pair without its other half: not a character, not encodable in UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// What the replacements below can touch: any surrogate, a forbidden character, a carriage return
// (U+000D, among the forbidden ones). Text has none of them nearly always: one scan finds that.
const TOUCHED = /[\uD800-\uDFFF\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

/** The text with every character a feed must not carry removed (emoji and other astral characters stay). */
export function cleanText(value: string): string {
  if (!TOUCHED.test(value)) return value;
  return value.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '').replace(FORBIDDEN, '');
}

/** Plain text as HTML text (for `type="html"` fields): `&`, `<`, `>` and quotes escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
