import type { Readable } from 'node:stream';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ReportStatus } from './recipient-status';
import { csvCopySql } from './report.store';

export interface ExportLimits {
  /** Exports one gateway process streams at a time; each holds a database connection of its own. */
  concurrentMax: number;
  /** The longest an export may take, however slowly its client reads (Postgres' statement_timeout). */
  durationMsMax: number;
}

export interface OpenExport {
  /** CSV bytes as Postgres writes them: a header line, then one line per recipient. */
  stream: Readable;
  close(): Promise<void>;
}

/**
 * Streams a campaign's report as CSV straight from Postgres (COPY … TO STDOUT): the rows never
 * exist in the gateway as objects, and pg-copy-streams reads the socket only as fast as the HTTP
 * client takes the bytes, so a slow client holds the query back instead of filling memory. Each
 * export has a connection of its own rather than one of the pool's, whose query timeout would cut
 * a slow download short and whose few connections the API's other requests need.
 */
export class RecipientsExporter {
  private inFlight = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
    private readonly limits: ExportLimits,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`unsafe schema name ${schema}`);
  }

  /** An export under way, or null when concurrentMax are already running. */
  async open(campaignId: string, status: ReportStatus | null): Promise<OpenExport | null> {
    if (this.inFlight >= this.limits.concurrentMax) return null;
    this.inFlight++;
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 5000,
      options: `-c search_path=${this.schema} -c statement_timeout=${this.limits.durationMsMax}`,
    });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      this.inFlight--;
      // Ending the connection also ends a COPY the client abandoned half way.
      await client.end().catch(() => undefined);
    };
    try {
      // A connection that fails later (the server going away) must not become an uncaught error.
      client.on('error', () => undefined);
      await client.connect();
      return { stream: client.query(copyTo(csvCopySql(campaignId, status))), close };
    } catch (err) {
      await close();
      throw err;
    }
  }
}
