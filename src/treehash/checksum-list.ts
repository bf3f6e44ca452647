// `HASH  NAME` lines in sha256sum's format, so that lists made by gl-treehash read like the ones
// users already keep. A name holding a newline or a backslash is escaped as sha256sum does: the
// line starts with `\` and the name has `\\` and `\n` in it.

export function formatChecksumLine(hash: string, name: string): string {
  return escapedLine(`${hash}  `, name, '\n');
}

/** `NAME: OK` / `NAME: FAILED` for --check, escaped the same way. */
export function formatCheckResult(name: string, verdict: string): string {
  return escapedLine('', name, `: ${verdict}\n`);
}

function escapedLine(before: string, name: string, after: string): string {
  if (!/[\\\n\r]/.test(name)) return `${before}${name}${after}`;
  return `\\${before}${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}${after}`;
}

/** The hash and name of one list line (sha256sum's binary marker `*` is accepted), or undefined when the line is not one. */
export function parseChecksumLine(line: string): { hash: string; name: string } | undefined {
  const escaped = line.startsWith('\\');
  const match = /^([0-9a-fA-F]{64}) [ *](.+)$/s.exec(escaped ? line.slice(1) : line);
  if (!match) return undefined;
  let name = match[2];
  if (escaped) {
    let bad = false;
    name = name.replace(/\\(.)?/gs, (_, next: string | undefined) => {
      if (next === '\\') return '\\';
      if (next === 'n') return '\n';
      if (next === 'r') return '\r';
      bad = true;
      return '';
    });
    if (bad) return undefined;
  }
  return { hash: match[1].toLowerCase(), name };
}
