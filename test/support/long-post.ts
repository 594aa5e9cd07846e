/**
 * A long post of ordinary Markdown, about `bytes` long: sections with headings, paragraphs with
 * emphasis, quotes and links, nested lists, block quotes, code and tables. For the test that a 5 MB
 * post builds and for bench/long-post.ts.
 */
export function longPost(bytes: number, link = 'second.md'): string {
  const section = (i: number) =>
    [
      `## Part ${i}: "keeping" the server -- running`,
      `The *board* runs on **sunlight**... and a [battery](${link}) the club's members built; see \`uptime\` and <https://example.org/${i}>.`,
      `Another paragraph with a footnote-free aside, an 'apostrophe', numbers like ${i * 7} and words that wrap over\nseveral lines, as prose in a file does.`,
      '- first point\n  - a nested point\n    - deeper still\n- second point\n\n1. one\n2. two',
      '> A quotation from the zine,\n> over two lines.',
      '```lua\nmodules_enabled = { "roster", "saslauth" }\n```',
      '| watt | hours |\n|---|---|\n| 50 | 6 |',
    ].join('\n\n');
  const parts: string[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const part = section(i);
    parts.push(part);
    size += part.length + 2;
  }
  return parts.join('\n\n') + '\n';
}
