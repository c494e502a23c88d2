import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One e-mail as the test SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The whole message (headers and body) as received. */
  raw: string;
  /** The body (after the header block). */
  body: string;
}

/** A free TCP port on 127.0.0.1 (nothing listens on it once returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A real SMTP server (the `smtp-server` package) in this process, keeping what arrives. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;

  constructor(readonly port: number) {}

  /** Starts an SMTP server on `port` (a free one when not given). */
  static async start(port?: number): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(port ?? (await freePort()));
    await smtp.listen();
    return smtp;
  }

  /** The `SMTP_URL` of this server. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const split = raw.indexOf('\r\n\r\n');
          const headers = split >= 0 ? raw.slice(0, split) : raw;
          const subject = /^Subject: (.*(?:\r\n[ \t].*)*)$/im.exec(headers)?.[1] ?? '';
          const from = session.envelope.mailFrom;
          this.received.push({
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: subject.replace(/\r\n[ \t]/g, ' '),
            raw,
            body: split >= 0 ? raw.slice(split + 4) : '',
          });
          callback();
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** The e-mails received for `address`. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  /** Waits until `count` e-mails for `address` arrived; returns them. */
  async waitFor(address: string, count = 1, timeoutMs = 20_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = this.to(address);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} e-mail(s), got ${mails.length} in time`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
