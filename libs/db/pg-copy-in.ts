// `COPY … FROM STDIN` on a node-postgres client, without a stream library: an object with a
// `submit` method is run by pg's query queue like a query (the same "submittable" contract
// pg-cursor and pg-query-stream use), and pg hands it the CopyInResponse, at which point the
// data goes out as CopyData messages.

/** The parts of pg's Connection a COPY needs. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/** The parts of pg's Client the COPY is submitted to. */
export interface CopyTarget {
  query(submittable: PgCopyIn): unknown;
}

/**
 * One COPY FROM STDIN. `chunks` is read only when the server is ready for data; if it throws,
 * the COPY is failed on the server (CopyFail), so nothing of it is stored.
 */
export class PgCopyIn {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (err: Error) => void;
  private error: Error | null = null;
  private rows = 0;

  constructor(
    readonly text: string,
    private readonly chunks: () => Iterable<Buffer>,
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /**
   * Called once with the outcome. An own property, not a method, on purpose: OpenTelemetry's pg
   * instrumentation replaces a query object's own `callback` with one that ends the query's span
   * (it cannot see a submittable finish otherwise, and the span would never end).
   */
  callback: (err: Error | null, result?: { rowCount: number }) => void = (err, result) => {
    if (err) this.reject(err);
    else this.resolve(result?.rowCount ?? 0);
  };

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    try {
      for (const chunk of this.chunks()) connection.sendCopyFromChunk(chunk);
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
      connection.sendCopyFail(this.error.message);
      return;
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rows = Number(/\d+$/.exec(message.text ?? '')?.[0] ?? 0);
  }

  /** pg's last call for a failed query (it detaches the query before ReadyForQuery arrives). */
  handleError(err: Error): void {
    // Our own CopyFail comes back as a server error: report the cause instead.
    this.callback(this.error ?? err);
  }

  handleReadyForQuery(): void {
    this.callback(null, { rowCount: this.rows });
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `copy` on a pg client and resolves with the number of rows the server copied. */
export function runCopyIn(client: CopyTarget, copy: PgCopyIn): Promise<number> {
  client.query(copy);
  return copy.done;
}
