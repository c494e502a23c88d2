import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../i18n/i18n';
import { BarChart, LineChart, RiskMatrix, StackedBar } from './charts';

const render = (node: React.ReactNode) => renderToStaticMarkup(<I18nProvider>{node}</I18nProvider>);

describe('charts', () => {
  it('are images with a title and a description, and the same numbers as a table', () => {
    const html = render(
      <BarChart
        title="Maturity per spoke"
        description="Maturity from 0 to 4"
        valueLabel="Maturity"
        max={4}
        data={[
          { label: 'Training', value: 3 },
          { label: 'Evaluation of security management', value: 1 },
        ]}
      />,
    );
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+-title [^"]+-desc"/);
    expect(html).toContain('<title id=');
    expect(html).toContain('>Maturity per spoke</title>');
    expect(html).toContain('>Maturity from 0 to 4</desc>');
    expect(html).toContain('<figcaption>Maturity per spoke</figcaption>');
    expect(html).toContain('<summary>Show as table</summary>');
    expect(html).toMatch(/<th scope="row">Evaluation of security management<\/th><td>1<\/td>/);
  });

  it('draw a trend as a line through one point per value', () => {
    const html = render(
      <LineChart
        title="Level"
        description="Level over time"
        valueLabel="Level"
        max={4}
        data={[
          { label: 'Jan', value: 1 },
          { label: 'Mar', value: 2 },
          { label: 'May', value: 3 },
        ]}
      />,
    );
    expect(html.match(/<circle/g)).toHaveLength(3);
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
  });

  it('place threats in the likelihood × impact matrix with their count', () => {
    const cells = [];
    for (let likelihood = 1; likelihood <= 5; likelihood += 1) {
      for (let impact = 1; impact <= 5; impact += 1) {
        cells.push({
          likelihood,
          impact,
          level: 'low',
          count: likelihood === 4 && impact === 5 ? 2 : 0,
        });
      }
    }
    const html = render(
      <RiskMatrix title="Matrix" description="d" cells={cells} levelLabel={(l) => `L:${l}`} />,
    );
    expect(html.match(/class="matrix-cell level-low"/g)).toHaveLength(25);
    expect(html).toContain('class="matrix-count">2</text>');
    expect(html).toMatch(/<th scope="row">4<\/th><td>5<\/td><td>L:low<\/td><td>2<\/td>/);
  });

  it('show shares of a whole with a legend', () => {
    const html = render(
      <StackedBar
        title="Plan"
        description="1 of 4 implemented"
        valueLabel="Items"
        segments={[
          { label: 'Implemented', value: 1, tone: 'status-implemented' },
          { label: 'Planned', value: 3, tone: 'status-planned' },
        ]}
      />,
    );
    expect(html).toContain('Implemented: 1');
    expect(html).toContain('<td>75 %</td>');
  });
});
