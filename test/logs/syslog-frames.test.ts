import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FrameReader, MAX_MESSAGE, messageLine } from "../../src/logs/syslog-frames.ts";

/** The messages FrameReader makes of `bytes`, fed in pieces of `step` bytes. */
function frames(bytes: Buffer, step = bytes.length): string[] {
  const out: string[] = [];
  const r = new FrameReader((l) => out.push(l));
  for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
  r.end();
  return out;
}

const counted = (m: string) => `${Buffer.byteLength(m)} ${m}`;

describe("syslog framing (RFC 6587)", () => {
  const a = "<22>Dec  3 10:00:00 mx1 postfix/smtpd[1]: 4AB12C3D4E: client=a.example[192.0.2.1]";
  const b = "<22>1 2026-12-03T10:00:01.5+09:00 mx1 postfix/qmgr 2 - - 4AB12C3D4E: removed";
  const ja = "<22>Dec  3 10:00:02 mx1 postfix/cleanup[3]: 4AB12C3D4E: warning: header Subject: 請求書のご案内 from a.example";

  it("reads newline-ended and octet-counted frames, mixed, however the stream is cut", () => {
    const stream = Buffer.from(`${a}\n${counted(b)}${counted(ja)}${ja}\r\n\n${counted(`${a}\nsecond line`)}`);
    const want = [a, b, ja, ja, `${a}#012second line`];
    for (const step of [1, 2, 3, 7, 64, stream.length]) assert.deepEqual(frames(stream, step), want, `pieces of ${step} bytes`);
  });

  it("counts octets, not characters (a Japanese subject)", () => {
    assert.equal(Buffer.byteLength(ja) > ja.length, true);
    assert.deepEqual(frames(Buffer.from(counted(ja) + counted(a))), [ja, a]);
  });

  it("caps a message at MAX_MESSAGE bytes and reads on after it", () => {
    const long = `<13>Dec  3 10:00:00 mx1 postfix/smtpd[1]: ${"x".repeat(MAX_MESSAGE * 2)}`;
    const got = frames(Buffer.from(`${counted(long)}${a}\n${long}\n${b}\n`), 4096);
    assert.deepEqual(got.map((l) => l.length), [MAX_MESSAGE, a.length, MAX_MESSAGE, b.length]);
    assert.deepEqual([got[1], got[3]], [a, b]);
  });

  it("takes a line that only starts with digits as text, and a frame cut by the connection's end as what arrived", () => {
    assert.deepEqual(frames(Buffer.from("2026-12-03T10:00:00+09:00 mx1 postfix/smtp[5]: x\n")), ["2026-12-03T10:00:00+09:00 mx1 postfix/smtp[5]: x"]);
    assert.deepEqual(frames(Buffer.from("0 x\n")), ["0 x"]);
    assert.deepEqual(frames(Buffer.from(`${counted(a).slice(0, 40)}`)), [a.slice(0, 40 - String(a.length).length - 1)]);
  });

  it("writes a datagram's control characters as rsyslog does, so that it stays one line", () => {
    assert.equal(messageLine(Buffer.from("<13>x\r\ny\0z\n\n")), "<13>x#015#012y#000z");
    assert.equal(messageLine(Buffer.from("\n")), "");
  });
});
