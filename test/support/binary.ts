import { PDFParse } from 'pdf-parse';
import type { Response } from 'superagent';

/** A supertest `.parse()` that keeps the body as one Buffer (PDF, XLSX, CSV with a BOM). */
export function binaryBody(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The text of a PDF, to check what a packet or a report says. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}
