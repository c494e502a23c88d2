import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { BarChart } from '../../charts/charts';
import { useI18n } from '../../i18n/i18n';
import { csvFileName, toCsv } from '../../lib/csv';
import {
  chartColumns,
  discoverReports,
  tabulate,
  type ReportDefinition,
  type ReportTable,
} from '../../lib/reports';
import { DateField, Form, SelectField, TextField, useSubmit } from '../../ui/form';
import { PageTitle } from '../../ui/layout';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** Saves a file from memory (no request leaves the page). */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The analyst's reports (pseudonymous, small counts suppressed by the reporting service). */
export function AnalystReportsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const reports = useResource(async (signal) => discoverReports(await api.openApi(signal)), [api]);
  return (
    <>
      <PageTitle>{t('reports.title')}</PageTitle>
      <p className="hint">{t('reports.privacy')}</p>
      <Loaded
        resource={reports}
        what={t('reports.title')}
        isEmpty={(list) => list.length === 0}
        empty={t('reports.none')}
      >
        {(list) => {
          const chosen = list.find((r) => r.id === params.get('report')) ?? list[0];
          return (
            <>
              <SelectField
                name="report"
                label={t('reports.choose')}
                value={chosen?.id ?? ''}
                onChange={(id) => setParams({ report: id }, { replace: true })}
                options={list.map((r) => ({ value: r.id, label: r.title }))}
              />
              {chosen && <Report key={chosen.id} report={chosen} />}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function Report({ report }: { report: ReportDefinition }) {
  const { t, label, number } = useI18n();
  const { api } = useSession();
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [tables, setTables] = useState<ReportTable[] | undefined>(undefined);
  const query = () =>
    Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')) as Record<
      string,
      string
    >;
  const show = useSubmit(async () => {
    setTables(tabulate(await api.client.get<unknown>(report.path, { query: query() })));
  });
  const download = async () => {
    const name = csvFileName(report.title, new Date());
    if (report.csv) {
      const file = await api.client.download(report.path, 'text/csv', { query: query() });
      saveFile(file.blob, file.filename ?? name);
      return;
    }
    const text = (tables ?? [])
      .map((table) => (table.name ? `# ${table.name}\r\n` : '') + toCsv(table.columns, table.rows))
      .join('\r\n');
    saveFile(new Blob([text], { type: 'text/csv;charset=utf-8' }), name);
  };
  return (
    <section className="panel" aria-labelledby="report-title" data-testid="report">
      <h2 id="report-title">{report.title}</h2>
      {report.description && <p>{report.description}</p>}
      <Form
        submission={show}
        label={t('reports.filters')}
        submitLabel={t('reports.show')}
        testId="report-form"
      >
        {report.parameters.length === 0 && <p className="hint">{t('reports.noFilters')}</p>}
        {report.parameters.map((p) => {
          const common = {
            name: p.name,
            label: p.name,
            value: filters[p.name] ?? '',
            onChange: (v: string) => setFilters((c) => ({ ...c, [p.name]: v })),
            required: p.required,
            ...(p.description ? { hint: p.description } : {}),
          };
          if (p.kind === 'choice') {
            return (
              <SelectField
                key={p.name}
                {...common}
                options={[
                  { value: '', label: t('filter.all') },
                  ...p.options.map((o) => ({ value: o, label: label(p.name, o) })),
                ]}
              />
            );
          }
          if (p.kind === 'date') return <DateField key={p.name} {...common} />;
          return <TextField key={p.name} {...common} />;
        })}
      </Form>
      {tables !== undefined && (
        <div className="report-result" aria-live="polite">
          <button
            type="button"
            className="button"
            onClick={() => void download()}
            data-testid="download-csv"
          >
            {t('reports.csv')}
          </button>
          {tables.length === 0 ? (
            <Empty>{t('reports.emptyAnswer')}</Empty>
          ) : (
            tables.map((table) => {
              const columns = chartColumns(table);
              return (
                <div key={table.name} className="report-table">
                  {columns && (
                    <BarChart
                      title={table.name || report.title}
                      description={t('reports.chartDescription', {
                        value: table.columns[columns.value] ?? '',
                        label: table.columns[columns.label] ?? '',
                      })}
                      valueLabel={table.columns[columns.value] ?? ''}
                      format={(v) => number(v, 2)}
                      data={table.rows.map((row) => ({
                        label: String(row[columns.label] ?? ''),
                        value:
                          typeof row[columns.value] === 'number'
                            ? (row[columns.value] as number)
                            : 0,
                      }))}
                    />
                  )}
                  <div className="table-scroll">
                    <table className="table">
                      <caption>{table.name || report.title}</caption>
                      <thead>
                        <tr>
                          {table.columns.map((c) => (
                            <th key={c} scope="col">
                              {c}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {table.rows.map((row, i) => (
                          <tr key={i}>
                            {row.map((cell, j) => (
                              <td key={j}>
                                {cell === null || cell === undefined
                                  ? t('reports.suppressed')
                                  : typeof cell === 'number'
                                    ? number(cell, 2)
                                    : String(cell)}
                              </td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              );
            })
          )}
        </div>
      )}
    </section>
  );
}
