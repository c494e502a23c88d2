import type { CsvValue } from './csv';

/*
 * The analyst's reports, found in the gateway's merged OpenAPI document (every `GET` route of
 * the reporting service without path parameters is a report; its query parameters are the
 * filters), and any JSON answer turned into tables and a chart. The page therefore follows the
 * reporting service as it grows, without a release of the web application. Pure.
 */

/** A filter of a report (a query parameter). */
export interface ReportParameter {
  name: string;
  required: boolean;
  kind: 'choice' | 'date' | 'date-time' | 'integer' | 'text';
  options: string[];
  description: string | undefined;
}

/** A report: where to get it and how to filter it. */
export interface ReportDefinition {
  /** Gateway path, e.g. `/api/reporting/reports/autonomy`. */
  path: string;
  /** Stable id for the page's URL (the path after `/api/reporting/`). */
  id: string;
  title: string;
  description: string | undefined;
  parameters: ReportParameter[];
  /** The service answers `text/csv` too (else the CSV is made from the table). */
  csv: boolean;
}

/** The prefix of the reporting service's routes on the gateway. */
export const REPORTING_PREFIX = '/api/reporting/';

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parameterOf(raw: Json): ReportParameter | undefined {
  if (!isRecord(raw) || raw['in'] !== 'query' || typeof raw['name'] !== 'string') return undefined;
  const schema = isRecord(raw['schema']) ? raw['schema'] : {};
  const options = Array.isArray(schema['enum'])
    ? schema['enum'].filter((v): v is string => typeof v === 'string')
    : [];
  const format = schema['format'];
  const kind: ReportParameter['kind'] =
    options.length > 0
      ? 'choice'
      : format === 'date'
        ? 'date'
        : format === 'date-time'
          ? 'date-time'
          : schema['type'] === 'integer' || schema['type'] === 'number'
            ? 'integer'
            : 'text';
  return {
    name: raw['name'],
    required: raw['required'] === true,
    kind,
    options,
    description: typeof raw['description'] === 'string' ? raw['description'] : undefined,
  };
}

/** The reports of an OpenAPI document (sorted by title). */
export function discoverReports(document: Json): ReportDefinition[] {
  if (!isRecord(document) || !isRecord(document['paths'])) return [];
  const reports: ReportDefinition[] = [];
  for (const [path, item] of Object.entries(document['paths'])) {
    if (!path.startsWith(REPORTING_PREFIX) || path.includes('{') || !isRecord(item)) continue;
    const get = item['get'];
    if (!isRecord(get)) continue;
    const id = path.slice(REPORTING_PREFIX.length);
    if (/^(health|openapi)/.test(id)) continue;
    const responses = isRecord(get['responses']) ? get['responses'] : {};
    const ok = isRecord(responses['200']) ? responses['200'] : {};
    const content = isRecord(ok['content']) ? ok['content'] : {};
    reports.push({
      path,
      id,
      title: typeof get['summary'] === 'string' ? get['summary'] : id,
      description: typeof get['description'] === 'string' ? get['description'] : undefined,
      parameters: (Array.isArray(get['parameters']) ? get['parameters'] : [])
        .map(parameterOf)
        .filter((p): p is ReportParameter => p !== undefined),
      csv: Object.keys(content).some((type) => type.startsWith('text/csv')),
    });
  }
  return reports.sort((a, b) => a.title.localeCompare(b.title));
}

/** A table made from a report's answer. */
export interface ReportTable {
  /** Where in the answer it comes from (`''` for the answer itself, else a property path). */
  name: string;
  columns: string[];
  rows: CsvValue[][];
}

function scalar(value: Json): value is CsvValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/** A record's scalar fields, one level of nested objects flattened with dots. */
function flatten(record: Record<string, Json>): Record<string, CsvValue> {
  const flat: Record<string, CsvValue> = {};
  for (const [key, value] of Object.entries(record)) {
    if (scalar(value)) flat[key] = value;
    else if (isRecord(value)) {
      for (const [inner, v] of Object.entries(value)) if (scalar(v)) flat[`${key}.${inner}`] = v;
    } else if (Array.isArray(value) && value.every(scalar)) {
      flat[key] = value.join('; ');
    }
  }
  return flat;
}

function tableOfRecords(name: string, records: ReadonlyArray<Record<string, Json>>): ReportTable {
  const flat = records.map(flatten);
  const columns: string[] = [];
  for (const row of flat)
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return { name, columns, rows: flat.map((row) => columns.map((c) => row[c] ?? null)) };
}

/**
 * The tables of a report's answer: an array of records is one table; an object gives a table
 * per array of records it holds (to two levels), a table of its scalar fields, and a
 * two-column table per map of numbers (e.g. counts by phase).
 */
export function tabulate(answer: Json, name = '', depth = 0): ReportTable[] {
  if (Array.isArray(answer)) {
    const records = answer.filter(isRecord);
    if (records.length > 0) return [tableOfRecords(name, records)];
    if (answer.every(scalar)) {
      return [{ name, columns: ['value'], rows: answer.map((v) => [v]) }];
    }
    return [];
  }
  if (!isRecord(answer)) return [];
  const tables: ReportTable[] = [];
  const scalars = Object.entries(answer).filter(([, v]) => scalar(v)) as Array<[string, CsvValue]>;
  if (scalars.length > 0) {
    tables.push({ name: name || 'summary', columns: ['name', 'value'], rows: scalars });
  }
  for (const [key, value] of Object.entries(answer)) {
    const path = name ? `${name}.${key}` : key;
    if (Array.isArray(value)) tables.push(...tabulate(value, path, depth + 1));
    else if (isRecord(value)) {
      const entries = Object.entries(value);
      if (entries.length > 0 && entries.every(([, v]) => scalar(v))) {
        tables.push({ name: path, columns: ['name', 'value'], rows: entries as CsvValue[][] });
      } else if (depth < 2) {
        tables.push(...tabulate(value, path, depth + 1));
      }
    }
  }
  return tables;
}

/** The label and value columns a bar chart of the table uses, when it has both. */
export function chartColumns(table: ReportTable): { label: number; value: number } | undefined {
  if (table.rows.length === 0 || table.rows.length > 40) return undefined;
  const isNumber = (c: number) =>
    table.rows.every((r) => typeof r[c] === 'number' || r[c] === null) &&
    table.rows.some((r) => typeof r[c] === 'number');
  const isText = (c: number) => table.rows.every((r) => typeof r[c] === 'string');
  const label = table.columns.findIndex((_, c) => isText(c));
  const value = table.columns.findIndex((_, c) => isNumber(c));
  return label >= 0 && value >= 0 ? { label, value } : undefined;
}
