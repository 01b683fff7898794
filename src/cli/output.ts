/**
 * The one formatter for tabular output (table, json, csv) shared by every command.
 * Commands build plain row objects and a column list; only the CLI prints.
 */
import { UserError } from "../core/errors.ts";

export type TabularFormat = "table" | "json" | "csv";

export interface Column<Row> {
  /** Key in JSON and header in CSV. */
  key: string;
  /** Header in table output (defaults to key). */
  title?: string;
  get: (row: Row) => unknown;
  /** Widest a table cell may be before it is cut with an ellipsis. */
  maxWidth?: number;
}

export function parseFormat<F extends string>(value: string, allowed: readonly F[]): F {
  if ((allowed as readonly string[]).includes(value)) return value as F;
  throw new UserError(`unknown format "${value}" (expected one of: ${allowed.join(", ")})`);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  // A list of words (trace's hops) is its words, as a shell or a spreadsheet filter reads them.
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(" ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** RFC 4180 quoting; also neutralises spreadsheet formula injection from log text. */
export function csvCell(value: unknown): string {
  let s = cellText(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Display width: East Asian wide characters take two columns in a terminal. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w += cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)) ? 2 : 1;
  }
  return w;
}

function fit(s: string, width: number): string {
  const flat = s.replace(/[\r\n\t]+/g, " ");
  if (displayWidth(flat) <= width) return flat + " ".repeat(width - displayWidth(flat));
  let out = "";
  for (const ch of flat) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…${" ".repeat(Math.max(0, width - displayWidth(out) - 1))}`;
}

export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.get(r)).replace(/[\r\n\t]+/g, " ")));
  const widths = columns.map((c, i) =>
    Math.min(c.maxWidth ?? 60, Math.max(displayWidth(c.title ?? c.key), ...cells.map((row) => displayWidth(row[i])))),
  );
  const line = (values: string[]) => values.map((v, i) => fit(v, widths[i])).join("  ").trimEnd();
  return [line(columns.map((c) => c.title ?? c.key)), ...cells.map(line)].join("\n");
}

/** The CSV header line (with its CRLF). */
export function csvHeader<Row>(columns: readonly Column<Row>[]): string {
  return `${columns.map((c) => csvCell(c.key)).join(",")}\r\n`;
}

/** CSV lines of `rows`, each with its CRLF, without the header: a long export writes them page by page. */
export function csvLines<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  let out = "";
  for (const r of rows) out += `${columns.map((c) => csvCell(c.get(r))).join(",")}\r\n`;
  return out;
}

export function formatCsv<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  return csvHeader(columns) + csvLines(rows, columns);
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * `{ "<key>": [items...], ...rest }` written item by item, byte for byte as formatJson would
 * write the whole object, so that a large batch is never held in memory.
 */
export class JsonListWriter {
  private readonly write: (s: string) => void;
  private count = 0;
  constructor(write: (s: string) => void, key: string) {
    this.write = write;
    write(`{\n  ${JSON.stringify(key)}: [`);
  }
  item(value: unknown): void {
    this.write(`${this.count++ ? "," : ""}\n    ${JSON.stringify(value, null, 2).replace(/\n/g, "\n    ")}`);
  }
  /** Closes the list and writes the other fields, then the closing brace and a newline. */
  end(rest: Record<string, unknown>): void {
    let out = this.count ? "\n  ]" : "]";
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) out += `,\n  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, "\n  ")}`;
    }
    this.write(`${out}\n}\n`);
  }
}

/** Rows as JSON objects keyed by column key (so json and csv always carry the same fields). */
export function rowsAsObjects<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.get(r) ?? null])));
}

export function formatRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], format: TabularFormat): string {
  switch (format) {
    case "json":
      return formatJson(rowsAsObjects(rows, columns));
    case "csv":
      return formatCsv(rows, columns).replace(/\r\n$/, "");
    default:
      return formatTable(rows, columns);
  }
}
