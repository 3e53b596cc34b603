// The benchmarks' SMTP sink, run as a child process of the runner (startSmtp in harness.js).
//
// Why not smtp-server, as the tests use: a benchmark's sink must cost far less CPU than what it
// measures, and on this 2-core machine smtp-server (which parses every message through streams) in
// the runner's own process was the bottleneck — the raw nodemailer baseline got 147 mails/s out of it
// and two app instances could not go faster than one. This sink speaks just enough SMTP for nodemailer
// (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH) and scans DATA only for its end
// ("\r\n.\r\n"). It counts accepted messages per recipient; the parent asks over IPC.
//
// Optional: SINK_REJECT_PREFIX makes RCPT TO for addresses starting with it answer 550 (a bounce).
import { createServer } from 'node:net';

const perRecipient = new Map();
let total = 0;
const rejectPrefix = process.env.SINK_REJECT_PREFIX ?? null;
const END = Buffer.from('\r\n.\r\n');

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let inData = false;
  let text = '';
  let tail = Buffer.alloc(0);
  let rcpt = [];
  const reply = (line) => socket.write(`${line}\r\n`);

  const command = (line) => {
    const verb = line.slice(0, 4).toUpperCase();
    switch (verb) {
      case 'EHLO':
        return socket.write('250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      case 'HELO':
        return reply('250 sink');
      case 'MAIL':
        rcpt = [];
        return reply('250 OK');
      case 'RCPT': {
        const address = (/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase();
        if (rejectPrefix && address.startsWith(rejectPrefix)) return reply('550 5.1.1 No such user');
        rcpt.push(address);
        return reply('250 OK');
      }
      case 'DATA':
        inData = true;
        tail = Buffer.from('\r\n'); // so that an empty message (".\r\n" at once) ends too
        return reply('354 Go ahead');
      case 'RSET':
        rcpt = [];
        return reply('250 OK');
      case 'NOOP':
        return reply('250 OK');
      case 'QUIT':
        reply('221 Bye');
        return socket.end();
      default:
        return reply('502 Not implemented');
    }
  };

  socket.on('data', (chunk) => {
    let buf = chunk;
    while (buf.length) {
      if (inData) {
        // The end of DATA, possibly split across chunks: look at the seam (the previous chunk's last
        // bytes and this one's first), then in this chunk; no copy of the chunk itself.
        let rest = -1;
        if (tail.length) {
          const seam = Buffer.concat([tail, buf.subarray(0, END.length - 1)]);
          const at = seam.indexOf(END);
          if (at !== -1) rest = at + END.length - tail.length;
        }
        if (rest === -1) {
          const at = buf.indexOf(END);
          if (at !== -1) rest = at + END.length;
        }
        if (rest === -1) {
          const last = buf.length >= END.length - 1 ? buf : Buffer.concat([tail, buf]);
          tail = Buffer.from(last.subarray(Math.max(0, last.length - (END.length - 1))));
          return;
        }
        inData = false;
        total++;
        for (const to of rcpt) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
        rcpt = [];
        reply('250 OK queued');
        buf = buf.subarray(rest);
        tail = Buffer.alloc(0);
        continue;
      }
      text += buf.toString('latin1');
      buf = Buffer.alloc(0);
      let nl;
      while (!inData && (nl = text.indexOf('\r\n')) !== -1) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 2);
        command(line);
      }
      if (inData && text.length) {
        // Message bytes that came in the same chunk as DATA: hand them to the DATA scanner.
        buf = Buffer.from(text, 'latin1');
        text = '';
      }
    }
  });
  socket.on('error', () => undefined);
  socket.write('220 sink ESMTP\r\n');
});

process.on('message', (m) => {
  if (m === 'stats') process.send({ total, perRecipient: [...perRecipient] });
  else if (m === 'count') process.send({ total });
  else if (m === 'reset') {
    total = 0;
    perRecipient.clear();
    process.send({ reset: true });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
