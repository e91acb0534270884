const ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Text made safe for XML 1.0 content and attributes: markup escaped, and the
 * control characters XML 1.0 forbids (server error text may carry them)
 * replaced with U+FFFD, so the document always parses.
 */
export function escapeXml(text: string): string {
  return (
    text
      .replace(/[<>&"']/g, (c) => ENTITIES[c]!)
      // eslint-disable-next-line no-control-regex -- matching them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
  );
}
