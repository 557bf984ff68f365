import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { MailIntake } from '../../src/mail/inbound/mail-intake.service';
import { startMailSink, type MailSink } from '../../src/mail/mail-sink';
import type { TestSystem } from './test-system';

export const DESK_ADDRESS = 'desk@opsdesk.local';

/**
 * The embedded mail sink with the desk mailbox wired to the test system's intake, as
 * src/mail/mail-sink-main.ts wires it to the database: a real SMTP listener on loopback.
 */
export async function startDeskSink(system: TestSystem, options: { maxMessageBytes?: number } = {}): Promise<{ sink: MailSink; intake: MailIntake; send: (raw: string | Buffer, from?: string) => Promise<void>; stop: () => Promise<void> }> {
  const intake = system.app.get(MailIntake);
  const storeDir = mkdtempSync(join(tmpdir(), 'opsdesk-desk-sink-'));
  const sink = await startMailSink({
    smtpPort: 0, httpPort: 0, storeDir, maxMessageBytes: options.maxMessageBytes,
    desk: { addresses: [DESK_ADDRESS], deliver: (raw, envelope) => intake.record(raw, { transport: 'smtp', envelopeFrom: envelope.from, envelopeTo: envelope.to }) },
  });
  const url = new URL(sink.smtpUrl);
  const transport = createTransport({ host: url.hostname, port: Number(url.port), secure: false, ignoreTLS: true, logger: false });
  return {
    sink,
    intake,
    send: async (raw, from = 'sender@example.jp') => {
      await transport.sendMail({ envelope: { from, to: [DESK_ADDRESS] }, raw: typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw });
    },
    stop: async () => {
      transport.close();
      await sink.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** RFC 2047 encoded word in the given charset (B encoding). */
export function encodedWord(text: string, charset: 'ISO-2022-JP' | 'Shift_JIS' | 'UTF-8'): string {
  return `=?${charset}?B?${bytes(text, charset).toString('base64')}?=`;
}

/** Bytes of `text` in `charset`, as a binary string for a raw message. */
export function inCharset(text: string, charset: 'ISO-2022-JP' | 'Shift_JIS'): string {
  return bytes(text, charset).toString('binary');
}

function bytes(text: string, charset: 'ISO-2022-JP' | 'Shift_JIS' | 'UTF-8'): Buffer {
  // iconv-lite has no ISO-2022-JP (a stateful encoding): encoding-japanese writes it (JIS).
  if (charset === 'ISO-2022-JP') return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
  return iconv.encode(text, charset);
}

/** Quoted-printable of raw bytes (enough for tests: every non-ASCII byte escaped, soft breaks at 70). */
export function quotedPrintable(binary: string): string {
  let line = '';
  const out: string[] = [];
  for (const ch of binary) {
    const code = ch.charCodeAt(0);
    const piece = code > 126 || code === 61 || (code < 32 && ch !== '\n') ? `=${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
    if (ch === '\n') {
      out.push(line);
      line = '';
      continue;
    }
    if (line.length + piece.length > 72) {
      out.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  out.push(line);
  return out.join('\r\n');
}

let seq = 0;
export function messageId(tag = 'm'): string {
  return `<${tag}.${Date.now()}.${++seq}@sender.example.jp>`;
}
