/**
 * CSV that Excel (Japanese Windows) opens correctly: UTF-8 with a BOM, CRLF line ends, every field
 * quoted, and a leading apostrophe-free form (numbers like case numbers are text anyway).
 */
export function toCsv(rows: Array<Array<string | number | null | undefined>>): string {
  const quote = (value: string | number | null | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    // Formula injection: a cell starting with = + - @ would be run by Excel.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return `"${safe.replace(/"/g, '""')}"`;
  };
  return '\uFEFF' + rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}

export function download(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a Blob (a file fetched with the bearer token) under the given name. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
