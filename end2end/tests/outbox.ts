// The messages the server under test has sent: it writes them as files under its data
// directory (`outbox/mail/*.eml`, `outbox/sms/*.txt`), as it does for anyone running it
// without an SMTP server.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const outbox = join(process.env.E2E_DATA_DIR ?? '.data/e2e', 'outbox');

function read(path: string): string {
  const raw = readFileSync(path, 'utf8');
  const split = raw.indexOf('\r\n\r\n');
  if (!path.endsWith('.eml') || split < 0) return raw;
  const body = Buffer.from(raw.slice(split + 4).replace(/\s+/g, ''), 'base64').toString('utf8');
  return `${raw.slice(0, split)}\n\n${body}`;
}

function messagesTo(recipient: string): string[] {
  const found: [number, string][] = [];
  for (const folder of ['mail', 'sms']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(outbox, folder));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      const text = read(join(outbox, folder, name));
      if (text.split(/\r?\n/).includes(`To: ${recipient}`)) {
        found.push([Number(name.split('-').pop()?.split('.')[0]), text]);
      }
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}

/** The path of the newest link under `prefix` sent to `recipient`, once it arrives. */
export async function linkSentTo(recipient: string, prefix: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const newest = messagesTo(recipient).pop();
    const at = newest?.indexOf(prefix) ?? -1;
    if (newest && at >= 0) return newest.slice(at).split(/\s/)[0];
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no ${prefix} link was sent to ${recipient}`);
}
