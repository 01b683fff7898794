/** Delays in words: "2 h 5 min 3 s" / "2時間5分3秒"; negative values keep their sign. */
import { type Lang, t } from "../i18n/index.ts";

export function formatDuration(lang: Lang, seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.round(Math.abs(seconds));
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts: string[] = [];
  if (d) parts.push(t(lang, "headers.unit.d", { n: d }));
  if (h) parts.push(t(lang, "headers.unit.h", { n: h }));
  if (m) parts.push(t(lang, "headers.unit.m", { n: m }));
  if (s || parts.length === 0) parts.push(t(lang, "headers.unit.s", { n: s }));
  return sign + parts.join(lang === "ja" ? "" : " ");
}
