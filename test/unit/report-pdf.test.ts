import { normalisePdf } from '../../src/reports/pdf';

/** The report's PDF: the same page gives the same bytes, however Chromium numbered its nodes. */
describe('report PDF normalisation', () => {
  const printed = (first: number, at: string) =>
    Buffer.from(
      [
        `%PDF-1.4`,
        `<</Type /StructElem /S /TH /ID (node${String(first).padStart(8, '0')})>>`,
        `<</Type /StructElem /S /TD /A [<</O /Table /Headers [(node${String(first).padStart(8, '0')}) (node${String(first + 40).padStart(8, '0')})]>>]>>`,
        `<</Type /StructElem /S /TH /ID (node${String(first + 40).padStart(8, '0')})>>`,
        `<</Names [(node${String(first).padStart(8, '0')}) 218 0 R (node${String(first + 40).padStart(8, '0')}) 230 0 R]>>`,
        `<</CreationDate (D:${at}+00'00') /ModDate (D:${at}+00'00')>>`,
      ].join('\n'),
      'latin1',
    );
  const monthEnd = new Date('2026-10-31T14:59:59Z');

  test('R-RPT-1..5: two printings whose times and structure ids differ give the same bytes, of the same length', () => {
    const one = printed(32, '20261208032901');
    const other = printed(33, '20261208032958');
    expect(normalisePdf(one, monthEnd).equals(normalisePdf(other, monthEnd))).toBe(true);
    expect(normalisePdf(one, monthEnd).length).toBe(one.length);
  });

  test('R-RPT-1..5: the ids keep their order and every reference to them, and the date is the fixed one', () => {
    const text = normalisePdf(printed(32, '20261208032901'), monthEnd).toString('latin1');
    expect(text).toContain('/ID (node00000001)');
    expect(text).toContain('/Headers [(node00000001) (node00000002)]');
    expect(text).toContain('/Names [(node00000001) 218 0 R (node00000002) 230 0 R]');
    expect(text).toContain("/CreationDate (D:20261031145959+00'00')");
  });
});
