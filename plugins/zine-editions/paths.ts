/** Where an issue's editions are published, beside its cover page: /zine/<issue>/<issue>.epub, … */
export function editionPaths(issueUrl: string): { epub: string; pdf: string; booklet: string } {
  const dir = issueUrl.slice(1); // 'zine/ilu-9/'
  const slug = dir.split('/').filter(Boolean).pop()!;
  return { epub: `${dir}${slug}.epub`, pdf: `${dir}${slug}-a5.pdf`, booklet: `${dir}${slug}-booklet.pdf` };
}
