import { csvField, csvFileName, toCsv } from './csv';

describe('CSV', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', 3],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",3\r\n');
  });

  it('keeps numbers, booleans and empty cells as they are', () => {
    expect(toCsv(['n'], [[-4.5], [true], [null], [undefined]])).toBe(
      'n\r\n-4.5\r\ntrue\r\n\r\n\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-2)).toBe('-2');
  });

  it('names the file after the report and the day', () => {
    expect(csvFileName('Autonomy levels by unit', new Date('2027-03-10T12:00:00Z'))).toBe(
      'autonomy-levels-by-unit-2027-03-10.csv',
    );
    expect(csvFileName('¿¡!!', new Date('2027-03-10T12:00:00Z'))).toBe('report-2027-03-10.csv');
  });
});
