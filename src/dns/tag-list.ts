/** "tag=value; tag=value" lists (RFC 6376 3.2), shared by DMARC, DKIM, MTA-STS and TLS-RPT records. */

export interface TagList {
  tags: Map<string, string>;
  /** Order of the tags as written (DMARC and TLS-RPT need "v" first). */
  order: string[];
  errors: string[];
}

export function parseTagList(raw: string): TagList {
  const out: TagList = { tags: new Map(), order: [], errors: [] };
  for (const part of raw.split(";")) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf("=");
    if (eq <= 0) {
      out.errors.push(`"${p}" is not tag=value`);
      continue;
    }
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p.slice(eq + 1).trim();
    if (out.tags.has(name)) out.errors.push(`tag "${name}" appears twice`);
    else {
      out.tags.set(name, value);
      out.order.push(name);
    }
  }
  return out;
}
