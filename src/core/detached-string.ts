/**
 * A copy of a string that shares no memory with the text it was cut from.
 *
 * V8 makes a substring of 13 or more characters a view into its parent: an ingest's message
 * ID, cut from one line of a 1 MB read chunk, keeps that whole chunk alive for as long as the
 * entry stays open (a deferred message: days of log). Over a 3M-line log, 148 such chunks
 * filled the 160 MB heap. Whatever outlives its line is copied with this.
 */
export function detached(s: string): string {
  // Shorter substrings are copies already. Prefixing makes a rope; slicing it flattens the rope
  // into a new string of its own, which the slice then views.
  return s.length < 13 ? s : (` ${s}`).slice(1);
}
