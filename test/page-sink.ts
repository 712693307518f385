import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageSink {
  /** The webhook URL to give an endpoint (…/hooks/oncall). */
  url: string;
  /** Bodies received so far, in order. */
  pages: string[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that answers 204 and keeps every body. */
export async function startPageSink(): Promise<PageSink> {
  const pages: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      pages.push(body);
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/oncall`,
    pages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
