/**
 * Splits streamed text into lines without ever holding more than `maxChars` of one line: a 64 MB
 * upload with no newline costs `maxChars` of memory, not 64 MB. A line longer than that is reported
 * as `null` (its text is dropped as it streams by), so the caller can refuse the upload and still
 * drain the request.
 */
export class LineSplitter {
  private partial = '';
  private overflowing = false;

  constructor(private readonly maxChars: number) {
    if (!Number.isSafeInteger(maxChars) || maxChars < 1) throw new Error(`maxChars must be a positive integer, got ${maxChars}`);
  }

  /** The complete lines in this chunk (without their CR LF / LF); null for a line that was too long. */
  push(chunk: string): (string | null)[] {
    const lines: (string | null)[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      const piece = chunk.slice(start, nl === -1 ? chunk.length : nl);
      if (!this.overflowing) {
        // The limit counts the line's own characters; a trailing CR is part of its newline.
        if (this.partial.length + piece.length > this.maxChars + 1) {
          this.overflowing = true;
          this.partial = '';
        } else this.partial += piece;
      }
      if (nl === -1) break;
      lines.push(this.finishLine());
      start = nl + 1;
    }
    if (!this.overflowing && this.partial.length > this.maxChars + 1) {
      this.overflowing = true;
      this.partial = '';
    }
    return lines;
  }

  /** The last line, when the text does not end with a newline. */
  end(): (string | null)[] {
    if (this.partial === '' && !this.overflowing) return [];
    return [this.finishLine()];
  }

  private finishLine(): string | null {
    const line = this.overflowing ? null : this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
    this.partial = '';
    this.overflowing = false;
    if (line !== null && line.length > this.maxChars) return null;
    return line;
  }
}
