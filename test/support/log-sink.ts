import { Writable } from 'node:stream';

/** A log destination for an in-process service (`startTestApp(…, { logDestination })`) that keeps everything written to it. */
export function logSink() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => raw.join('') };
}
