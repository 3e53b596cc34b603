import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  return (await pdfPages(pdf)).text;
}

/** The text of a PDF as a whole and page by page (`pages[0]` is page 1), and its page count. */
export async function pdfPages(pdf: Buffer): Promise<{ text: string; pages: string[]; total: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.pages.map((p) => p.text), total: result.total };
  } finally {
    await parser.destroy();
  }
}

/** Where rendered documents are kept, to be looked at as a person would (CI keeps test-artifacts/). */
export const DOCUMENTS = join(process.cwd(), 'test-artifacts', 'documents');

/**
 * Renders pages of a PDF to PNG (pdf.js, the renderer Firefox uses, drawing on a canvas) as
 * `test-artifacts/documents/<name>-p<N>.png`; answers the files written.
 */
export async function pdfToPng(pdf: Buffer, name: string, pages: number[]): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const shots = await parser.getScreenshot({ partial: pages, desiredWidth: 1000, imageDataUrl: false });
    await mkdir(DOCUMENTS, { recursive: true });
    const files: string[] = [];
    for (const shot of shots.pages) {
      const file = join(DOCUMENTS, `${name}-p${shot.pageNumber}.png`);
      await writeFile(file, shot.data);
      files.push(file);
    }
    return files;
  } finally {
    await parser.destroy();
  }
}
